"""A short fuzz of the whole processing path: mutated real pages and random bytes, read as
`.html` and as `.html.gz`, must always become a schema-valid record, never an exception.

`make fuzz` runs it long (FUZZ_EXAMPLES=5000); the default run stays short for CI.
"""

from __future__ import annotations

import gzip
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_extractor.document import OutputDocument, Status
from article_extractor.inputs import FetchedObject, ObjectRef, too_large
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from tests.conftest import FIXTURES, SAMPLES, assert_valid_output

MAX = 1024 * 1024
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))

SEEDS = tuple(
    path.read_bytes()
    for path in sorted(
        [
            *FIXTURES.glob("*.html"),
            *SAMPLES.glob("*.html"),
            *SAMPLES.glob("*.html.gz"),
        ]
    )
)
# Fragments that make parsers and decoders take unusual paths.
TOKENS = (
    b"<",
    b">",
    b"</",
    b"<!--",
    b"-->",
    b"\x00",
    b"<!DOCTYPE x [",
    b'<!ENTITY a "&a;&a;">',
    b"]>",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\x1f\x8b",
    b"<![CDATA[",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b'<meta charset="shift_jis">',
    b'<meta charset="utf-7">',
    b"<script>",
    b"<style>",
    b"<table><tr><td>",
    b"&#0;",
    b"&#xD800;",
    b"&amp",
    b"\r",
    b"\xe2\x80",
    b"\x80\x81\xfe",
)


class MemoryReader:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        if len(self.body) > max_bytes:
            raise too_large(len(self.body), max_bytes)
        return FetchedObject(body=self.body, size=len(self.body))


@st.composite
def mutated_pages(draw: Any) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.sampled_from(["flip", "truncate", "insert", "duplicate", "delete"]))
        at = draw(st.integers(0, len(data)))
        if operation == "flip" and data:
            index = min(at, len(data) - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif operation == "truncate":
            del data[at:]
        elif operation == "insert":
            data[at:at] = draw(
                st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=16))
            )
        elif operation == "duplicate":
            end = draw(st.integers(at, min(len(data), at + 2000)))
            data[at:at] = data[at:end] * draw(st.integers(1, 4))
        elif operation == "delete":
            del data[at : draw(st.integers(at, min(len(data), at + 200)))]
    return bytes(data)


INPUTS = st.one_of(mutated_pages(), st.binary(max_size=5000))


def process(body: bytes, key: str) -> OutputDocument:
    document = process_object(
        ObjectRef("fuzz", key), MemoryReader(body), ProcessingOptions(max_input_bytes=MAX)
    )
    assert isinstance(document, OutputDocument)
    assert_valid_output(document.to_dict())
    assert (document.error is None) == (document.status is Status.OK)
    return document


@given(body=INPUTS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_become_a_valid_record(body: bytes) -> None:
    process(body, "x.html")
    process(body, "x.html.gz")  # mostly corrupt gzip, unless the bytes are a gzip stream
    process(gzip.compress(body, mtime=0), "x.html.gz")  # the same bytes behind a valid gzip
