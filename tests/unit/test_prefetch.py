"""Read-ahead inside a batch: every object read once, results and errors handed to their own
object, reads overlapping (not serialised behind each other)."""

from __future__ import annotations

import threading

import pytest

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.events import ObjectRef
from article_extractor.prefetch import PrefetchingReader
from article_extractor.storage import FetchedObject

REFS = [ObjectRef("in", f"{n}.html") for n in range(6)]


class RecordingReader:
    def __init__(self, gate: threading.Barrier | None = None) -> None:
        self.reads: list[str] = []
        self.lock = threading.Lock()
        self.gate = gate

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        with self.lock:
            self.reads.append(ref.key)
        if self.gate is not None:
            self.gate.wait(timeout=10)  # only passes when `parties` reads are in flight at once
        if ref.key == "3.html":
            raise ProcessingError(ErrorCode.OBJECT_NOT_FOUND, "gone")
        return FetchedObject(body=ref.key.encode(), size=1)


def test_each_object_gets_its_own_result_or_error() -> None:
    inner = RecordingReader()
    with PrefetchingReader(inner, REFS, 100, concurrency=3) as reader:
        for ref in REFS:
            if ref.key == "3.html":
                with pytest.raises(ProcessingError):
                    reader.read(ref, 100)
            else:
                assert reader.read(ref, 100).body == ref.key.encode()
    assert sorted(inner.reads) == sorted(ref.key for ref in REFS)  # once each


def test_reads_run_concurrently() -> None:
    inner = RecordingReader(gate=threading.Barrier(3))  # deadlocks unless 3 reads overlap
    with PrefetchingReader(inner, REFS[:3], 100, concurrency=3) as reader:
        assert [reader.read(ref, 100).body for ref in REFS[:3]] == [b"0.html", b"1.html", b"2.html"]


def test_unknown_object_is_read_directly() -> None:
    inner = RecordingReader()
    with PrefetchingReader(inner, REFS[:1], 100, concurrency=2) as reader:
        reader.read(REFS[0], 100)
        assert reader.read(ObjectRef("in", "other.html"), 100).body == b"other.html"
    assert sorted(inner.reads) == ["0.html", "other.html"]
