"""`extraction.decisions` and `extraction.metadata_sources` (ProcessingOptions.explain): every
text block of the page in reading order with what became of it and who decided, on pages
written for these tests; nothing of it when off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml.html import document_fromstring

from article_extractor.document import (
    CLEANING_RULES,
    DECISION_TEXT_CHARS,
    RULE_PREFIX,
    Decision,
    OutputDocument,
)
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_object
from article_extractor.pipeline.blocks.clean import clean_blocks, normalize_whitespace
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from article_extractor.pipeline.model import content_model
from article_extractor_tools.files import LocalFileReader
from tests.conftest import FIXTURES, assert_valid_output

ARTICLE = FIXTURES / "review" / "article.html"
HOSTILE = FIXTURES / "review" / "hostile.html"
STEPS = {"trafilatura", "content_model", "text_model", "title", "lede", "figures"}


def explained(path: Path, url: str | None = None, **options: Any) -> OutputDocument:
    document = process_object(
        ObjectRef(None, str(path)),
        LocalFileReader(source_url=url),
        ProcessingOptions(explain=True, **options),
    )
    assert_valid_output(document.to_dict())
    return document


def decisions_of(document: OutputDocument) -> tuple[Decision, ...]:
    assert document.extraction.decisions is not None
    return document.extraction.decisions


def fate(document: OutputDocument, start: str) -> list[tuple[str, str]]:
    """(decision, by) of every entry whose text starts with `start`."""
    return [(d.decision, d.by) for d in decisions_of(document) if d.text.startswith(start)]


def kept_lines(document: OutputDocument) -> list[str]:
    """The lines of the kept entries but figures (whose captions the text leaves out)."""
    return [
        line
        for d in decisions_of(document)
        if d.kept and d.block != "figure"
        for line in d.text.split("\n")
    ]


def test_each_block_of_an_article_says_who_kept_or_removed_it() -> None:
    document = explained(ARTICLE)
    assert fate(document, "Home News Sport") == [("removed", "trafilatura")]
    assert fate(document, "The new quay opens in spring") == [("removed", "title")]
    assert fate(document, "After twenty years of plans") == [("kept", "lede")]
    assert fate(document, "The harbour board approved") == [("kept", "trafilatura")]
    assert fate(document, "The site of the new quay at dawn") == [("kept", "figures")]
    assert fate(document, "Sign up for our newsletter") == [("removed", "rule:newsletter_signup")]
    assert fate(document, "Two new berths") == [("kept", "trafilatura")]
    assert fate(document, "Fish market moves") == [("removed", "trafilatura")]
    kinds = {d.text: d.block for d in decisions_of(document)}
    assert kinds["What the quay brings"] == "heading"
    assert kinds["Two new berths for the island ferries"] == "list"
    assert kinds["The site of the new quay at dawn. Photo: Harbour Gazette"] == "figure"
    assert all(d.score is None for d in decisions_of(document))  # no model decided


def test_a_block_a_rule_cleans_in_part_gives_a_kept_and_a_removed_entry_in_order() -> None:
    entries = [(d.decision, d.by, d.text) for d in decisions_of(explained(ARTICLE))]
    building = next(i for i, entry in enumerate(entries) if entry[2].startswith("Building"))
    assert entries[building][:2] == ("kept", "trafilatura")
    assert entries[building + 1] == (
        "removed",
        "rule:related_label",
        "Read more: Ferry timetables change in April",
    )


def test_the_kept_entries_are_the_text_line_for_line() -> None:
    document = explained(ARTICLE)
    assert document.article is not None
    assert kept_lines(document) == document.article.text.split("\n")


def test_the_blocks_are_in_reading_order() -> None:
    body = document_fromstring(ARTICLE.read_bytes()).body
    shown = " ".join(body.text_content().split())
    cursor = 0
    for decision in decisions_of(explained(ARTICLE)):
        found = shown.find(decision.text.split("\n")[0], cursor)
        assert found >= 0, f"{decision.text!r} is not where the page shows it"
        cursor = found + 1


def test_the_block_model_decides_with_its_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block the model takes out of trafilatura's content says so, with its score under the
    removal threshold; the blocks trafilatura kept and the model left alone stay trafilatura's."""
    paragraphs = [
        "The harbour board voted on Tuesday to rebuild the eastern pier before the winter.",
        "Engineers found that the timber piles had rotted further than the survey suggested.",
        "Work starts in March, and the ferry uses the western berth until the pier reopens.",
    ]
    page = tmp_path / "pier.html"
    page.write_text(
        "<html><body><main><div class='body'><h1>Pier to be rebuilt</h1>"
        f"<p>{paragraphs[0]}</p><p>{paragraphs[1]}</p>"
        "<div class='x1'><div><p>Our morning briefing, every weekday at seven</p></div></div>"
        f"<p>{paragraphs[2]}</p></div></main></body></html>",
        encoding="utf-8",
    )
    shipped = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    names = ["child_of_container", "in_box"]
    sure = {
        **shipped,
        "features": names,
        "mean": [0.0, 0.0],
        "scale": [1.0, 1.0],
        "coef": [8.0, -2.0],
        "intercept": -4.0,
        "t_remove": 0.3,
        "t_add_article": 1.01,
        "t_add_other": 1.01,
    }
    monkeypatch.setattr(content_model, "_model", lambda: sure)
    document = explained(page)
    report = document.extraction.content_model
    assert report is not None and report.applied and report.outcome == "filtered"
    [briefing] = [d for d in decisions_of(document) if d.text.startswith("Our morning briefing")]
    assert briefing.decision == "removed" and briefing.by in ("content_model", "text_model")
    assert briefing.score is not None and briefing.score < 0.3
    for paragraph in paragraphs:
        [entry] = [d for d in decisions_of(document) if d.text == paragraph]
        assert (entry.decision, entry.by, entry.score) == ("kept", "trafilatura", None)


