"""One vocabulary of outcomes: every record status and every result outcome has its metric name
and its reported status, spelled out (no names built by string surgery)."""

from __future__ import annotations

import re

from article_extractor.aws.results import Written
from article_extractor.document import Status
from article_extractor.handler import DOCUMENT_METRICS, RESULT_METRICS, RESULT_STATUS


def test_every_status_and_outcome_has_a_metric() -> None:
    assert set(DOCUMENT_METRICS) == set(Status)
    assert set(RESULT_METRICS) == set(Written)
    names = [*DOCUMENT_METRICS.values(), *RESULT_METRICS.values()]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"(Documents|Results)[A-Z][a-z]+", name) for name in names)


def test_every_outcome_without_a_record_has_a_reported_status() -> None:
    # WRITTEN always comes with a record, whose own status is reported.
    assert set(RESULT_STATUS) == set(Written) - {Written.WRITTEN}
    assert not set(RESULT_STATUS.values()) & {str(status) for status in Status}
