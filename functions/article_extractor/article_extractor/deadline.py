"""A time limit around one object's CPU-bound work, so a pathological page becomes a `timeout`
record instead of Lambda killing the invocation mid-write."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import ErrorCode, ProcessingError


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ProcessingError `timeout` if the block runs longer than `seconds`.

    Uses SIGALRM, so it only acts in the main thread (where Lambda runs the handler); elsewhere,
    and for `None`, the block runs unlimited.
    """
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    if seconds <= 0:
        raise ProcessingError(ErrorCode.TIMEOUT, "no time left to process this object")

    def expire(signum: int, frame: FrameType | None) -> None:
        raise ProcessingError(ErrorCode.TIMEOUT, f"processing took longer than {seconds:.1f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
