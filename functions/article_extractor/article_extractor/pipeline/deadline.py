"""A time limit around one object's CPU-bound work, so a pathological page becomes a `timeout`
record instead of Lambda killing the invocation mid-write.

The limit is a SIGALRM timer whose handler raises `DeadlineExceeded`, a `BaseException`: the
libraries that catch `Exception` around their own steps (trafilatura around readability, jusText
and its retries) let it through. Once expired, the timer fires again every `REPEAT_SECONDS`, so
code that swallows it anyway (a finalizer, a bare `except:`) gets it again. `time_limit` stops
the timer and turns the expiry into ProcessingError `timeout`, so nothing past it sees either.

A signal only interrupts Python code: work inside one C call (a libxml2 parse, one XPath query)
finishes first. `markup_limits` bounds that work before the parse starts.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from article_extractor.errors import ErrorCode, ProcessingError

# After the limit, how often the timer fires again until the block has ended.
REPEAT_SECONDS = 0.1


class DeadlineExceeded(BaseException):
    """The time limit expired. Raised by the timer inside the block, never outside it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ProcessingError `timeout` if the block runs longer than `seconds`.

    Uses SIGALRM, so it only acts in the main thread (where Lambda runs the handler); elsewhere,
    and for `None`, the block runs unlimited.

    Example::

        with time_limit(2.5):
            article = extract_article(html)
    """
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    if seconds <= 0:
        raise ProcessingError(ErrorCode.TIMEOUT, "no time left to process this object")

    def expire(signum: int, frame: FrameType | None) -> None:
        if signal.getitimer(signal.ITIMER_REAL)[1] == 0.0:
            return  # delivered after the timer was stopped
        raise DeadlineExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
            yield
        finally:
            _stop_timer()
            signal.signal(signal.SIGALRM, previous)
    except DeadlineExceeded:
        raise ProcessingError(
            ErrorCode.TIMEOUT, f"processing took longer than {seconds:.1f} s"
        ) from None


def _stop_timer() -> None:
    """Stop the timer, even if it fires once more on the way out."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        except DeadlineExceeded:
            continue
        return
