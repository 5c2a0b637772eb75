"""Environment -> validated settings, read once per cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from article_extractor.document import CLEANING_RULES
from article_extractor.keys import LONG_KEYS_FOLDER, OUTPUT_SUFFIX, S3_MAX_KEY_BYTES
from article_extractor.options import DEFAULT_MAX_INPUT_BYTES, ProcessingOptions

DEFAULT_OUTPUT_PREFIX = "extracted/"
DEFAULT_MAX_OBJECT_SECONDS = 30.0
DEFAULT_READ_CONCURRENCY = 4
# Upper bounds; a value past one fails at cold start, naming its variable.
# The object, its gunzipped bytes and its decoded text (up to 4 bytes a character) are in memory
# at once, with the parsed tree: past 1 GiB no Lambda function (10,240 MB at most) holds them.
MAX_INPUT_BYTES_LIMIT = 1 << 30
# Lambda's longest timeout is 900 s, and the handler keeps 5 s of what is left for the write.
MAX_OBJECT_SECONDS_LIMIT = 895
# Each reader thread holds an object read ahead: far fewer are worth overlapping with extraction.
READ_CONCURRENCY_LIMIT = 64
# `<prefix>_long-keys/<64 hex digits of sha256>.json` (keys.output_key) must fit S3's key limit.
OUTPUT_PREFIX_MAX_BYTES = S3_MAX_KEY_BYTES - len(LONG_KEYS_FOLDER) - 64 - len(OUTPUT_SUFFIX)
_DIGITS = re.compile(r"[0-9]+")
_ASCII_WHITESPACE = " \t\n\r\f\v"
# The words a true/false setting takes (Powertools' own, so POWERTOOLS_* read the same).
TRUE_WORDS = frozenset({"1", "y", "yes", "t", "true", "on"})
FALSE_WORDS = frozenset({"0", "n", "no", "f", "false", "off"})


class ConfigurationError(ValueError):
    """The function's environment is invalid; raised at cold start with a message saying why."""


