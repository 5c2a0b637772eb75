"""Page types and the block model in the product: `document.page_type`, the blocks the model
keeps becoming the pipeline's typed blocks (so text, Markdown and JSON blocks agree and the
cleaning rules still run), `extraction.content_model` saying what happened, CONTENT_MODEL off,
and the model files: read on first use only, scored as by hand. Pages written for these
tests."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml.html import document_fromstring

from article_extractor.document import PAGE_TYPES, OutputDocument
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_object
from article_extractor.pipeline.blocks.typed_blocks import BlockKind
from article_extractor.pipeline.model import content_model, page_type
from article_extractor.pipeline.model.kept_blocks import typed_blocks
from article_extractor_tools.files import LocalFileReader
from tests.conftest import ROOT, assert_valid_output
from tests.unit.test_structure import assert_round_trip

POSTS = [
    "My combi boiler keeps losing pressure overnight. It starts at 1.5 bar and by morning it is "
    "under 0.5 bar. There are no visible leaks around the radiators or the pipes.",
    "Check the pressure relief valve first. If the copper pipe outside the wall is dripping, "
    "the valve is letting water out when the system heats up and the pressure rises.",
    "You were right, the discharge pipe was wet. I had the expansion vessel recharged and the "
    "pressure has held for two days now. Thanks for the help everyone.",
]
FORUM = f"""<html lang="en"><head><title>Boiler pressure dropping - Home Repair Forum</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/forums">Forums</a></li>
<li><a href="/login">Log in</a></li></ul></nav>
<div class="forum-thread"><h1>Help with boiler pressure dropping</h1>
<div class="message post"><div class="user"><a href="/u/1">pipefitter</a> Posted March 3</div>
<div class="message-body"><p>{POSTS[0]}</p></div></div>
<div class="message post"><div class="user"><a href="/u/2">heatingpro</a> Posted March 3</div>
<div class="message-body"><p>{POSTS[1]}</p>
<ul><li>Check the expansion vessel charge, it should be about 1 bar.</li>
<li>Look at the relief valve discharge pipe outside.</li></ul></div></div>
<div class="message post"><div class="user"><a href="/u/1">pipefitter</a> Posted March 4</div>
<div class="message-body"><p>{POSTS[2]}</p></div></div>
</div><footer><p>Copyright 2024 Home Repair Forum. All rights reserved.</p></footer>
</body></html>"""
FORUM_URL = "https://forum.example/forums/threads/boiler-pressure-dropping.1234/"

JOBS = [
    ("Night shift nurse", "Care for patients on a busy surgical ward during night shifts."),
    ("Community nurse", "Visit patients in their homes across the district, dressing wounds."),
    ("Theatre nurse", "Prepare operating theatres and support surgeons during procedures."),
    ("Practice nurse", "Run vaccination and health check clinics in a family practice."),
    ("Mental health nurse", "Support adults on an acute ward, planning care with families."),
    ("Paediatric nurse", "Look after children and young people on a medical ward."),
]
CARDS = "".join(
    f'<li class="job-card result"><h2 class="job-title"><a href="/jobs/{i}">{title}</a></h2>'
    f'<div class="job-meta"><span class="company">Trust {i}</span></div>'
    f'<p class="job-summary">{summary}</p><a class="apply" href="/jobs/{i}/apply">Apply now</a>'
    "</li>"
    for i, (title, summary) in enumerate(JOBS)
)
LISTING = f"""<html lang="en"><head><title>Nurse jobs in Yorkshire - Jobs Example</title></head>
<body><header class="site-header"><nav class="menu"><ul><li><a href="/">Home</a></li>
<li><a href="/jobs">Jobs</a></li><li><a href="/login">Sign in</a></li></ul></nav></header>
<main><h1>Nurse jobs in Yorkshire</h1><p class="results-count">Showing 6 jobs</p>
<ul class="search-results">{CARDS}</ul>
<nav class="pagination"><a href="?page=1">1</a> <a href="?page=2">2</a></nav></main>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li>
<li><a href="/privacy">Privacy</a></li></ul><p>Copyright 2026 Jobs Example Ltd.</p></footer>
</body></html>"""
LISTING_URL = "https://jobs.example/jobs/search?q=nurse"

ARTICLE = """<html lang="en"><head><title>Harbour works begin</title>
<meta property="og:type" content="article"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Harbour works begin</h1>
<p>The harbour authority started work on the northern docks on Monday, two years after the
plans were first published and after months of public meetings.</p>
<p>Engineers expect the first phase to be finished before the winter storms arrive.</p>
<ul><li>Phase one: the northern quay.</li><li>Phase two: the ferry slip.</li></ul>
</article><footer>Copyright Harbour News</footer></body></html>"""


def run(tmp_path: Path, html: str, url: str, model: bool = True) -> OutputDocument:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    reader = LocalFileReader(source_url=url)
    document = process_object(
        ObjectRef(None, str(path)),
        reader,
        ProcessingOptions(max_input_bytes=10 << 20, include_blocks=True, content_model=model),
    )
    assert_valid_output(document.to_dict())
    return document


def comparable(document: OutputDocument) -> dict[str, Any]:
    """The record without what differs between two runs (timing, the file's time)."""
    data = document.to_dict()
    del data["extraction"]["duration_ms"], data["extraction"]["processed_at"]
    del data["source"]["last_modified"]
    return data


def test_a_forum_thread_keeps_its_posts(tmp_path: Path) -> None:
    document = run(tmp_path, FORUM, FORUM_URL)
    assert document.article is not None
    assert document.article.page_type == "forum"
    report = document.extraction.content_model
    assert report is not None and report.outcome in ("applied", "filtered", "unchanged")
    assert report.page_type_confidence is not None and report.page_type_confidence >= 0.6
    assert report.blocks is not None and report.kept is not None and report.added is not None
    lines = document.article.text.splitlines()
    for post in POSTS:
        assert post in lines
    assert not any("Copyright" in line or line == "Log in" for line in lines)
    assert_round_trip(document)


def test_a_listing_keeps_its_cards(tmp_path: Path) -> None:
    document = run(tmp_path, LISTING, LISTING_URL)
    assert document.article is not None
    assert document.article.page_type == "listing"
    assert document.extraction.content_model is not None
    assert document.extraction.content_model.applied
    text = document.article.text
    for _, summary in JOBS:
        assert summary in text
    assert "Privacy" not in text.splitlines()
    assert_round_trip(document)


def test_a_declared_article_is_what_it_is_with_the_model_off(tmp_path: Path) -> None:
    on = run(tmp_path, ARTICLE, "https://harbour.example/news/works")
    off = run(tmp_path, ARTICLE, "https://harbour.example/news/works", model=False)
    assert on.article is not None and off.article is not None
    assert on.article.page_type == "article" and off.article.page_type is None
    assert on.extraction.content_model is not None and off.extraction.content_model is not None
    # scored like every page; the model is not sure enough of any block to overrule trafilatura
    assert on.extraction.content_model.outcome == "unchanged"
    assert not on.extraction.content_model.applied
    assert on.extraction.content_model.page_type_confidence is None  # declared, not classified
    assert off.extraction.content_model.outcome == "off"
    for field in ("text", "markdown", "blocks", "title", "word_count"):
        assert getattr(on.article, field) == getattr(off.article, field)
    assert on.extraction.cleaning == off.extraction.cleaning


def test_output_is_deterministic(tmp_path: Path) -> None:
    first, second = run(tmp_path, FORUM, FORUM_URL), run(tmp_path, FORUM, FORUM_URL)
    assert comparable(first) == comparable(second)


def test_cleaning_rules_still_run_on_the_model_s_blocks(tmp_path: Path) -> None:
    html = LISTING.replace(
        '<p class="results-count">Showing 6 jobs</p>',
        '<p class="results-count">Showing 6 jobs</p><p>Sign up for our newsletter</p>',
    )
    document = run(tmp_path, html, LISTING_URL)
    assert document.article is not None
    assert "Sign up for our newsletter" not in document.article.text


# --------------------------------------------------------------------------- typed blocks
TYPED = """<html><body>
<h3>Setting up</h3>
<p>First install the tools.</p>
<ol><li>Download the archive.</li><li>Unpack it<ul><li>on Linux: tar</li></ul></li></ol>
<table><tr><th>Tool</th><th>Version</th></tr><tr><td>gcc</td><td>14</td></tr></table>
<pre><code class="language-python">def main():
    return  1</code></pre>
<blockquote><p>It just works.</p><p>Mostly.</p></blockquote>
<dl><dt>Term</dt><dd>Its meaning.</dd></dl>
</body></html>"""


def test_kept_page_blocks_become_typed_blocks() -> None:
    found = content_model.page_blocks(document_fromstring(TYPED))
    blocks = typed_blocks(found)  # every block kept
    kinds = [block.kind for block in blocks]
    assert kinds == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.LIST,
        BlockKind.TABLE,
        BlockKind.CODE,
        BlockKind.QUOTE,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
    ]
    heading, _, listed, table, code, quote, *_ = blocks
    assert heading.level == 3 and heading.text == "Setting up"
    assert listed.ordered and [item.text for item in listed.items] == [
        "Download the archive.",
        "Unpack it",
    ]
    [nested] = listed.items[1].children
    assert not nested.ordered and [item.text for item in nested.items] == ["on Linux: tar"]
    assert table.header == ("Tool", "Version") and table.rows == (("gcc", "14"),)
    assert code.text == "def main():\n    return  1" and code.language == "python"
    assert [child.text for child in quote.children] == ["It just works.", "Mostly."]