def test_with_the_model_off_trafilatura_decides() -> None:
    document = explained(ARTICLE, content_model=False)
    assert {d.by for d in decisions_of(document)} <= STEPS - {"content_model"} | {
        RULE_PREFIX + rule for rule in CLEANING_RULES
    }
    assert "page_type" not in (document.extraction.metadata_sources or {})


def test_a_disabled_rule_keeps_its_line() -> None:
    document = explained(ARTICLE, disabled_rules=frozenset({"newsletter_signup"}))
    assert fate(document, "Sign up for our newsletter") == [("kept", "trafilatura")]


def test_the_json_entries_hold_the_first_characters_of_long_text(tmp_path: Path) -> None:
    words = "The harbour board met again on Thursday to hear the engineers. " * 10
    page = tmp_path / "long.html"
    page.write_text(f"<html><body><article><p>{words}</p></article></body></html>", "utf-8")
    document = explained(page)
    [entry] = [d for d in decisions_of(document) if d.kept]
    assert entry.text == words.strip()  # the whole text in memory, for the review page
    [written] = [
        d for d in document.to_dict()["extraction"]["decisions"] if d["decision"] == "kept"
    ]
    assert written == {
        "block": "paragraph",
        "text": words.strip()[:DECISION_TEXT_CHARS],
        "decision": "kept",
        "by": "trafilatura",
        "score": None,
    }


def test_metadata_sources_name_where_each_field_came_from() -> None:
    document = explained(ARTICLE)
    assert document.extraction.metadata_sources == {
        "title": "h1",
        "author": "json_ld_author",
        "date": "date_search",
        "language": "html_lang",
        "page_type": "declared_article",
        "standfirst": "lede",
        "sitename": "page_metadata",
        "description": "page_metadata",
    }


def test_metadata_sources_of_a_page_without_declarations(tmp_path: Path) -> None:
    page = tmp_path / "plain.html"
    page.write_text(
        "<html><head><meta property='og:title' content='Quay works begin'>"
        "<title>Quay works begin | Harbour</title></head><body><article>"
        "<p>Die Hafenbehörde hat am Montag mit den Arbeiten am neuen Kai begonnen, zwei Jahre "
        "nachdem die Pläne zum ersten Mal veröffentlicht wurden.</p></article></body></html>",
        encoding="utf-8",
    )
    sources = explained(page).extraction.metadata_sources
    assert sources is not None
    assert sources["title"] == "og:title"
    assert sources["language"] == "detected"
    assert "author" not in sources and "date" not in sources


def test_off_by_default_and_then_the_document_has_no_trace_of_it() -> None:
    ref = ObjectRef(None, str(ARTICLE))
    document = process_object(ref, LocalFileReader(), ProcessingOptions())
    assert document.extraction.decisions is None
    data = document.to_dict()
    assert "decisions" not in data["extraction"]
    assert "metadata_sources" not in data["extraction"]
    on = process_object(ref, LocalFileReader(), ProcessingOptions(explain=True)).to_dict()
    for record in (data, on):
        del record["extraction"]["duration_ms"], record["extraction"]["processed_at"]
    del on["extraction"]["decisions"], on["extraction"]["metadata_sources"]
    assert json.dumps(on, sort_keys=True) == json.dumps(data, sort_keys=True)  # else the same


def test_a_failed_document_has_no_decisions(tmp_path: Path) -> None:
    page = tmp_path / "image.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    document = explained(page)
    assert document.error is not None
    assert document.extraction.decisions is None


def test_a_page_with_no_text_says_why_each_block_went(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text(
        "<html><body><div><p>Accept all cookies</p><p>Subscribe now</p></div></body></html>",
        encoding="utf-8",
    )
    document = explained(page, content_model=False)
    assert document.status == "empty"
    assert [(d.text, d.decision, d.by) for d in decisions_of(document)] == [
        ("Accept all cookies", "removed", "rule:cookie_consent"),
        ("Subscribe now", "removed", "rule:subscription_teaser"),
    ]


def test_the_hostile_page_is_described_as_text() -> None:
    document = explained(HOSTILE)
    texts = [d.text for d in decisions_of(document)]
    script = '<script>window.pwned = 9; document.title = "pwned"</script> is the line'
    assert any(text.startswith(script) for text in texts)
    assert not any("window.pwned = 3" in text for text in texts)  # a script's code is no block


@pytest.mark.parametrize("explain", [False, True])
def test_cleaning_records_its_removals_only_when_asked(explain: bool) -> None:
    blocks = [
        Block(BlockKind.HEADING, text="Quay works begin", level=1),
        Block(BlockKind.PARAGRAPH, text="The board met.\nSubscribe now\nIt approved the plan."),
        Block(BlockKind.LIST, items=()),
    ]
    cleaned = clean_blocks(blocks, title="Quay works begin", explain=explain)
    assert cleaned.removed == {"subscription_teaser": 1}
    expected = (("Quay works begin", "title"), ("Subscribe now", "rule:subscription_teaser"))
    assert cleaned.removals == (expected if explain else ())


def test_decision_lines_are_normalized_as_the_text_is() -> None:
    for decision in decisions_of(explained(ARTICLE)):
        for line in decision.text.split("\n"):
            assert line == normalize_whitespace(line)
