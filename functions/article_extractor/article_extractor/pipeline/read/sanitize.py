"""HTML text made safe to parse: no DTD internal subset (entity-expansion bombs), no XML
declaration (lxml refuses encoding declarations in str input), no NUL or control characters,
and no binary content passed off as text."""

from __future__ import annotations

import re

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.literal_prefilter import LazyPattern

_XML_DECLARATION = LazyPattern(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# <!DOCTYPE html [ <!ENTITY a "..."> ... ]> -> <!DOCTYPE html>: entities are never declared.
_DOCTYPE_INTERNAL_SUBSET = LazyPattern(r"<!DOCTYPE([^>\[]*)\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
# Characters libxml2 refuses, and those trafilatura's `repair_faulty_html` strips as well (form
# feed, U+FFFE, U+FFFF): removed in one scan, so `parsing.parse_html` need not scan again.
_CONTROL_CHARACTERS = LazyPattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Its ASCII characters, as the bytes that encode them in UTF-8 (no other character's encoding
# holds a byte under 0x80).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Binary content read as text: more than 5% of the first 256 KiB are C0 controls (not tab,
# newline, form feed or carriage return, which text has).
_BINARY_CONTROLS = LazyPattern(r"[\x00-\x08\x0b\x0e-\x1f]")
_BINARY_SAMPLE_CHARS = 256 * 1024
_MAX_CONTROL_RATIO = 0.05
_HTML_TAG = LazyPattern(r"<html[\s>]", re.IGNORECASE)
_ROOT_SCAN_CHARS = 4096


def sanitize_html(text: str) -> str:
    """Remove what a parser could be made to misbehave on, keep everything a reader sees.

    Raises ProcessingError `not_html` for text that is mostly control characters (binary).

    Example::

        sanitize_html('<!DOCTYPE x [<!ENTITY a "aaa">]><p>&a;\\x00</p>')  # '<!DOCTYPE x><p>&a;</p>'
    """
    original = text
    text = _XML_DECLARATION.sub("", text, count=1)
    text = _DOCTYPE_INTERNAL_SUBSET.sub(r"<!DOCTYPE\1>", text, count=1)
    if has_control_characters(text):  # only the few pages with them pay for removing them
        text = _CONTROL_CHARACTERS.sub("", text)
        reject_binary_text(original)
    if not _HTML_TAG.search(text[:_ROOT_SCAN_CHARS]):
        # A fragment (`<div>...</div>`): give it the root element parsers expect of a page.
        text = "<html>" + text
    return text


def has_control_characters(text: str) -> bool:
    """Whether `_CONTROL_CHARACTERS` finds a character in `text`, answered without the regex's
    scan (a class test per character): the ASCII ones deleted from the UTF-8 bytes change their
    length, and the two noncharacters are found by substring search."""
    encoded = text.encode("utf-8", "surrogatepass")
    return (
        len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded)
        or "\ufffe" in text
        or "\uffff" in text
    )


def reject_binary_text(text: str) -> None:
    """Raise `not_html` when the start of the text is more than 5% control characters."""
    sample = text[:_BINARY_SAMPLE_CHARS]
    if not sample:
        return
    controls = len(_BINARY_CONTROLS.findall(sample))
    if controls / len(sample) > _MAX_CONTROL_RATIO:
        raise ProcessingError(
            ErrorCode.NOT_HTML, f"{controls} control characters in the first {len(sample)}: binary"
        )
