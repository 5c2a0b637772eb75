"""bench/datasets.py: the one reader of both development sets and their metrics, on small sets
written in each set's format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from bench.datasets import (
    snippet_matches,
    trafilatura_eval_pages,
    wcxb_pages,
    word_scores,
)


def test_wcxb_pages_in_id_order_with_their_ground_truth(tmp_path: Path) -> None:
    (tmp_path / "ground-truth").mkdir()
    (tmp_path / "html").mkdir()
    for file_id, page_type in (("0002", "category"), ("0001", "article"), ("0003", "forum")):
        truth = {
            "file_id": file_id,
            "url": f"https://example.com/{file_id}",
            "ground_truth": {
                "main_content": f"text of {file_id}",
                "with": "['kept', '']",  # WCXB writes some lists as Python literals
                "without": ["dropped"],
                "title": "A title",
                "author": None,
                "publish_date": "2024-05-01",
            },
            "_internal": {"page_type": {"primary": page_type}},
        }
        (tmp_path / "ground-truth" / f"{file_id}.json").write_text(json.dumps(truth))
        if file_id != "0003":  # a ground truth without its page is left out
            (tmp_path / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(b"<p>x</p>"))
    pages = list(wcxb_pages(tmp_path))
    assert [(page.file_id, page.page_type) for page in pages] == [
        ("0001", "article"),
        ("0002", "collection"),
    ]
    first = pages[0]
    assert (first.main_content, first.with_snippets, first.without_snippets) == (
        "text of 0001",
        ("kept",),
        ("dropped",),
    )
    assert (first.title, first.author, first.date) == ("A title", None, "2024-05-01")
    assert first.path == tmp_path / "html" / "0001.html.gz"


def test_a_wcxb_set_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(wcxb_pages(tmp_path / "missing"))


def test_trafilatura_eval_pages_from_eval_or_cache(tmp_path: Path) -> None:
    (tmp_path / "eval").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "eval" / "a.html").write_text("<p>a</p>")
    (tmp_path / "cache" / "b.html").write_text("<p>b</p>")
    evaldata = {
        "https://a.example/": {"file": "a.html", "with": ["one", ""], "without": ["two"]},
        "https://gone.example/": {"file": "gone.html", "with": ["x"]},
        "https://b.example/": {"file": "b.html", "with": ["three"]},
    }
    (tmp_path / "evaldata.json").write_text(json.dumps(evaldata))
    pages = list(trafilatura_eval_pages(tmp_path))
    assert [(page.file, page.path, page.url) for page in pages] == [
        ("a.html", tmp_path / "eval" / "a.html", "https://a.example/"),
        ("b.html", tmp_path / "cache" / "b.html", "https://b.example/"),
    ]
    assert (pages[0].with_snippets, pages[0].without_snippets) == (("one",), ("two",))
    assert pages[1].without_snippets == ()


def test_snippets_match_whatever_the_whitespace_but_not_the_case() -> None:
    text = "The   harbour\nopened today. Related: more news"
    missed, leaked = snippet_matches(
        text, ("The harbour opened", "the harbour opened"), ("Related: more", "Absent")
    )
    assert (missed, leaked) == (["the harbour opened"], ["Related: more"])


def test_word_scores_are_the_benchmarks() -> None:
    assert word_scores("a b b c", "A b d") == pytest.approx((0.5, 2 / 3, 4 / 7))
    assert word_scores("", "") == (1.0, 1.0, 1.0)
    assert word_scores("words", "") == (0.0, 0.0, 0.0)
    assert word_scores("", "words") == (0.0, 0.0, 0.0)
