"""bench/decisions.py measures what it says on a page written for the review tests."""

from __future__ import annotations

import gzip

from bench.decisions import measure, report

from tests.conftest import FIXTURES

PAGE = (FIXTURES / "review" / "article.html").read_bytes()


def test_a_page_costs_bytes_of_decisions_and_has_a_review_page() -> None:
    measured = measure(PAGE, "https://harbour.example/quay")
    assert measured.bytes_on > measured.bytes_off > 1000
    assert measured.ms_off > 0 and measured.ms_on > 0
    assert measured.review_bytes > measured.bytes_on  # the page holds the whole text, and more
    # gzip read as the function reads it (the sizes differ by the digits of duration_ms only)
    zipped, plain = measure(gzip.compress(PAGE), None), measure(PAGE, None)
    assert abs(zipped.bytes_on - plain.bytes_on) < 10
    lines = report([measured, measured]).splitlines()
    assert lines[0] == "pages: 2"
    assert f"added {measured.bytes_on - measured.bytes_off}" in lines[1]
