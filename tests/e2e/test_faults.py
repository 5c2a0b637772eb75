"""1,000 uploads through moto's server with injected S3 faults and concurrent workers: every
upload ends as exactly one result record or one dead-lettered message (tests/e2e/fault_run.py)."""

from __future__ import annotations

import pytest

from tests.e2e.fault_run import run

pytestmark = pytest.mark.e2e


def test_nothing_is_lost_under_faults() -> None:
    report = run(objects=1000, workers=2, poison=20, broken=20)
    print(report.line())  # the counts, in the test log
    assert report.uploaded == 1000
    assert report.lost == 0
    assert report.faults_into_error_records == 0  # injected faults never become error records
    assert report.unexpected_dead_letters == 0
    assert report.misfiled_results == 0  # each result where the key mapping puts it, one a key
    assert report.dead_lettered == 20  # the poison uploads, after 3 receives each
    assert report.ok == 960
    assert report.error_records == 20  # the broken uploads: empty / invalid gzip records
    assert report.statuses == {"ok": 960, "empty": 10, "failed": 10}
    # The faults happened: each kind injected (by each worker that ran to the end).
    assert report.workers_reported == 2
    assert report.faults_missing() == [], report.injected
    # Every poison upload's write was refused, on at least one of its receives (a receive whose
    # reads ran out of retries fails before it writes: not every receive reaches the PUT).
    assert report.injected["poison_403"] >= 20
