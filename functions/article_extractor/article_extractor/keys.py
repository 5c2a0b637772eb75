"""Which keys are inputs, and where each one's result goes."""

from __future__ import annotations

import hashlib

# The one list of what triggers processing: the template's and the local stack's notification
# filters, the function, backfill and the CLI all read it. S3 suffix filters compare bytes, so
# these match case-sensitively (`PAGE.HTML` is not an input).
SUPPORTED_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
OUTPUT_SUFFIX = ".json"
S3_MAX_KEY_BYTES = 1024
LONG_KEYS_FOLDER = "_long-keys/"
_LONG_KEYS_SEGMENT = LONG_KEYS_FOLDER.rstrip("/")
_SLASH = "%2F"
# Segments written escaped; every escape starts with `%`, and a segment that starts with `%`
# itself is written with that `%` as `%25`, so no two segments are written alike.
_ESCAPED_SEGMENTS = {".": "%2E", "..": "%2E%2E"}
_ESCAPED_FIRST_SEGMENTS = {_LONG_KEYS_SEGMENT: "%5F" + _LONG_KEYS_SEGMENT[1:]}


def is_supported_key(key: str) -> bool:
    """True for the keys that trigger processing: they end in one of `SUPPORTED_SUFFIXES`,
    compared case-sensitively as S3's suffix filters compare.

    Example::

        is_supported_key("news/page.htm.gz"), is_supported_key("PAGE.HTML")  # True, False
    """
    return key.endswith(SUPPORTED_SUFFIXES)


def supported_suffixes_text() -> str:
    """The suffixes as a reader sees them in messages.

    Example::

        supported_suffixes_text()  # ".html, .htm, .html.gz or .htm.gz"
    """
    *head, last = SUPPORTED_SUFFIXES
    return f"{', '.join(head)} or {last}"


def is_gzip_key(key: str) -> bool:
    return key.lower().endswith(".gz")


def _escape_segment(segment: str) -> str:
    if segment.startswith("%"):
        return "%25" + segment[1:]
    return _ESCAPED_SEGMENTS.get(segment, segment)


def output_key(prefix: str, source_key: str) -> str:
    """`OUTPUT_PREFIX + <decoded source key> + ".json"`, always inside the prefix, and never
    the same for two source keys.

    Exceptions keep those promises (they escape with `%`, which is why a segment that starts
    with `%` has that `%` written `%25`): `.`/`..` path segments are written `%2E`/`%2E%2E`,
    leading slashes `%2F`, a first segment `_long-keys` `%5Flong-keys`; and a key whose result
    key would pass S3's 1,024-byte limit goes to `<prefix>_long-keys/<sha256 of the key>.json`
    (the record's `source.key` still names it in full). `source_key` inverts it.

    Example::

        output_key("extracted/", "news/a page.html")  # "extracted/news/a page.html.json"
        output_key("extracted/", "x/./a.html")  # "extracted/x/%2E/a.html.json"
        output_key("extracted/", "x/%2E/a.html")  # "extracted/x/%252E/a.html.json"
    """
    segments = [_escape_segment(segment) for segment in source_key.split("/")]
    segments[0] = _ESCAPED_FIRST_SEGMENTS.get(segments[0], segments[0])
    safe = "/".join(segments)
    stripped = safe.lstrip("/")
    safe = _SLASH * (len(safe) - len(stripped)) + stripped  # never an absolute-looking key
    key = f"{prefix}{safe}{OUTPUT_SUFFIX}"
    if len(key.encode("utf-8")) <= S3_MAX_KEY_BYTES:
        return key
    digest = hashlib.sha256(source_key.encode("utf-8")).hexdigest()
    return f"{prefix}{LONG_KEYS_FOLDER}{digest}{OUTPUT_SUFFIX}"


def source_key(prefix: str, result_key: str) -> str:
    """The source key whose result is stored at `result_key`: the inverse of `output_key`.

    Raises `ValueError` for a key `output_key` never returns for this prefix, and for results
    under `<prefix>_long-keys/` (a digest; their record's `source.key` names the source).

    Example::

        source_key("extracted/", "extracted/x/%252E/a.html.json")  # "x/%2E/a.html"
    """
    if not (result_key.startswith(prefix) and result_key.endswith(OUTPUT_SUFFIX)):
        raise ValueError(f"{result_key!r} is not a result key under {prefix!r}")
    safe = result_key[len(prefix) : len(result_key) - len(OUTPUT_SUFFIX)]
    if safe.startswith(LONG_KEYS_FOLDER):
        raise ValueError(f"{result_key!r} names its source by digest only")
    rest = safe
    while rest.startswith(_SLASH):
        rest = rest[len(_SLASH) :]
    slashes = (len(safe) - len(rest)) // len(_SLASH)
    unescape = {escaped: segment for segment, escaped in _ESCAPED_SEGMENTS.items()}
    segments = []
    for index, segment in enumerate(rest.split("/")):
        if index == 0 and slashes == 0 and segment == _ESCAPED_FIRST_SEGMENTS[_LONG_KEYS_SEGMENT]:
            segment = _LONG_KEYS_SEGMENT
        elif segment.startswith("%25"):
            segment = "%" + segment[3:]
        elif segment in unescape:
            segment = unescape[segment]
        segments.append(segment)
    key = "/" * slashes + "/".join(segments)
    # What no key maps to (`x/./a`, an unescaped `%` segment) has no source.
    if output_key(prefix, key) != result_key:
        raise ValueError(f"no source key maps to {result_key!r}")
    return key
