"""A page's own declaration of its type (schema.org items, og:type) moves the page type's
probabilities as a prior blended into the classifier's (`page_type.with_declarations`), not as
a gate: product pages declared so come out `product` with a high probability in any language,
while an item of a list, an offer inside a product or several listed products declare nothing
more than they say. Pages written for these tests (tests/fixtures/product/)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from lxml.html import HtmlElement, document_fromstring

from article_extractor.document import OutputDocument
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_object
from article_extractor.pipeline.model import page_type
from article_extractor_tools.files import LocalFileReader
from tests.conftest import ROOT, assert_valid_output

PRODUCTS = ROOT / "tests/fixtures/product"
# Three shops, three languages, three ways to declare a product: og:type product with a
# top-level Product and microdata (English), a Product with an AggregateOffer in an @graph
# (German, no URL, few class names: the classifier alone says service), an ItemPage whose
# mainEntity is the Product and og:type product.item (Spanish).
PRODUCT_PAGES = ("kettle-en.html", "rucksack-de.html", "molinillo-es.html")


def process(path: Path, model: bool = True) -> OutputDocument:
    document = process_object(
        ObjectRef(None, str(path)),
        LocalFileReader(),
        ProcessingOptions(max_input_bytes=10 << 20, include_blocks=True, content_model=model),
    )
    assert_valid_output(document.to_dict())
    return document


def page(head: str, body: str = "<p>Some text.</p>") -> HtmlElement:
    return document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize("name", PRODUCT_PAGES)
def test_a_declared_product_page_is_a_product(name: str) -> None:
    document = process(PRODUCTS / name)
    assert document.article is not None
    assert document.article.page_type == "product"
    report = document.extraction.content_model
    assert report is not None and report.page_type_confidence is not None
    assert report.page_type_confidence >= 0.8


@pytest.mark.parametrize("name", PRODUCT_PAGES)
def test_the_product_probability_is_high_whatever_the_model(name: str) -> None:
    """The prior goes on top of any model's probabilities: a model that knows nothing (every
    type equally likely) still sees the product the page declares."""
    tree = document_fromstring((PRODUCTS / name).read_bytes())
    flat = {t: 1 / len(page_type.TYPES) for t in page_type.TYPES}
    blended = page_type.with_declarations(flat, page_type.declared_page_types(tree))
    assert max(blended, key=blended.__getitem__) == "product"
    assert blended["product"] >= 0.75
    assert math.fsum(blended.values()) == pytest.approx(1.0)


def test_classify_page_keeps_its_shape() -> None:
    tree = document_fromstring((PRODUCTS / "rucksack-de.html").read_bytes())
    found = page_type.classify_page(tree, None)
    assert isinstance(found, page_type.PageType)
    assert set(found.probabilities) == set(page_type.TYPES)
    assert found.label == max(found.probabilities, key=found.probabilities.__getitem__)
    assert math.fsum(found.probabilities.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ('<meta property="og:type" content="product">', "", "product"),
        ('<meta property="og:type" content="product.group">', "", "collection"),
        (json_ld({"@type": "Offer", "price": "3.00"}), "", "product"),
        (json_ld({"@type": "ItemPage", "mainEntity": {"@type": "Product"}}), "", "product"),
        (json_ld({"@type": "QAPage", "mainEntity": {"@type": "Question"}}), "", "forum"),
        (
            json_ld({"@graph": [{"@type": "WebSite"}, {"@type": "DiscussionForumPosting"}]}),
            "",
            "forum",
        ),
        (json_ld({"@type": "TechArticle"}), "", "documentation"),
        (json_ld({"@type": "APIReference"}), "", "documentation"),
        (json_ld({"@type": "Recipe", "name": "Lentil soup"}), "", "article"),
        (json_ld({"@type": "NewsArticle"}), "", "article"),
        (json_ld({"@type": ["BlogPosting"]}), "", "article"),
        (json_ld({"@type": "https://schema.org/CollectionPage"}), "", "collection listing"),
        ("", '<div itemscope itemtype="https://schema.org/Product"><p>A lamp</p></div>', "product"),
        (
            "",
            '<body itemscope itemtype="https://schema.org/WebPage">'
            '<div itemprop="mainEntity" itemscope itemtype="https://schema.org/QAPage"></div>',
            "forum",
        ),
    ],
)
def test_clear_declarations_name_their_page_type(head: str, body: str, expected: str) -> None:
    prior = page_type.declared_page_types(page(head, body))
    assert set(prior) == set(expected.split())
    assert 0.0 < sum(prior.values()) < 1.0  # trusted, never certain


@pytest.mark.parametrize(
    ("head", "body"),
    [
        # products as the elements of a list, reviewed, or offered by an organisation
        (json_ld({"@type": "ItemList", "itemListElement": [{"@type": "Product"}]}), ""),
        (json_ld({"@type": "Organization", "makesOffer": {"@type": "Offer"}}), ""),
        (json_ld({"@type": "WebSite", "name": "Shop"}), ""),
        # a product inside another item: a property of it
        (
            "",
            '<div itemscope itemtype="https://schema.org/Review">'
            '<div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Product"></div>'
            "</div>",
        ),
        # several products as the page's own items: the page lists them
        (json_ld([{"@type": "Product", "name": str(n)} for n in range(4)]), ""),
        ('<meta property="og:type" content="website">', ""),
        ("<script type='application/ld+json'>{not json</script>", ""),
    ],
)
def test_what_is_no_declaration_of_the_page_leaves_the_model_alone(head: str, body: str) -> None:
    tree = page(head, body)
    assert "product" not in page_type.declared_page_types(tree)
    model = page_type.predict_proba(page_type.page_features(tree, None))
    if not page_type.declared_page_types(tree):
        assert page_type.classify_page(tree, None).probabilities == model


def test_the_blend_is_a_mixture_of_the_declaration_and_the_model() -> None:
    """p'(t) = w q(t) + (1 - w) p(t): with a product declared with trust w, a page the model
    calls a service keeps (1 - w) of each probability and product gains w."""
    model = {t: 0.0 for t in page_type.TYPES} | {"service": 0.7, "product": 0.2, "article": 0.1}
    tree = page("", json_ld({"@type": "Product"}))
    prior = page_type.declared_page_types(tree)
    w = page_type.DECLARATIONS["product"][1]
    assert prior == pytest.approx({"product": w})
    blended = page_type.with_declarations(model, prior)
    assert blended["product"] == pytest.approx(w + (1 - w) * 0.2)
    assert blended["service"] == pytest.approx((1 - w) * 0.7)
    assert page_type.with_declarations(model, {}) == model


def test_two_declared_types_share_the_trust() -> None:
    """A review article that also declares its product: both types gain, the article more
    (its declaration is the more reliable), and the total trust is the higher of the two."""
    tree = page(json_ld({"@graph": [{"@type": "Article"}, {"@type": "Product"}]}))
    prior = page_type.declared_page_types(tree)
    article, product = page_type.DECLARATIONS["article"][1], page_type.DECLARATIONS["product"][1]
    assert sum(prior.values()) == pytest.approx(max(article, product))
    assert prior["article"] > prior["product"] > 0.3


def test_the_trust_values_are_probabilities_for_known_page_types() -> None:
    for name, (types, trust) in page_type.DECLARATIONS.items():
        assert name == name.lower()
        assert set(types) <= set(page_type.TYPES) and types
        assert 0.0 < trust < 1.0
