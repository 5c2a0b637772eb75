"""Which URLs a record may carry: absolute http(s) URLs with a host, nothing a reader could follow
into a script (`javascript:`), inline content (`data:`) or a guess (a relative path)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_WEB_SCHEMES = frozenset({"http", "https"})
# Control characters (tab and newlines included) are never part of a URL as written.
_CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(0x20), 0x7F))
# A lone surrogate (from a JSON escape or a file name) has no UTF-8 form: no one can request it.
_SURROGATE = "[\ud800-\udfff]"
# What S3 returns for a non-ASCII user-metadata value: the whole value as RFC 2047 encoded words.
# A pattern string, not compiled at import: this module is on the cold-start path.
_ENCODED_WORDS = r"(?:=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=\s*)+"


def absolute_web_url(value: str | None, base: str | None = None) -> str | None:
    """`value` when it is an absolute http(s) URL with a host, else None; a relative `value`
    is first resolved against `base` when `base` is such a URL.

    Non-ASCII characters stay as given (an IRI is a URL to every reader that matters here).

    Example::

        absolute_web_url("https://example.com/a")  # "https://example.com/a"
        absolute_web_url("/a", base="https://example.com/x")  # "https://example.com/a"
        absolute_web_url("javascript:alert(1)")  # None
        absolute_web_url("https://example.com/\\ud800")  # None: no UTF-8 form
    """
    candidate = (value or "").strip(" \t\n\r\f")
    if not candidate or not _CONTROL_CHARACTERS.isdisjoint(candidate):
        return None
    if not candidate.isascii() and re.search(_SURROGATE, candidate):
        return None
    base_url = absolute_web_url(base) if base else None
    try:
        if base_url:
            candidate = urljoin(base_url, candidate)
        parts = urlsplit(candidate)
        host, _ = parts.hostname, parts.port
    except ValueError:  # an unclosed "[" of an IPv6 host, a port past 65535
        return None
    if parts.scheme not in _WEB_SCHEMES or not host or " " in host:
        return None
    return candidate


def decode_metadata_value(value: str) -> str:
    """An S3 user-metadata value as it was written: S3 returns a non-ASCII value RFC 2047-encoded
    (`=?UTF-8?B?...?=` or `=?UTF-8?Q?...?=`). Any other value, or one that does not decode
    as text, comes back unchanged.

    Example::

        decode_metadata_value("=?UTF-8?Q?https://example.com/caf=C3=A9?=")
        # "https://example.com/café"
    """
    if "=?" not in value or not re.fullmatch(_ENCODED_WORDS, value.strip()):
        return value
    from email.errors import HeaderParseError  # only encoded values pay for the email package
    from email.header import decode_header

    try:
        return "".join(
            part.decode(charset or "ascii") if isinstance(part, bytes) else part
            for part, charset in decode_header(value.strip())
        )
    except (HeaderParseError, LookupError, ValueError):  # bad base64, unknown or non-text charset
        return value
