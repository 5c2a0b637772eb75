"""Overlapping S3 reads with extraction inside one invocation.

Extraction is CPU-bound and runs in the main thread (where the per-object time limit works);
reads are network-bound. While one object of a batch is extracted, a few threads already take
the next ones' snapshots (their stored result, then their current object: the first step of
`results.process_and_store`). Each snapshot, value or exception, is handed to the object it
belongs to, so per-record failure reporting is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class ReadAhead(Generic[Key, Value]):
    """Starts `read(key)` for every distinct key at once, `concurrency` at a time; `take(key)`
    returns (or raises) that read's outcome once, then None for that key.

    Example::

        with ReadAhead(lambda ref: take_snapshot(ref, s3, reader, settings), refs, 4) as ahead:
            for ref in refs:
                process_and_store(ref, s3, reader, settings, first_snapshot=ahead.take(ref))
    """

    def __init__(self, read: Callable[[Key], Value], keys: Iterable[Key], concurrency: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="s3-read")
        self._pending: dict[Key, Future[Value]] = {}
        for key in keys:
            if key not in self._pending:
                self._pending[key] = self._pool.submit(read, key)

    def take(self, key: Key) -> Value | None:
        future = self._pending.pop(key, None)
        return None if future is None else future.result()

    def close(self) -> None:
        for future in self._pending.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ReadAhead[Key, Value]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
