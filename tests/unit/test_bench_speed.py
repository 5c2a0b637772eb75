"""bench/speed.py's memory figure is the child's own peak, not its parent's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.speed import IMPORT_AND_FIRST_PAGE, largest_page_peak_rss_mb, peak_rss_mb

ROOT = Path(__file__).resolve().parents[2]


def test_largest_page_rss_is_measured_in_the_child_alone() -> None:
    # ru_maxrss survives fork + exec on Linux: a child of a 300 MB process reported 300 MB.
    ballast = b"x" * (300 << 20)
    parent_peak = peak_rss_mb()
    assert parent_peak > 300
    child_peak = largest_page_peak_rss_mb(ROOT / "samples" / "english-news-article.html")
    assert 0 < child_peak < parent_peak - 150
    del ballast


def test_the_first_page_cold_start_snippet_runs() -> None:
    # It imported a local file reader from aws.storage, which the layout moved to tools/.
    subprocess.run([sys.executable, "-c", IMPORT_AND_FIRST_PAGE], check=True, cwd=ROOT)
