"""The output document (schema in `schema/output-document.schema.json`) and its JSON form."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = "1.6"
# The cleaning rules, by the names `extraction.cleaning` reports and DISABLED_CLEANING_RULES
# takes (pipeline.clean holds their code; a test keeps the two in step).
CLEANING_RULES = (
    "template_token",
    "stray_punctuation",
    "related_label",
    "subscription_teaser",
    "newsletter_signup",
    "social_prompt",
    "cookie_consent",
    "advertising",
    "image_credit",
    "comment_prompt",
    "donation_ask",
    "copyright_notice",
    "metadata_line",
    "app_prompt",
    "javascript_notice",
)


# Surrogate code points are no Unicode scalar values: UTF-8 (and so the record) cannot hold one
# alone, yet JSON escapes (`"\\ud800"`), RFC 2047 values and file names can put one in a str.
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def scalar_values(text: str) -> str:
    """`text` with each surrogate code point replaced by U+FFFD, as a UTF-8 decoder replaces a
    byte it cannot read: what is left encodes in UTF-8.

    Example::

        scalar_values("Ann \\ud800 Lee")  # "Ann \\ufffd Lee"
    """
    return text if _encodes(text) else _SURROGATES.sub(REPLACEMENT_CHARACTER, text)


def with_scalar_values(value: Any) -> Any:
    """`value` (a str, or lists, tuples, dicts and dataclasses of them) with every string passed
    through `scalar_values`; `value` itself when no string changes.

    Example::

        with_scalar_values({"author": "Ann \\ud800"})  # {"author": "Ann \\ufffd"}
    """
    return value if _all_encode(value) else _with_scalar_values(value)


def _encodes(text: str) -> bool:
    if text.isascii():  # reads a flag: no scan
        return True
    try:
        text.encode("utf-8")  # in C, several times faster than a regular expression's search
    except UnicodeEncodeError:
        return False
    return True


def _all_encode(value: Any) -> bool:
    """Whether every string in `value` encodes in UTF-8: a walk that copies nothing of the
    record, all that a clean record pays."""
    kind = type(value)
    if kind is str:
        return _encodes(value)
    if kind is list or kind is tuple:
        return all(map(_all_encode, value))
    if kind is dict:
        return all(map(_all_encode, value)) and all(map(_all_encode, value.values()))
    if isinstance(value, str):  # a StrEnum
        return _encodes(value)
    names = getattr(value, "__dataclass_fields__", None)
    if names is None or isinstance(value, type):
        return True
    return all(_all_encode(getattr(value, name)) for name in names)


def _with_scalar_values(value: Any) -> Any:
    if isinstance(value, str):
        return scalar_values(value)
    if isinstance(value, list | tuple):
        return type(value)(map(_with_scalar_values, value))
    if isinstance(value, dict):
        return {_with_scalar_values(k): _with_scalar_values(v) for k, v in value.items()}
    names = getattr(value, "__dataclass_fields__", None)
    if names is None or isinstance(value, type):
        return value
    return replace(value, **{name: _with_scalar_values(getattr(value, name)) for name in names})


# The page types `document.page_type` takes (pipeline.page_type's classes; a test keeps them in
# step with the model file).
PAGE_TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")
CONTENT_MODEL_OFF = "off"  # extraction.content_model.outcome when CONTENT_MODEL is off


class Status(StrEnum):
    OK = "ok"  # article text extracted
    EMPTY = "empty"  # the input holds no article text (empty object, no main content)
    SKIPPED = "skipped"  # deliberately not processed (not an input type, over a size limit)
    FAILED = "failed"  # the input cannot be processed (not HTML, corrupt gzip, gone)


@dataclass(frozen=True)
class Source:
    bucket: str | None
    key: str
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    content_type: str | None = None
    url: str | None = None  # object metadata `source-url`, when an absolute http(s) URL
    last_modified: str | None = None  # of the version read (ISO 8601, UTC)


@dataclass(frozen=True)
class Article:
    url: str | None
    canonical_url: str | None
    title: str | None
    author: str | None
    date: str | None
    sitename: str | None
    description: str | None
    language: str | None
    hostname: str | None
    image: str | None
    categories: list[str]
    tags: list[str]
    text: str
    word_count: int
    markdown: str = ""  # the same content as GitHub-flavoured Markdown (schema 1.1)
    blocks: list[dict[str, Any]] | None = None  # typed blocks, when OUTPUT_BLOCKS is on (1.1)
    page_type: str | None = None  # one of PAGE_TYPES; None when CONTENT_MODEL is off (1.2)
    standfirst: str | None = None  # the deck shown under the headline, if any (1.3)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.blocks is None:  # off: the key is left out, not written as null
            del data["blocks"]
        return data


@dataclass(frozen=True)
class ContentModelReport:
    """What the content model did with the page (`extraction.content_model`, schema 1.2).

    `outcome` (schema 1.6: every page's blocks are scored): `applied` (the blocks it kept are
    the content: it added some), `filtered` (trafilatura's content without the blocks it
    removed), `unchanged` (no block it was sure enough of to overrule trafilatura), `off`
    (CONTENT_MODEL is off). Before 1.6: `declared_article`, `rule_off`, `low_confidence`,
    `too_few_tokens` said why trafilatura's content was kept. `applied`: the model changed the
    content (`applied` or `filtered`). Block counts are of the page's text blocks, set when the
    blocks were scored: `added` kept by the model and not by trafilatura, `removed` kept by
    trafilatura and not by the model.
    """

    applied: bool
    outcome: str
    page_type_confidence: float | None = None
    blocks: int | None = None
    kept: int | None = None
    added: int | None = None
    removed: int | None = None


KEPT, REMOVED = "kept", "removed"  # `Decision.decision`
# `Decision.by` for the steps other than the cleaning rules (which are `rule:<name>`).
DECIDED_BY_TRAFILATURA = "trafilatura"  # its main-content extraction kept or left out the block
DECIDED_BY_CONTENT_MODEL = "content_model"  # the block model decided (with its score)
# the block model decided, and would not have without what the block's words say (text model)
DECIDED_BY_TEXT_MODEL = "text_model"
DECIDED_BY_TITLE = "title"  # a first heading that repeats the title (it has a field of its own)
DECIDED_BY_LEDE = "lede"  # the lede recovery put the block back
DECIDED_BY_FIGURES = "figures"  # the figure placement kept or left out a figure
RULE_PREFIX = "rule:"  # + a name of CLEANING_RULES: that cleaning rule removed the lines
DECISION_TEXT_CHARS = 200  # of each block's text written in `extraction.decisions`
# The values of `extraction.metadata_sources` (pipeline.metadata.sources says what each means).
METADATA_SOURCES = (
    "h1",
    "og:title",
    "twitter:title",
    "title_element",
    "page_metadata",
    "json_ld_posting",
    "json_ld_author",
    "json_ld_organization",
    "microdata_posting",
    "date_search",
    "html_lang",
    "content_language",
    "og_locale",
    "detected",
    "declared_article",
    "classifier",
    "lede",
    "opening_block",
)


@dataclass(frozen=True)
class Decision:
    """What became of one block of the page, and who decided it (`extraction.decisions`, schema
    1.5, written when OUTPUT_DECISIONS is on).

    `block` is the kind of block (as `document.blocks` types them), `text` its whole text (its
    JSON form keeps the first `DECISION_TEXT_CHARS` characters), `decision` `kept` or
    `removed`, `by` one of the `DECIDED_BY_*` steps or `rule:<cleaning rule>`, `score` the block
    model's probability when it decided (else None).

    Example::

        Decision("paragraph", "Subscribe now", "removed", "rule:subscription_teaser").to_dict()
    """

    block: str
    text: str
    decision: str
    by: str
    score: float | None = None

    @property
    def kept(self) -> bool:
        return self.decision == KEPT

    def to_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "text": self.text[:DECISION_TEXT_CHARS],
            "decision": self.decision,
            "by": self.by,
            "score": self.score,
        }


@dataclass(frozen=True)
class Extraction:
    extractor: str
    extractor_version: str
    package_version: str
    duration_ms: float
    processed_at: str
    input_encoding: str | None = None
    cleaning: dict[str, int] = field(default_factory=dict)
    recovered: list[str] = field(default_factory=list)
    content_model: ContentModelReport | None = None  # None when nothing was extracted (1.2)
    # Subtrees nested deeper than libxml2's 256 levels, kept as their text; None (the key left
    # out) when the page has none (1.4).
    flattened_subtrees: int | None = None
    # When OUTPUT_DECISIONS is on (1.5): every block of the page with what became of it, and
    # where each metadata field came from (field -> source); left out of the JSON when off.
    decisions: tuple[Decision, ...] | None = None
    metadata_sources: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `decisions` and `metadata_sources` only when set."""
        decisions = self.decisions
        data = asdict(self if decisions is None else replace(self, decisions=None))
        if decisions is None:
            del data["decisions"]
        else:
            data["decisions"] = [decision.to_dict() for decision in decisions]
        if self.metadata_sources is None:
            del data["metadata_sources"]
        return data


@dataclass(frozen=True)
class Error:
    code: str
    message: str


@dataclass(frozen=True)
class OutputDocument:
    """One result record: exactly one per input object."""

    status: Status
    source: Source
    extraction: Extraction
    article: Article | None = None  # written as "document"
    error: Error | None = None
    schema_version: str = SCHEMA_VERSION

    def __post_init__(self) -> None:
        # Every string of a record passes here, whatever built it: none can stop its JSON.
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            cleaned = with_scalar_values(value)
            if cleaned is not value:
                object.__setattr__(self, name, cleaned)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": self.schema_version,
            "status": str(self.status),
            "source": asdict(self.source),
            "document": self.article.to_dict() if self.article else None,
            "extraction": self.extraction.to_dict(),
        }
        if self.extraction.flattened_subtrees is None:
            del data["extraction"]["flattened_subtrees"]
        if self.error is not None:
            data["error"] = asdict(self.error)
        return data

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_bytes(self) -> bytes:
        return self.to_json().encode("utf-8")
