"""The learned runtime pieces: page-type classifier and block model (pipeline/model/page_type.py,
pipeline/model/content_model.py and their JSON under pipeline/model/), fitted by training/."""

from __future__ import annotations

import json
import math

import pytest
from lxml.html import document_fromstring

from article_extractor.pipeline.model import content_model, page_type
from article_extractor.pipeline.model.kept_blocks import typed_blocks
from tests.conftest import FIXTURES

# Feature vectors with scikit-learn's probabilities, written by the training exports next to
# the models (kept out of the function artifact: only the tests read them).
CHECKS = FIXTURES / "models"

PAGE = """<html><head><title>Rust tips</title>
<meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org",
 "@graph": [{"@type": "BreadcrumbList"}, {"@type": "BlogPosting", "headline": "Rust tips"}]}
</script></head>
<body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li></ul></nav>
<article class="post-content">
<h1>Ten tips for <em>faster</em> Rust builds</h1>
<p>Compile times grow with every crate you add, and <a href="/x">incremental builds</a> only
help so much. Here is what worked for us over two years of daily builds.</p>
<noscript><div><p>Readers without scripts see this paragraph as well.</p></div></noscript>
<ul><li>Use a faster linker such as mold or lld.</li><li>Split large crates.</li></ul>
<script>var tracking = "never a block";</script>
</article>
<footer class="site-footer"><p>Copyright 2026 Example Ltd. All rights reserved.</p></footer>
</body></html>"""


def tree():  # type: ignore[no-untyped-def]
    return document_fromstring(PAGE)


def test_models_load_and_name_known_features() -> None:
    types = json.loads(page_type.MODEL_PATH.read_text(encoding="utf-8"))
    assert sorted(types["classes"]) == sorted(page_type.TYPES)
    assert set(types["features"]) <= set(page_type.page_features(tree(), "https://e.com/a"))
    blocks = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    found = content_model.page_blocks(tree())
    content_model.block_features(found, "", {t: 1 / 7 for t in page_type.TYPES})
    content_model.context_features(found, False)
    content_model.text_features(found)
    assert set(blocks["features"]) == set(found[0].features)
    assert 0.0 < blocks["t_remove"] < 0.5 < blocks["t_add_other"] <= blocks["t_add_article"] <= 1.01


def test_page_type_matches_the_training_library() -> None:
    model = json.loads(page_type.MODEL_PATH.read_text(encoding="utf-8"))
    checks = json.loads((CHECKS / "page_type.checks.json").read_text(encoding="utf-8"))
    assert checks
    for check in checks:
        got = page_type.predict_proba(check["features"], model)
        for label, expected in check["probabilities"].items():
            assert got[label] == pytest.approx(expected, abs=1e-4)


def test_block_model_matches_the_training_library() -> None:
    model = json.loads(content_model.MODEL_PATH.read_text(encoding="utf-8"))
    checks = json.loads((CHECKS / "content_model.checks.json").read_text(encoding="utf-8"))
    assert checks
    for check in checks:
        got = content_model.score_block(check["features"], model)
        assert got == pytest.approx(check["probability"], abs=1e-4)


def test_page_features_read_url_schema_and_dom() -> None:
    features = page_type.page_features(tree(), "https://example.com/blog/2024/05/rust-tips")
    assert features["url_article"] == 1.0
    assert features["url_date"] == 1.0
    assert features["schema_article"] == 1.0
    assert features["schema_breadcrumb"] == 1.0
    assert features["og_article"] == 1.0
    assert features["tag_li"] == pytest.approx(math.log1p(4))
    assert features["class_nav"] > 0 and features["class_article"] > 0
    result = page_type.classify_page(tree(), "https://example.com/blog/2024/05/rust-tips")
    assert result.label in page_type.TYPES
    assert sum(result.probabilities.values()) == pytest.approx(1.0)


def test_blocks_follow_block_elements_and_skip_code() -> None:
    blocks = content_model.page_blocks(tree())
    texts = [b.text for b in blocks]
    assert "Home" in texts and "Blog" in texts
    assert "Ten tips for faster Rust builds" in texts  # inline <em> stays in its heading
    assert any(t.startswith("Compile times grow") and "incremental builds only" in t for t in texts)
    assert "Readers without scripts see this paragraph as well." in texts
    assert "Split large crates." in texts
    assert not any("tracking" in t for t in texts)
    home = blocks[texts.index("Home")]
    content_model.block_features(blocks, "Ten tips for faster Rust builds", {})
    assert home.features["in_nav"] == 1.0 and home.features["link_share"] == 1.0
    heading = blocks[texts.index("Ten tips for faster Rust builds")]
    assert heading.features["tag_h"] == 1.0 and heading.features["kept"] == 1.0
    assert heading.features["class_content"] == 1.0
    footer = blocks[texts.index("Copyright 2026 Example Ltd. All rights reserved.")]
    assert footer.features["in_footer"] == 1.0 and footer.features["kept"] == 0.0


def test_child_blocks_break_a_block_s_text_into_lines_and_never_glue_words() -> None:
    """Text split by <br> or around a box nested in an inline element: each part its own line
    when shown, and never glued to the next (the model read "pierAdvertisement" before)."""
    page = document_fromstring(
        "<html><body><div class='post'>First line from the pier<br>Second line"
        "<span><div class='box'>Advertisement</div></span>Third line<br></div></body></html>"
    )
    blocks = content_model.page_blocks(page)
    post = next(b for b in blocks if b.tag == "div" and "First" in b.text)
    assert post.text == "First line from the pier Second line Third line"  # what features read
    assert post.shown == "First line from the pier\nSecond line\nThird line"
    assert [b.text for b in blocks if b is not post] == ["Advertisement"]
    one_line = document_fromstring("<html><body><p>One <b>line</b> only</p></body></html>")
    (paragraph,) = content_model.page_blocks(one_line)
    assert paragraph.lines is None and paragraph.shown == "One line only"
    (typed,) = typed_blocks([post])
    assert typed.text == post.shown


def test_an_empty_page_has_no_blocks() -> None:
    assert content_model.page_blocks(document_fromstring("<html><body></body></html>")) == []


@pytest.mark.parametrize(
    "names",
    [
        "",
        "add-to-cart btn add-to-cart-button addtocart carts product-card",
        "nav main-nav__item price_tag éprice post-1 x-add-to-cart-add-to-cart",
        "grid  grid\tgrid item-items card add-to carts-",
    ],
)
def test_class_word_counts_are_the_word_regex_matches(names: str) -> None:
    expected = dict.fromkeys(page_type.CLASS_WORDS, 0)
    for word in page_type._CLASS_WORD.findall(names):
        expected[page_type._WORD_GROUP[word]] += 1
    assert page_type.class_word_counts(names) == expected


def test_article_declaration_hands_over_the_schema_it_read() -> None:
    assert page_type.article_declaration(tree(), None) == (True, None)  # og:type first
    page = document_fromstring(
        '<html><head><script type="application/ld+json">{"@type": "Product"}</script>'
        "</head><body><p>x</p></body></html>"
    )
    declared, schema = page_type.article_declaration(page, "https://e.com/shop")
    assert not declared and schema == {"product"}
    assert page_type.page_features(page, None, schema) == page_type.page_features(page, None)