def test_blocks_the_model_drops_leave_no_trace() -> None:
    found = content_model.page_blocks(document_fromstring(TYPED))
    kept = [block for block in found if block.tag != "li" or "Unpack" not in block.text]
    listed = next(block for block in typed_blocks(kept) if block.kind is BlockKind.LIST)
    # the nested item's list hangs from nothing kept: it becomes a list of its own
    assert [item.text for item in listed.items] == ["Download the archive."]


# --------------------------------------------------------------------------- the model files
def test_page_types_are_the_classifier_s_classes() -> None:
    model = json.loads(page_type.MODEL_PATH.read_text(encoding="utf-8"))
    assert sorted(model["classes"]) == sorted(PAGE_TYPES) == sorted(page_type.TYPES)


def reference_score(features: dict[str, float], model: dict[str, Any]) -> float:
    """The block model as fitted: standardise each feature, then the logistic function."""
    z = model["intercept"]
    for name, mu, sd, w in zip(
        model["features"], model["mean"], model["scale"], model["coef"], strict=True
    ):
        z += w * (features.get(name, 0.0) - mu) / sd
    return 1.0 / (1.0 + math.exp(-z))


def test_block_score_is_the_logistic_function_computed_by_hand() -> None:
    model = {
        "features": ["a", "b"],
        "mean": [1.0, 0.0],
        "scale": [2.0, 1.0],
        "coef": [0.5, -1.0],
        "intercept": 0.25,
    }
    # z = 0.25 + 0.5 * (3 - 1) / 2 - 1.0 * (2 - 0) / 1 = -1.25
    expected = 1 / (1 + math.exp(1.25))
    assert reference_score({"a": 3.0, "b": 2.0}, model) == pytest.approx(expected)
    assert content_model.score_block({"a": 3.0, "b": 2.0}, model) == pytest.approx(expected)