@dataclass(frozen=True)
class Settings:
    """What the function needs from its environment.

    Example::

        settings = Settings.from_environ({"OUTPUT_BUCKET": "my-output"})
        settings.output_prefix  # "extracted/"
    """

    output_bucket: str
    output_prefix: str = DEFAULT_OUTPUT_PREFIX
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    input_bucket: str | None = None
    delete_on_remove: bool = True
    max_object_seconds: float = DEFAULT_MAX_OBJECT_SECONDS
    read_concurrency: int = DEFAULT_READ_CONCURRENCY
    disabled_cleaning_rules: frozenset[str] = frozenset()
    output_blocks: bool = False
    content_model: bool = True
    output_decisions: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        output_bucket = environ.get("OUTPUT_BUCKET", "").strip()
        if not output_bucket:
            raise ConfigurationError("OUTPUT_BUCKET is required: the bucket results are written to")
        output_prefix = environ.get("OUTPUT_PREFIX", DEFAULT_OUTPUT_PREFIX)
        if output_prefix.startswith("/"):
            raise ConfigurationError(f"OUTPUT_PREFIX must not start with '/': {output_prefix!r}")
        try:
            prefix_bytes = len(output_prefix.encode("utf-8"))
        except UnicodeEncodeError:
            raise ConfigurationError("OUTPUT_PREFIX is not valid UTF-8 text") from None
        if prefix_bytes > OUTPUT_PREFIX_MAX_BYTES:
            raise ConfigurationError(
                f"OUTPUT_PREFIX must be at most {OUTPUT_PREFIX_MAX_BYTES} bytes of UTF-8 (result "
                f"keys must fit S3's {S3_MAX_KEY_BYTES}-byte limit), got {prefix_bytes}"
            )
        if any(segment in (".", "..") for segment in output_prefix.split("/")):
            raise ConfigurationError(f"OUTPUT_PREFIX must not hold '.' or '..': {output_prefix!r}")
        input_bucket = environ.get("INPUT_BUCKET", "").strip() or None
        if input_bucket == output_bucket:
            # Results written where uploads trigger the function could trigger it again.
            raise ConfigurationError(
                f"OUTPUT_BUCKET {output_bucket!r} is also INPUT_BUCKET: write results to a bucket "
                "that does not notify this function"
            )
        return cls(
            output_bucket=output_bucket,
            output_prefix=output_prefix,
            max_input_bytes=_whole_number(
                environ, "MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES, 1, MAX_INPUT_BYTES_LIMIT
            ),
            input_bucket=input_bucket,
            delete_on_remove=_flag(environ, "DELETE_ON_REMOVE", default=True),
            max_object_seconds=float(
                _whole_number(
                    environ,
                    "MAX_OBJECT_SECONDS",
                    int(DEFAULT_MAX_OBJECT_SECONDS),
                    1,
                    MAX_OBJECT_SECONDS_LIMIT,
                )
            ),
            # 0 switches reading ahead off.
            read_concurrency=_whole_number(
                environ, "READ_CONCURRENCY", DEFAULT_READ_CONCURRENCY, 0, READ_CONCURRENCY_LIMIT
            ),
            disabled_cleaning_rules=cleaning_rules(
                environ.get("DISABLED_CLEANING_RULES", ""), "DISABLED_CLEANING_RULES"
            ),
            output_blocks=_flag(environ, "OUTPUT_BLOCKS", default=False),
            content_model=_flag(environ, "CONTENT_MODEL", default=True),
            output_decisions=_flag(environ, "OUTPUT_DECISIONS", default=False),
        )

    def processing_options(self, time_budget: float | None = None) -> ProcessingOptions:
        """How this function processes each object; `time_budget` is that object's own.

        Example::

            process_fetched(ref, fetched, settings.processing_options(time_budget=12.5))
        """
        return ProcessingOptions(
            max_input_bytes=self.max_input_bytes,
            disabled_rules=self.disabled_cleaning_rules,
            time_budget=time_budget,
            include_blocks=self.output_blocks,
            content_model=self.content_model,
            explain=self.output_decisions,
        )


def cleaning_rules(raw: str, name: str) -> frozenset[str]:
    """Rule names from a comma- or space-separated list (`"image_credit, metadata_line"`);
    ConfigurationError naming `name` for one that is not a cleaning rule."""
    names = frozenset(raw.replace(",", " ").split())
    unknown = sorted(names - set(CLEANING_RULES))
    if unknown:
        raise ConfigurationError(
            f"{name} names no cleaning rule {', '.join(map(repr, unknown))}; "
            f"the rules are {', '.join(CLEANING_RULES)}"
        )
    return names


def is_true(value: str | None) -> bool:
    """True for the words a true setting takes (`1`, `yes`, `true`, `on`, ...)."""
    return (value or "").strip().lower() in TRUE_WORDS


def _whole_number(
    environ: Mapping[str, str], name: str, default: int, minimum: int, maximum: int
) -> int:
    """`environ[name]` as a whole number from `minimum` to `maximum`, `default` when unset or
    blank. Only ASCII digits count (`int()` would also take "١٢", "1_000" or "+5")."""
    raw = environ.get(name, "")
    text = raw.strip(_ASCII_WHITESPACE)
    if not text:
        return default
    if not _DIGITS.fullmatch(text):
        shown = raw if len(raw) <= 40 else f"{raw[:40]}..."
        raise ConfigurationError(f"{name} must be a whole number in digits 0-9, got {shown!r}")
    digits = text.lstrip("0") or "0"
    # Compare lengths first: int() refuses strings of over 4,300 digits.
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        shown = digits if len(digits) <= 40 else f"a {len(digits)}-digit number"
        raise ConfigurationError(f"{name} must be at most {maximum}, got {shown}")
    value = int(digits)
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")
