"""A warm Lambda container processes many documents in one process: nothing from one document
may change the result of the next (trafilatura keeps module-level caches, e.g. its
duplicate-detection LRU)."""

from __future__ import annotations

import json
import subprocess
import sys

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from tests.conftest import ROOT

SHARED = [
    "The harbour authority confirmed on Monday that the northern breakwater will be rebuilt "
    "over the next two summers, with work starting as soon as the storm season ends.",
    "Engineers found that the old concrete blocks had shifted by almost a metre since the "
    "winter storms, leaving the inner basin exposed to waves from the north-east.",
]


def page(title: str, own: str) -> bytes:
    paragraphs = "".join(f"<p>{text}</p>" for text in [own, *SHARED, own + " Again, " + own])
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


FIRST = page("Breakwater to be rebuilt", "Local fishermen welcomed the decision at a meeting.")
SECOND = page("Harbour works approved", "The council approved the budget for the harbour works.")


class Reader:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(body=self.body, size=len(self.body))


def text_of(body: bytes) -> str:
    document = process_object(
        ObjectRef("in", "page.html"), Reader(body), ProcessingOptions(max_input_bytes=1 << 20)
    )
    assert document.article is not None
    return document.article.text


def test_shared_paragraphs_survive_in_both_orders_in_one_process() -> None:
    first_then_second = (text_of(FIRST), text_of(SECOND))
    second_then_first = (text_of(SECOND), text_of(FIRST))
    assert first_then_second == second_then_first[::-1]
    for text in first_then_second:
        assert all(paragraph in text for paragraph in SHARED)


def test_processing_the_same_document_twice_gives_the_same_text() -> None:
    assert text_of(FIRST) == text_of(FIRST) == text_of(FIRST)


def test_warm_results_equal_cold_results() -> None:
    """Each document processed alone in a fresh interpreter gives what the warm one gives."""
    warm = [text_of(body) for body in (FIRST, SECOND, FIRST)]
    script = (
        "import sys, json\n"
        "from tests.unit.test_warm_state import FIRST, SECOND, text_of\n"
        "print(json.dumps(text_of({'first': FIRST, 'second': SECOND}[sys.argv[1]])))\n"
    )
    cold = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", script, name],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for name in ("first", "second", "first")
    ]
    assert warm == cold


def test_trafilatura_duplicate_cache_is_never_fed() -> None:
    """With deduplication on, trafilatura counts every paragraph in a module-level LRU and
    drops text it has seen too often: state carried from one document to the next."""
    from trafilatura.deduplication import LRU_TEST

    before = dict(LRU_TEST.cache)
    for body in (FIRST, SECOND, FIRST):
        text_of(body)
    assert dict(LRU_TEST.cache) == before
