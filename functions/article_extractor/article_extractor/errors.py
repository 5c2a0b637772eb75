"""Errors as values: permanent problems with one object become an error record, not a crash."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable `error.code` values of the output document (documented in README and schema)."""

    EMPTY_INPUT = "empty_input"
    NO_TEXT = "no_text"
    UNSUPPORTED_KEY = "unsupported_key"
    INPUT_TOO_LARGE = "input_too_large"
    DECOMPRESSED_TOO_LARGE = "decompressed_too_large"
    INVALID_GZIP = "invalid_gzip"
    NOT_HTML = "not_html"
    OBJECT_NOT_FOUND = "object_not_found"
    ACCESS_DENIED = "access_denied"
    OBJECT_ARCHIVED = "object_archived"
    TOO_COMPLEX = "too_complex"
    TIMEOUT = "timeout"
    EXTRACTION_ERROR = "extraction_error"


class ProcessingError(Exception):
    """A permanent problem with one input object; the handler turns it into an error record.

    Example::

        raise ProcessingError(ErrorCode.NOT_HTML, "object starts with a PNG signature")
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
