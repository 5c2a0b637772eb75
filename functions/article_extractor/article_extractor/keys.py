"""Which keys are inputs, and where each one's result goes."""

from __future__ import annotations

SUPPORTED_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
OUTPUT_SUFFIX = ".json"


def is_supported_key(key: str) -> bool:
    """True for the keys this function extracts (case-insensitive suffix match)."""
    return key.lower().endswith(SUPPORTED_SUFFIXES)


def is_gzip_key(key: str) -> bool:
    return key.lower().endswith(".gz")


def output_key(prefix: str, source_key: str) -> str:
    """`OUTPUT_PREFIX + <decoded source key> + ".json"`.

    Example::

        output_key("extracted/", "news/a page.html")  # "extracted/news/a page.html.json"
    """
    return f"{prefix}{source_key}{OUTPUT_SUFFIX}"
