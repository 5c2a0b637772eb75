"""HTML text made safe to parse: no DTD internal subset (entity-expansion bombs), no XML
declaration (lxml refuses encoding declarations in str input), no NUL or control characters."""

from __future__ import annotations

import re

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# <!DOCTYPE html [ <!ENTITY a "..."> ... ]> -> <!DOCTYPE html>: entities are never declared.
_DOCTYPE_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE([^>\[]*)\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<html[\s>]", re.IGNORECASE)
_ROOT_SCAN_CHARS = 4096


def sanitize_html(text: str) -> str:
    """Remove what a parser could be made to misbehave on, keep everything a reader sees.

    Example::

        sanitize_html('<!DOCTYPE x [<!ENTITY a "aaa">]><p>&a;\\x00</p>')  # '<!DOCTYPE x><p>&a;</p>'
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    text = _DOCTYPE_INTERNAL_SUBSET.sub(r"<!DOCTYPE\1>", text, count=1)
    text = _CONTROL_CHARACTERS.sub("", text)
    if not _HTML_TAG.search(text[:_ROOT_SCAN_CHARS]):
        # A fragment (`<div>...</div>`): give it the root element parsers expect of a page.
        text = "<html>" + text
    return text
