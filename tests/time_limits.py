"""Making a time limit run out inside a chosen step, however fast or loaded the machine: tests
assert what happened when it did, never how long anything took."""

from __future__ import annotations

import signal
import time

from article_extractor.pipeline.deadline import REPEAT_SECONDS

# Only reached when the time limit never interrupts the step: the test then fails.
GIVE_UP_SECONDS = 5.0


def expire_inside(step: str) -> None:
    """Call from inside `step` while `time_limit` runs: its timer is set to fire now, then busy
    Python work that only the limit ends (an AssertionError if it does not)."""
    assert signal.getitimer(signal.ITIMER_REAL)[0] > 0, f"no time limit around {step}"
    signal.setitimer(signal.ITIMER_REAL, 0.001, REPEAT_SECONDS)
    give_up = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < give_up:
        pass
    raise AssertionError(f"the time limit did not stop {step}")