def test_page_type_is_the_softmax_computed_by_hand() -> None:
    model = {
        "classes": ["article", "forum"],
        "features": ["x"],
        "mean": [0.0],
        "scale": [1.0],
        "coef": [[1.0], [-1.0]],
        "intercept": [0.0, 0.5],
    }
    # scores 2 and -1.5 -> softmax
    got = page_type.predict_proba({"x": 2.0}, model)
    assert got["article"] == pytest.approx(math.exp(2) / (math.exp(2) + math.exp(-1.5)))


def test_shipped_block_model_scores_as_fitted() -> None:
    model = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    found = content_model.page_blocks(document_fromstring(FORUM))
    content_model.block_features(found, POSTS[0], {t: 1 / 7 for t in page_type.TYPES})
    assert len(found) > 1
    for block in found:
        expected = reference_score(block.features, model)
        assert content_model.score_block(block.features, model) == pytest.approx(expected)


def test_the_handler_import_reads_no_model_and_loads_no_trafilatura() -> None:
    code = (
        "import sys\n"
        "import article_extractor.handler\n"
        "assert 'trafilatura' not in sys.modules\n"
        "assert 'article_extractor.pipeline.model.content_model' not in sys.modules\n"
        "from article_extractor.pipeline.model import content_model, page_type\n"
        "assert content_model._model.cache_info().currsize == 0\n"
        "assert page_type._model.cache_info().currsize == 0\n"
    )
    environ = {"OUTPUT_BUCKET": "out", "AWS_DEFAULT_REGION": "us-east-1", "PATH": ""}
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env=environ,
        cwd=ROOT / "functions" / "article_extractor",
        timeout=60,
    )
