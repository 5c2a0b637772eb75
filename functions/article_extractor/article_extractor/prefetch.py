"""Overlapping S3 reads with extraction inside one invocation.

Extraction is CPU-bound and runs in the main thread (where the per-object time limit works);
reads are network-bound. While one object of a batch is extracted, a few threads already read
the next ones. Each read's outcome, value or exception, is handed to the object it belongs to,
so per-record failure reporting is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from .events import ObjectRef
from .storage import FetchedObject, ObjectReader


class PrefetchingReader:
    """An ObjectReader that starts reading `refs` at once, `concurrency` at a time.

    Example::

        with PrefetchingReader(S3ObjectReader(s3), refs, max_bytes, concurrency=4) as reader:
            for ref in refs:
                process_object(ref, reader, max_bytes)
    """

    def __init__(
        self,
        inner: ObjectReader,
        refs: Iterable[ObjectRef],
        max_bytes: int,
        concurrency: int,
    ) -> None:
        self._inner = inner
        self._max_bytes = max_bytes
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="s3-read")
        self._pending: dict[ObjectRef, Future[FetchedObject]] = {}
        for ref in refs:
            if ref not in self._pending and not ref.is_removal:
                self._pending[ref] = self._pool.submit(inner.read, ref, max_bytes)

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        future = self._pending.pop(ref, None)
        if future is None or max_bytes != self._max_bytes:
            return self._inner.read(ref, max_bytes)
        return future.result()

    def close(self) -> None:
        for future in self._pending.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PrefetchingReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
