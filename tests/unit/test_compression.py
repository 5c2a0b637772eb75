from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.read.compression import gunzip_bounded, looks_gzipped
from tests.conftest import SAMPLES

MIB = 1024 * 1024
ARTICLE = (
    b"<html><body><article><h1>Harbour news</h1>"
    + b"".join(
        f"<p>Paragraph {i}: the ferry left the harbour with {i * 7} passengers.</p>".encode()
        for i in range(400)
    )
    + b"</article></body></html>"
)


def _gzip_zeros(size: int) -> bytes:
    """A gzip member inflating to `size` zero bytes, built without holding `size` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MIB)
    parts = []
    for _ in range(size // MIB):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(bytes(size % MIB)))
    parts.append(compressor.flush())
    return b"".join(parts)


def test_round_trip_returns_original_bytes() -> None:
    assert gunzip_bounded(gzip.compress(ARTICLE), 10 * MIB) == ARTICLE


def test_round_trip_of_output_larger_than_one_inflate_chunk() -> None:
    payload = ARTICLE * 20  # well over the 64 KiB inflate chunk
    assert len(payload) > 256 * 1024
    assert gunzip_bounded(gzip.compress(payload), 10 * MIB) == payload


def test_sample_compressed_page_matches_stdlib_gunzip() -> None:
    data = (SAMPLES / "compressed-blog-post.html.gz").read_bytes()
    assert gunzip_bounded(data, 10 * MIB) == gzip.decompress(data)


def test_concatenated_members_are_all_inflated() -> None:
    data = gzip.compress(b"<p>first</p>") + gzip.compress(b"<p>second</p>")
    assert gunzip_bounded(data, MIB) == b"<p>first</p><p>second</p>"


def test_truncated_gzip_is_invalid_gzip() -> None:
    data = gzip.compress(ARTICLE)
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(data[: len(data) // 2], 10 * MIB)
    assert excinfo.value.code is ErrorCode.INVALID_GZIP


def test_gzip_missing_only_its_trailer_is_invalid_gzip() -> None:
    data = gzip.compress(ARTICLE)
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(data[:-4], 10 * MIB)
    assert excinfo.value.code is ErrorCode.INVALID_GZIP


def test_sample_broken_upload_is_invalid_gzip() -> None:
    data = (SAMPLES / "broken-upload.html.gz").read_bytes()
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(data, 10 * MIB)
    assert excinfo.value.code is ErrorCode.INVALID_GZIP


def test_corrupted_middle_bytes_are_invalid_gzip() -> None:
    data = bytearray(gzip.compress(ARTICLE))
    middle = len(data) // 2
    for offset in range(middle, middle + 16):
        data[offset] ^= 0xFF
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(bytes(data), 10 * MIB)
    assert excinfo.value.code is ErrorCode.INVALID_GZIP


def test_gzip_bomb_is_decompressed_too_large_without_inflating_it_all() -> None:
    bomb = _gzip_zeros(50 * MIB)
    assert len(bomb) < MIB
    tracemalloc.start()
    try:
        with pytest.raises(ProcessingError) as excinfo:
            gunzip_bounded(bomb, MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert excinfo.value.code is ErrorCode.DECOMPRESSED_TOO_LARGE
    assert peak < 8 * MIB


def test_output_of_exactly_max_bytes_passes() -> None:
    payload = (ARTICLE * 5)[:100_000]
    assert len(payload) == 100_000
    assert gunzip_bounded(gzip.compress(payload), 100_000) == payload


def test_output_one_byte_over_max_bytes_fails() -> None:
    payload = (ARTICLE * 5)[:100_001]
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(gzip.compress(payload), 100_000)
    assert excinfo.value.code is ErrorCode.DECOMPRESSED_TOO_LARGE


def test_limit_counts_output_of_all_concatenated_members() -> None:
    data = gzip.compress(bytes(600)) + gzip.compress(bytes(600))
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(data, 1000)
    assert excinfo.value.code is ErrorCode.DECOMPRESSED_TOO_LARGE


def test_trailing_non_gzip_garbage_after_member_is_ignored() -> None:
    data = gzip.compress(b"<p>body</p>") + b"this is not gzip at all"
    assert gunzip_bounded(data, MIB) == b"<p>body</p>"


def test_trailing_zero_padding_after_member_is_ignored() -> None:
    data = gzip.compress(b"<p>body</p>") + bytes(512)
    assert gunzip_bounded(data, MIB) == b"<p>body</p>"


def test_plain_html_is_invalid_gzip() -> None:
    with pytest.raises(ProcessingError) as excinfo:
        gunzip_bounded(b"<html><body>not compressed</body></html>", MIB)
    assert excinfo.value.code is ErrorCode.INVALID_GZIP


def test_looks_gzipped_true_for_gzip_magic() -> None:
    assert looks_gzipped(gzip.compress(b"x"))
    assert looks_gzipped(b"\x1f\x8b")


@pytest.mark.parametrize("data", [b"", b"\x1f", b"<html>", b"\x8b\x1f", b"PK\x03\x04"])
def test_looks_gzipped_false_without_gzip_magic(data: bytes) -> None:
    assert not looks_gzipped(data)
