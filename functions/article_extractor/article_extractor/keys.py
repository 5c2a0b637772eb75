"""Which keys are inputs, and where each one's result goes."""

from __future__ import annotations

import hashlib

SUPPORTED_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
OUTPUT_SUFFIX = ".json"
S3_MAX_KEY_BYTES = 1024
LONG_KEYS_FOLDER = "_long-keys/"
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def is_supported_key(key: str) -> bool:
    """True for the keys this function extracts (case-insensitive suffix match)."""
    return key.lower().endswith(SUPPORTED_SUFFIXES)


def is_gzip_key(key: str) -> bool:
    return key.lower().endswith(".gz")


def output_key(prefix: str, source_key: str) -> str:
    """`OUTPUT_PREFIX + <decoded source key> + ".json"`, always inside the prefix.

    Exceptions keep that promise: `.`/`..` path segments are written `%2E`/`%2E%2E` and leading
    slashes `%2F`, so no tool that resolves paths can take the key out of the prefix; a key whose
    result key
    would pass S3's 1,024-byte limit goes to `<prefix>_long-keys/<sha256 of the key>.json`
    (the record's `source.key` still names it in full).

    Example::

        output_key("extracted/", "news/a page.html")  # "extracted/news/a page.html.json"
    """
    safe = "/".join(_DOT_SEGMENTS.get(segment, segment) for segment in source_key.split("/"))
    stripped = safe.lstrip("/")
    safe = "%2F" * (len(safe) - len(stripped)) + stripped  # never an absolute-looking key
    key = f"{prefix}{safe}{OUTPUT_SUFFIX}"
    if len(key.encode("utf-8")) <= S3_MAX_KEY_BYTES:
        return key
    digest = hashlib.sha256(source_key.encode("utf-8")).hexdigest()
    return f"{prefix}{LONG_KEYS_FOLDER}{digest}{OUTPUT_SUFFIX}"
