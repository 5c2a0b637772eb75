"""One decision for every block of every page (pipeline/model/content_model.py `refine`,
`decide`; pipeline/model/text_model.py; kept_blocks.revised): the text model scores as fitted
and reads any language, every page is scored whatever its type, an unsure model leaves
trafilatura's choice, a sure one removes or adds blocks where they stand, and a page typed
wrongly keeps its article. Pages written for these tests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml.html import document_fromstring

from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem
from article_extractor.pipeline.model import content_model, page_type, text_model
from article_extractor.pipeline.model.content_model import Outcome, PageBlock
from article_extractor.pipeline.model.kept_blocks import revised
from tests.conftest import FIXTURES

CHECKS = FIXTURES / "models"

STORY = [
    "The harbour board voted on Tuesday to rebuild the eastern pier before the winter storms.",
    "Engineers found that the timber piles had rotted further than the last survey suggested.",
    "Work starts in March and the ferry will use the western berth until the pier reopens.",
]
PAGE = f"""<html><head><title>Pier to be rebuilt</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<main><div class="body">
<h1>Pier to be rebuilt before winter</h1>
<p>{STORY[0]}</p>
<p>{STORY[1]}</p>
<div class="box"><p>Sign up for our morning briefing</p></div>
<p>{STORY[2]}</p>
</div></main>
<footer><p>Copyright 2026 Harbour Gazette</p></footer>
</body></html>"""


def _model(**weights: float) -> dict[str, Any]:
    """A block model over the named features (raw values: mean 0, scale 1)."""
    shipped = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    intercept = weights.pop("intercept", 0.0)
    names = list(weights)
    return {
        **shipped,
        "features": names,
        "mean": [0.0] * len(names),
        "scale": [1.0] * len(names),
        "coef": [weights[name] for name in names],
        "intercept": intercept,
        "t_remove": 0.3,
        "t_add_article": 0.9,
        "t_add_other": 0.8,
    }


def _trafilatura_text() -> str:
    """What trafilatura keeps of PAGE: the heading, the story and the sign-up line."""
    return "\n".join(
        [
            "Pier to be rebuilt before winter",
            STORY[0],
            STORY[1],
            "Sign up for our morning briefing",
            STORY[2],
        ]
    )


def test_the_text_model_scores_as_fitted() -> None:
    checks = json.loads((CHECKS / "text_model.checks.json").read_text(encoding="utf-8"))
    assert len(checks) >= 20
    model = text_model.shipped()
    for check in checks:
        # weights ship as 16-bit integers: the means move by far less than this
        assert text_model.text_logit(check["text"], model) == pytest.approx(
            check["logit"], abs=2e-3
        )


def test_text_model_weights_survive_the_export(tmp_path: Any) -> None:
    weights = [((i * 7919) % 201 - 100) / 37.0 for i in range(text_model.BUCKETS)]
    text_model.export(-0.25, weights, tmp_path / "m.json")
    loaded = text_model.TextModel.from_json(
        json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    )
    assert loaded.bias == -0.25
    top = max(abs(w) for w in weights)
    assert max(abs(a - b) for a, b in zip(loaded.weights, weights, strict=True)) <= top / 32767


@given(st.text(max_size=200))
def test_a_text_logit_is_the_mean_of_its_gram_weights(text: str) -> None:
    """The cached per-word sums give what a plain sum over every gram gives."""
    model = text_model.shipped()
    words = text_model.words_of(text)
    unigrams, pairs, chars = text_model.grams(words)
    expected = model.bias
    for group in (unigrams, pairs, chars):
        if group:
            expected += sum(model.weights[slot] for slot in group) / len(group)
    assert model.logit(words) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("clutter", "prose"),
    [
        (
            "Subscribe to our newsletter and never miss a story",
            "The council said the road would stay closed while engineers inspect the bridge.",
        ),
        (
            "Jetzt den Newsletter abonnieren und keine Nachricht verpassen",
            "Die Stadt teilte mit, die Straße bleibe gesperrt, solange die Brücke geprüft wird.",
        ),
        (
            "Suscríbete a nuestro boletín y no te pierdas ninguna noticia",
            "El ayuntamiento dijo que la carretera seguirá cerrada mientras se revisa el puente.",
        ),
        (
            "Abonnez-vous à notre newsletter pour ne rien manquer",
            "La mairie a indiqué que la route resterait fermée pendant l'inspection du pont.",
        ),
    ],
)
def test_the_text_model_reads_sign_up_asks_as_less_content_than_prose(
    clutter: str, prose: str
) -> None:
    assert text_model.text_logit(clutter) < text_model.text_logit(prose)


def test_every_page_is_scored_whatever_it_declares() -> None:
    declared = PAGE.replace("<head>", '<head><meta property="og:type" content="article">')
    for html in (PAGE, declared):
        refined = content_model.refine(document_fromstring(html), None, _trafilatura_text())
        assert refined.blocks and all(0.0 <= b.score <= 1.0 for b in refined.blocks)
        assert refined.outcome in (Outcome.UNCHANGED, Outcome.FILTERED, Outcome.APPLIED)
    assert content_model.refine(document_fromstring(declared), None, "").page_type == "article"


def test_an_unsure_model_leaves_trafilatura_s_decision() -> None:
    unsure = _model(kept=0.0)  # every block scores 0.5: above t_remove, below t_add
    refined = content_model.refine(document_fromstring(PAGE), None, _trafilatura_text(), unsure)
    assert refined.outcome is Outcome.UNCHANGED and not refined.changed
    assert refined.blocks
    for block in refined.blocks:
        assert block.score == pytest.approx(0.5)
        assert block.keep == (block.features["kept"] >= 0.5)


def test_a_sure_model_removes_a_nested_box_and_adds_a_dropped_paragraph() -> None:
    # content: kept by trafilatura and a direct child of the article's container
    model = _model(intercept=-4.0, child_of_container=8.0, in_box=-2.0)
    text = "\n".join(
        ["Pier to be rebuilt before winter", STORY[0], "Sign up for our morning briefing", STORY[2]]
    )  # trafilatura "missed" STORY[1]
    refined = content_model.refine(document_fromstring(PAGE), None, text, model)
    assert refined.outcome is Outcome.APPLIED
    assert [b.text for b in refined.removed_blocks] == ["Sign up for our morning briefing"]
    assert STORY[1] in [b.text for b in refined.added_blocks]
    blocks = [
        Block(BlockKind.HEADING, text="Pier to be rebuilt before winter", level=1),
        Block(BlockKind.PARAGRAPH, text=STORY[0]),
        Block(BlockKind.PARAGRAPH, text="Sign up for our morning briefing"),
        Block(BlockKind.PARAGRAPH, text=STORY[2]),
    ]
    assert refined.blocks is not None
    out = revised(blocks, refined.blocks)
    assert [b.text for b in out if b.kind is BlockKind.PARAGRAPH] == STORY  # where it stands


def test_revised_drops_removed_list_items_and_keeps_tables() -> None:
    page = document_fromstring(
        "<html><body><ul><li>Keep this item</li><li>Share on Facebook</li></ul>"
        "<table><tr><td>Share on Facebook</td></tr></table></body></html>"
    )
    found = content_model.page_blocks(page)
    for block in found:
        block.features = {"kept": 1.0}
        block.keep = block.text != "Share on Facebook" or block.tag == "td"
    items = (ListItem("Keep this item"), ListItem("Share on Facebook"))
    blocks = [
        Block(BlockKind.LIST, ordered=False, items=items),
        Block(BlockKind.TABLE, rows=(("Share on Facebook",),)),
    ]
    out = revised(blocks, [b for b in found if b.tag != "td"] + [b for b in found if b.tag == "td"])
    assert out[0].items == (ListItem("Keep this item"),)
    assert out[1] == blocks[1]


def _typed_as(label: str) -> dict[str, Any]:
    """A page-type model sure of `label` whatever the page (no features: intercepts only)."""
    return {
        "classes": list(page_type.TYPES),
        "features": [],
        "mean": [],
        "scale": [],
        "coef": [[] for _ in page_type.TYPES],
        "intercept": [9.0 if t == label else 0.0 for t in page_type.TYPES],
    }


@pytest.mark.parametrize("label", ["listing", "collection", "service", "forum", "product"])
def test_an_article_typed_wrongly_keeps_its_text(label: str) -> None:
    article = (FIXTURES / "listing-furniture-article.html").read_text(encoding="utf-8")
    tree = document_fromstring(article)
    story = [
        p.text_content().strip()
        for p in tree.iter("p")
        if p.getparent() is not None and p.getparent().get("class") == "text"
    ]
    assert len(story) >= 5
    extracted = "\n".join(story)
    refined = content_model.refine(tree, None, extracted, type_model=_typed_as(label))
    assert refined.type_probabilities[label] > 0.99
    removed = {b.text for b in refined.removed_blocks}
    assert not removed & set(story)


def test_block_scores_are_the_linear_model_over_the_features_training_reads() -> None:
    model = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    tree = document_fromstring(PAGE)
    probabilities = page_type.classify_page(tree, None).probabilities
    scored = content_model.decide(
        content_model.page_blocks(tree), _trafilatura_text(), probabilities, False, model
    )
    reference = content_model.page_blocks(tree)
    content_model.block_features(reference, _trafilatura_text(), probabilities)
    content_model.context_features(reference, False)
    content_model.text_features(reference)
    for got, expected in zip(scored, reference, strict=True):
        assert got.score == pytest.approx(content_model.score_block(expected.features, model))
        assert isinstance(got, PageBlock)


def test_the_model_never_empties_a_page_trafilatura_found_content_on() -> None:
    sure_of_nothing = _model(intercept=-30.0)
    refined = content_model.refine(
        document_fromstring(PAGE), None, _trafilatura_text(), sure_of_nothing
    )
    assert refined.outcome is Outcome.UNCHANGED and not refined.removed_blocks
    assert refined.blocks and all(b.keep == (b.features["kept"] >= 0.5) for b in refined.blocks)


def test_a_block_of_a_million_words_is_no_reason_to_remove_it() -> None:
    long_block = " ".join(["The harbour log records every boat that leaves at dawn."] * 100_000)
    tree = document_fromstring(f"<html><body><article><p>{long_block}</p></article></body></html>")
    refined = content_model.refine(tree, None, long_block)
    assert refined.blocks and refined.blocks[0].features["n_tokens"] > content_model.MAX_TOKENS
    assert not refined.removed_blocks


def test_on_a_page_where_nothing_can_be_added_only_trafilatura_s_blocks_are_scored() -> None:
    model = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    tree = document_fromstring(PAGE)
    probabilities = page_type.classify_page(tree, None).probabilities
    never = {**model, "t_add_article": 1.01, "t_add_other": 1.01}
    reachable = {**model, "t_add_article": 1.0, "t_add_other": 1.0}  # no score reaches 1.0
    fast = content_model.decide(
        content_model.page_blocks(tree), _trafilatura_text(), probabilities, True, never
    )
    full = content_model.decide(
        content_model.page_blocks(tree), _trafilatura_text(), probabilities, True, reachable
    )
    assert [b.keep for b in fast] == [b.keep for b in full]
    for got, expected in zip(fast, full, strict=True):
        if expected.features["kept"] >= 0.5:
            assert got.score == pytest.approx(expected.score)
        else:
            assert got.score == 0.0 and expected.score < 1.0
