"""internals: each step that leans on trafilatura's or lxml's internals is checked once, at
import; a trafilatura without them still extracts, with stock code for those steps."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trafilatura

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_fetched, process_object
from article_extractor.pipeline.metadata import page_metadata as metadata
from article_extractor.pipeline.read import parsing
from article_extractor.pipeline.upstream import speedups as trafilatura_speedups
from article_extractor.pipeline.upstream.checked_internals import (
    VERIFIED_TRAFILATURA,
    NotAsVerifiedError,
    internal,
    require,
    signature_is,
    verified,
)
from tests.conftest import FIXTURES, ROOT, SAMPLES

SPEED_UPS = trafilatura_speedups.STEPS
PARSING = (parsing.CLASS_LOOKUP, parsing.TRAFILATURA_REPAIRS)
ALL_STEPS = (*SPEED_UPS, metadata.METADATA_HELPERS, *PARSING)


def test_internal_resolves_a_name_or_says_what_is_missing() -> None:
    assert internal("trafilatura.utils", "trim") is trafilatura.utils.trim
    with pytest.raises(NotAsVerifiedError, match=r"trafilatura\.utils\.no_such_name is missing"):
        internal("trafilatura.utils", "no_such_name")
    with pytest.raises(NotAsVerifiedError, match=r"no module trafilatura\.no_such_module"):
        internal("trafilatura.no_such_module", "trim")


def test_signature_is_compares_names_kinds_and_defaults() -> None:
    def prune(tree: Any, nodelist: Any, with_backup: bool = False) -> None: ...

    assert signature_is(prune, "(tree, nodelist, with_backup=False)") is prune
    for other in ("(tree, nodelist, with_backup=True)", "(tree, nodelist)", "(tree, *nodelist)"):
        with pytest.raises(NotAsVerifiedError, match=r"prune\(tree, nodelist, with_backup=False"):
            signature_is(prune, other)
    with pytest.raises(NotAsVerifiedError, match="no signature"):
        signature_is(None, "()")  # type: ignore[type-var]


def test_verified_returns_what_the_check_returns_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        assert verified("a step", lambda: 42) == 42
    assert caplog.records == []


def failing_check() -> int:
    require(False, "the sample page differs")
    return 42


def crashing_check() -> int:
    return [][1]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("check", "reason"),
    [
        (failing_check, "the sample page differs"),
        (crashing_check, "its check raised IndexError: list index out of range"),
    ],
)
def test_a_failed_check_disables_the_step_with_one_warning(
    check: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert verified("a step", check) is None
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    message = caplog.records[0].getMessage()
    assert message.startswith("a step disabled, stock code runs instead (trafilatura ")
    assert message.endswith(reason)


def test_on_the_verified_version_every_step_is_enabled() -> None:
    # A check that fails on the pinned version would silently cost the speed-up.
    if trafilatura.__version__ != VERIFIED_TRAFILATURA:
        pytest.skip(f"trafilatura {trafilatura.__version__}: the checks decide")
    assert set(SPEED_UPS) == trafilatura_speedups.enabled()
    assert metadata._checked_helpers() is not None
    assert parsing._class_table() is not None and parsing._checked_repairs() is not None


# ------------------------------------------------------------------ a trafilatura without them
WRITTEN_PAGES = {
    "comments.html": """<html><head><title>Harbour works begin</title></head><body>
<div class="infinite-scroll"><p>An appended article about something else entirely.</p></div>
<article><h1>Harbour works begin</h1>"""
    + "<p>The harbour works began on Monday, with cranes along the quay and barges waiting. </p>"
    * 6
    + """</article><div class="elementor-share-buttons">Share on every network</div>
<div id="comments"><div class="comment-body">First! Great article, thanks.</div></div>
<ul class="comment-list"><li>Second comment in a list.</li></ul></body></html>""",
    "cookies.html": """<html><body><div class="cookie-banner">We use cookies to improve
your experience. Accept all?</div><div class="site-footer">Footer links</div>
<p>A short note: the library opens at nine tomorrow.</p></body></html>""",
    "metadata.html": """<html><head><title>Tram line approved | Harbour Gazette</title>
<meta name="description" content="The council voted for the tram.">
<meta property="og:site_name" content="harbourgazette">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<meta name="author" content="jroe">
<link rel="canonical" href="https://example.com/news/tram"></head><body><article>
<h1>Tram line approved</h1><div class="comment-author">Troll Account</div>"""
    + "<p>The council approved the tram line on Tuesday after a long debate in the chamber.</p>" * 4
    + """<div class="entry-meta"><a href="/category/city/">City</a>
<a href="/tag/transport/">Transport</a></div></article></body></html>""",
    "repairs.html": """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"/>
