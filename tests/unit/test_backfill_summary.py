"""The backfill's last lines: counts and time always, a rate only for records it made."""

from __future__ import annotations

import re

import pytest

from article_extractor.config import Settings
from article_extractor_tools.backfill import BackfillOptions, S3Location, Tally, summary_lines

OPTIONS = BackfillOptions(
    source=S3Location("article-input", "news/"),
    settings=Settings.from_environ({"OUTPUT_BUCKET": "article-output"}),
)
RATE = re.compile(r", \d+\.\d docs/s$")


def lines_for(tally: Tally, started_seconds_ago: float = 2.0) -> list[str]:
    tally.started -= started_seconds_ago
    return summary_lines(OPTIONS, tally)


def test_a_run_that_made_records_shows_how_many_per_second() -> None:
    [line] = lines_for(Tally(listed=300, listing_done=True, done=288, failed_records=12))
    assert line.startswith(
        "backfill s3://article-input/news/ -> s3://article-output/extracted/: "
        "listed=300 done=288 skipped=0 failed=12 (records=12 errors=0) in "
    )
    assert RATE.search(line)
    rate = float(line.rsplit(", ", 1)[1].split()[0])
    assert rate == pytest.approx(300 / 2.0, rel=0.05)


def test_the_rate_counts_the_records_made_not_the_results_found_current() -> None:
    [line] = lines_for(Tally(listed=100, listing_done=True, done=10, skipped=90))
    rate = float(line.rsplit(", ", 1)[1].split()[0])
    assert rate == pytest.approx(10 / 2.0, rel=0.05)


def test_a_run_with_every_result_current_shows_no_rate_and_says_so() -> None:
    summary, note = lines_for(Tally(listed=4, listing_done=True, skipped=4))
    assert "docs/s" not in summary
    assert summary.endswith("listed=4 done=0 skipped=4 failed=0 (records=0 errors=0) in 2.0s")
    assert note == "nothing to process: every result is current (made from the object as it is now)"


def test_a_prefix_without_inputs_says_which_keys_count() -> None:
    summary, note = lines_for(Tally(listed=0, listing_done=True))
    assert "docs/s" not in summary
    assert note == (
        "nothing to process: no key under s3://article-input/news/ ends in "
        ".html, .htm, .html.gz or .htm.gz"
    )


def test_a_run_whose_objects_all_raised_shows_the_counts_alone() -> None:
    [line] = lines_for(Tally(listed=3, listing_done=True, errors=3))
    assert "docs/s" not in line
    assert "failed=3 (records=0 errors=3)" in line
