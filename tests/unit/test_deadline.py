"""`time_limit`: the expiry passes through `except Exception`, fires again when swallowed, and
leaves no timer or handler behind on any way out of the block.

The blocks spin until the limit interrupts them or a generous bound passes; the tests assert
what happened, never how long it took.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.deadline import DeadlineExceeded, time_limit

BUDGET = 0.05
GIVE_UP_SECONDS = 5.0  # only reached when the limit never interrupts: the test then fails


def spin() -> None:
    """Busy Python work until the limit interrupts it (or GIVE_UP_SECONDS pass)."""
    give_up = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < give_up:
        pass


@pytest.fixture(autouse=True)
def no_timer_left_behind() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_expiry_is_a_timeout_processing_error() -> None:
    with pytest.raises(ProcessingError) as raised, time_limit(BUDGET):
        spin()
    assert raised.value.code is ErrorCode.TIMEOUT


def test_expiry_passes_through_except_exception() -> None:
    """Libraries wrap their steps in `except Exception`; the expiry must not stop there."""
    caught: list[BaseException] = []
    with pytest.raises(ProcessingError) as raised, time_limit(BUDGET):
        try:
            spin()
        except Exception as error:  # what trafilatura does around readability and jusText
            caught.append(error)
        spin()  # the step after the swallowing handler must not run to its end either
    assert raised.value.code is ErrorCode.TIMEOUT
    assert caught == []


def test_expiry_fires_again_after_being_swallowed() -> None:
    swallowed: list[BaseException] = []
    with pytest.raises(ProcessingError) as raised, time_limit(BUDGET):
        try:
            spin()
        except BaseException as error:  # a bare `except:` or a finalizer
            swallowed.append(error)
        spin()
    assert raised.value.code is ErrorCode.TIMEOUT
    assert [type(error) for error in swallowed] == [DeadlineExceeded]


def test_block_within_budget_leaves_no_timer() -> None:
    with time_limit(60):
        pass


def test_error_inside_the_block_propagates_and_leaves_no_timer() -> None:
    with pytest.raises(KeyError), time_limit(60):
        raise KeyError("boom")


def test_no_budget_runs_unlimited() -> None:
    with time_limit(None):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_time_left_is_timeout_before_the_block() -> None:
    entered: list[bool] = []
    with pytest.raises(ProcessingError) as raised, time_limit(0):
        entered.append(True)
    assert raised.value.code is ErrorCode.TIMEOUT
    assert entered == []
