"""Bounded gunzip: never inflate more than the configured limit (gzip bombs stop early)."""

from __future__ import annotations

import zlib

from article_extractor.errors import ErrorCode, ProcessingError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024


def looks_gzipped(data: bytes) -> bool:
    return data[:2] == GZIP_MAGIC


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Inflate gzip `data` (concatenated members too), failing past `max_bytes` of output.

    Raises ProcessingError `invalid_gzip` for corrupt or truncated input and
    `decompressed_too_large` as soon as the output would exceed `max_bytes`.
    """
    output = bytearray()
    remaining = data
    while remaining:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = remaining
        while pending:
            try:
                chunk = inflater.decompress(pending, _CHUNK)
            except zlib.error as error:
                raise ProcessingError(
                    ErrorCode.INVALID_GZIP, f"corrupt gzip data: {error}"
                ) from None
            output += chunk
            if len(output) > max_bytes:
                raise ProcessingError(
                    ErrorCode.DECOMPRESSED_TOO_LARGE,
                    f"gzip content inflates beyond the {max_bytes}-byte limit",
                )
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise ProcessingError(ErrorCode.INVALID_GZIP, "gzip data is truncated")
        remaining = inflater.unused_data.lstrip(b"\x00")
        if remaining and not looks_gzipped(remaining):
            break  # trailing garbage after the last member is ignored, as gzip(1) does
    return bytes(output)