<html/><body><form action="/s"><input name="q"><select><option>a</option></select></form>"""
    + "<p>A page that needs libxml2's two repairs before it parses, then holds a form. </p>" * 5
    + "</body>",
    "not-html.html": "just some words, not markup at all",
}


def pages(tmp_path: Path) -> list[Path]:
    for name, html in WRITTEN_PAGES.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    return [
        *(tmp_path / name for name in WRITTEN_PAGES),
        *sorted(SAMPLES.glob("*.html*")),
        *sorted(FIXTURES.rglob("*.html")),
    ]


def without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: without_timings(item)
            for key, item in value.items()
            if key not in ("duration_ms", "processed_at")
        }
    return value


class PageReader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        body = self.path.read_bytes()
        return FetchedObject(body=body, size=len(body))


def documents_here(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        without_timings(
            json.loads(
                process_object(
                    ObjectRef(None, p.name),
                    PageReader(p),
                    ProcessingOptions(max_input_bytes=10 << 20),
                ).to_json()
            )
        )
        for p in paths
    ]


def simulate(scenario: str, paths: list[Path]) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "tests.simulated_upgrade", scenario, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(run.stdout)
    result["documents"] = [without_timings(document) for document in result["documents"]]
    return result


def disabled_steps(warnings: list[str]) -> list[str]:
    return sorted(warning.split(" disabled, stock code runs instead")[0] for warning in warnings)


def test_without_the_names_issue_13_lists_extraction_is_unchanged(tmp_path: Path) -> None:
    """trafilatura's main branch has dropped several of them: before the checks, importing the
    pipeline raised ImportError and no page was processed."""
    paths = pages(tmp_path)
    result = simulate("issue-names", paths)
    # one warning per step left to stock code, whatever the number of pages
    assert disabled_steps(result["warnings"]) == sorted(
        [trafilatura_speedups.READABILITY_SKIP, trafilatura_speedups.RAW_TREE_WALKS]
    )
    # the readability skip's replacement is not installed; pruning's is, for the outermost step
    assert result["replaced"] == [
        "trafilatura.main_extractor.prune_unwanted_nodes",
        "trafilatura.core.prune_unwanted_nodes",
        "trafilatura.baseline.BASIC_CLEAN_XPATH",
    ]
    # the speed-ups give trafilatura's results: every document is what the real module gives
    assert result["documents"] == documents_here(paths)
    assert sum(document["status"] == "ok" for document in result["documents"]) >= 20


def test_without_any_internal_extraction_is_stock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = pages(tmp_path)
    result = simulate("no-internals", paths)
    # Checked at first use: the C-level lookup serves only the product's own parse, which does
    # not run without trafilatura's repairs, so it is never needed, checked or warned about.
    assert disabled_steps(result["warnings"]) == sorted(set(ALL_STEPS) - {parsing.CLASS_LOOKUP})
    assert result["replaced"] == []
    # Expected: trafilatura's public load_html and extract_metadata for the parse and the
    # metadata; the speed-ups' steps give trafilatura's results anyway.
    monkeypatch.setattr(parsing, "_checked_repairs", lambda: None)
    monkeypatch.setattr(metadata, "_checked_helpers", lambda: None)
    expected = documents_here(paths)
    assert result["documents"] == expected
    assert sum(document["status"] == "ok" for document in result["documents"]) >= 20
    # where trafilatura's author search differs from ours, the author is trafilatura's
    written = {p.name: d for p, d in zip(paths, result["documents"], strict=True)}
    assert written["metadata.html"]["document"]["author"] == "Troll Account"
    monkeypatch.undo()
    # ours: no comment author; the tag's single word, since nothing else names an author
    assert documents_here([tmp_path / "metadata.html"])[0]["document"]["author"] == "Jroe"


# ------------------------------------------------------------ trafilatura's result-tree names
LIST_PAGE = (
    "<html><body><article><h2>What the works bring</h2>"
    + "<p>The harbour board approved the works on Tuesday after a long debate about cost.</p>" * 3
    + "<ul><li>Two new berths for the island ferries</li><li>A wider walkway</li></ul>"
    + "<table><tr><th>Berth</th><th>Length</th></tr><tr><td>North</td><td>120 m</td></tr></table>"
    + "</article></body></html>"
)


def renamed_tags(extract: Any) -> Any:
    """trafilatura's `bare_extraction`, as a release that names list items and table rows
    otherwise would give it (its text unchanged)."""

    def extraction(*args: Any, **kwargs: Any) -> Any:
        result = extract(*args, **kwargs)
        body = getattr(result, "body", None)
        for element in body.iter() if body is not None else ():
            element.tag = {"item": "entry", "row": "line"}.get(element.tag, element.tag)
        return result

    return extraction


def test_a_release_that_renames_result_tags_loses_structure_never_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from article_extractor.pipeline import extract
    from article_extractor.pipeline.blocks import typed_blocks

    monkeypatch.setattr(trafilatura, "bare_extraction", renamed_tags(trafilatura.bare_extraction))
    monkeypatch.setattr(extract, "bare_extraction", renamed_tags(extract.bare_extraction))
    typed_blocks.reads_trafilatura.cache_clear()
    body = LIST_PAGE.encode()
    fetched = FetchedObject(body=body, size=len(body))
    try:
        with caplog.at_level(logging.WARNING):
            document = process_fetched(ObjectRef(None, "page.html"), fetched)
        assert typed_blocks.reads_trafilatura() is False
        assert any("result tree" in r.getMessage() for r in caplog.records), caplog.records
    finally:
        typed_blocks.reads_trafilatura.cache_clear()
    assert document.article is not None
    for words in ("Two new berths for the island ferries", "A wider walkway", "North", "120 m"):
        assert words in document.article.text
    # Read with the names as verified, the renamed tree would have lost them.
    result = trafilatura.bare_extraction(parsing.parse_html(LIST_PAGE), include_tables=True)
    text = typed_blocks.to_text(typed_blocks.blocks_from_tree(result.body))
    assert "120 m" not in text


def test_the_result_tree_reads_as_verified_on_this_release() -> None:
    from article_extractor.pipeline.blocks import typed_blocks

    if trafilatura.__version__ != VERIFIED_TRAFILATURA:
        pytest.skip(f"trafilatura {trafilatura.__version__}: the check decides")
    assert typed_blocks.reads_trafilatura() is True
