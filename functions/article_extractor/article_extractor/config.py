"""Environment -> validated settings, read once per cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_OUTPUT_PREFIX = "extracted/"
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_OBJECT_SECONDS = 30.0
DEFAULT_READ_CONCURRENCY = 4
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


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

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        output_bucket = environ.get("OUTPUT_BUCKET", "").strip()
        if not output_bucket:
            raise ConfigurationError("OUTPUT_BUCKET is required: the bucket results are written to")
        output_prefix = environ.get("OUTPUT_PREFIX", DEFAULT_OUTPUT_PREFIX)
        if output_prefix.startswith("/"):
            raise ConfigurationError(f"OUTPUT_PREFIX must not start with '/': {output_prefix!r}")
        try:
            output_prefix.encode("utf-8")
        except UnicodeEncodeError:
            raise ConfigurationError("OUTPUT_PREFIX is not valid UTF-8 text") from None
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
            max_input_bytes=_positive_int(environ, "MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES),
            input_bucket=input_bucket,
            delete_on_remove=_flag(environ, "DELETE_ON_REMOVE", default=True),
            max_object_seconds=float(
                _positive_int(environ, "MAX_OBJECT_SECONDS", int(DEFAULT_MAX_OBJECT_SECONDS))
            ),
            read_concurrency=_count(environ, "READ_CONCURRENCY", DEFAULT_READ_CONCURRENCY),
        )


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number >= 0 (0 switches the feature off)."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigurationError(f"{name} must be a whole number >= 0, got {raw!r}")
    return int(raw)
