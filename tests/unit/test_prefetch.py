"""Read-ahead inside a batch: every key read once, results and errors handed to their own
object, reads overlapping (not serialised behind each other), and a key taken once only (a
second event for the same key must look at S3 again)."""

from __future__ import annotations

import threading

import pytest

from article_extractor.aws.read_ahead import ReadAhead
from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.inputs import ObjectRef

REFS = [ObjectRef("in", f"{n}.html") for n in range(6)]


class RecordingRead:
    def __init__(self, gate: threading.Barrier | None = None) -> None:
        self.reads: list[str] = []
        self.lock = threading.Lock()
        self.gate = gate

    def __call__(self, ref: ObjectRef) -> bytes:
        with self.lock:
            self.reads.append(ref.key)
        if self.gate is not None:
            self.gate.wait(timeout=10)  # only passes when `parties` reads are in flight at once
        if ref.key == "3.html":
            raise ProcessingError(ErrorCode.OBJECT_NOT_FOUND, "gone")
        return ref.key.encode()


def test_each_object_gets_its_own_result_or_error() -> None:
    read = RecordingRead()
    with ReadAhead(read, REFS, concurrency=3) as ahead:
        for ref in REFS:
            if ref.key == "3.html":
                with pytest.raises(ProcessingError):
                    ahead.take(ref)
            else:
                assert ahead.take(ref) == ref.key.encode()
    assert sorted(read.reads) == sorted(ref.key for ref in REFS)  # once each


def test_reads_run_concurrently() -> None:
    read = RecordingRead(gate=threading.Barrier(3))  # deadlocks unless 3 reads overlap
    with ReadAhead(read, REFS[:3], concurrency=3) as ahead:
        assert [ahead.take(ref) for ref in REFS[:3]] == [b"0.html", b"1.html", b"2.html"]


def test_a_key_is_read_once_and_taken_once() -> None:
    read = RecordingRead()
    with ReadAhead(read, [REFS[0], REFS[0], REFS[1]], concurrency=2) as ahead:
        assert ahead.take(REFS[0]) == b"0.html"
        assert ahead.take(REFS[0]) is None  # the second event for it reads afresh
        assert ahead.take(ObjectRef("in", "other.html")) is None
        assert ahead.take(REFS[1]) == b"1.html"
    assert sorted(read.reads) == ["0.html", "1.html"]
