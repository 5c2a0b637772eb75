"""Page type of one parsed page (article, service, product, collection, forum, listing,
documentation), from cheap signals: URL path words, schema.org types (JSON-LD, microdata),
og:type, and DOM statistics (element counts, generic class/id vocabulary, repeated sibling
structures, prices). A multinomial logistic regression over those features, fitted offline
(training/page_type.py) and shipped as JSON (model/page_type.json), evaluated in pure Python.

Inputs: the page's lxml tree (as `parsing.parse_html` returns it, before trafilatura copies
and prunes it) and the page URL (or None). Output: `PageType(label, probabilities)`.

A page's own declaration of what it is (a schema.org `Product`, `QAPage`, `CollectionPage`,
`TechArticle`, `Recipe`...; `og:type` product) is then blended into the model's probabilities
as a prior: `with_declarations`. The model sees those declarations as features too, but,
fitted on few such pages and strongly regularised, trusts them little; the blend gives each
clear declaration the weight its reliability has on the development pages, whatever the
model, so a product page declared so is a product with a high probability, not a hard rule.

Example::

    page = classify_page(tree, "https://example.com/shop/p/123")
    page.label, page.probabilities["product"]
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement

from article_extractor.pipeline.literal_prefilter import LazyPattern, vocabulary
from article_extractor.pipeline.read.parsing import document_elements

MODEL_PATH = Path(__file__).with_name("page_type.json")


# Generic vocabulary (URL path words, schema.org types, class/id words): nothing here names a
# site. Each group becomes one feature (how many of its words are present).
URL_WORDS: dict[str, frozenset[str]] = {
    "product": vocabulary(
        "product products p item items dp shop store buy sku artikel produkt produit"
    ),
    "collection": vocabulary(
        "category categories collection collections c catalog catalogue department browse "
        "kategorie shop-all range"
    ),
    "forum": vocabulary(
        "forum forums thread threads topic topics t community discussion discussions questions "
        "question q answers comments showthread viewtopic board boards"
    ),
    "documentation": vocabulary(
        "docs doc documentation api reference manual guide guides tutorial tutorials learn "
        "wiki help kb support developer developers reference sdk library"
    ),
    "article": vocabulary(
        "blog blogs news article articles post posts story stories magazine press opinion"
    ),
    "listing": vocabulary(
        "search list lists jobs job tag tags archive archives results directory events page "
        "index all listings"
    ),
    "service": vocabulary(
        "services service solutions solution about pricing contact features plans company "
        "industries consulting agency"
    ),
}
SCHEMA_TYPES: dict[str, frozenset[str]] = {
    "article": vocabulary(
        "article newsarticle blogposting report scholarlyarticle reportagenewsarticle "
        "analysisnewsarticle opinionnewsarticle liveblogposting"
    ),
    "product": vocabulary(
        "product offer aggregateoffer productgroup individualproduct productmodel car"
    ),
    "forum": vocabulary("discussionforumposting qapage question answer comment socialmediaposting"),
    "collection": vocabulary("collectionpage itemlist offercatalog productcollection"),
    "listing": vocabulary("searchresultspage jobposting event listitem"),
    "documentation": vocabulary("techarticle apireference howto softwaresourcecode"),
    "service": vocabulary(
        "service localbusiness organization professionalservice faqpage corporation aboutpage "
        "contactpage"
    ),
    "webpage": vocabulary("webpage website"),
    "breadcrumb": vocabulary("breadcrumblist"),
    "rating": vocabulary("aggregaterating review rating"),
}
CLASS_WORDS: dict[str, frozenset[str]] = {
    "price": vocabulary("price prices amount currency"),
    "cart": vocabulary("cart basket checkout add-to-cart addtocart buy wishlist"),
    "product": vocabulary("product products sku variant variants swatch"),
    "rating": vocabulary("rating ratings review reviews stars star"),
    "comment": vocabulary("comment comments reply replies"),
    "post": vocabulary("post posts message messages thread threads topic forum"),
    "user": vocabulary("user username author avatar member profile signature"),
    "docs": vocabulary("docs doc documentation toc sidebar highlight hljs api"),
    "card": vocabulary("card cards item items tile tiles grid listing teaser result"),
    "nav": vocabulary("nav navigation menu breadcrumb breadcrumbs pagination pager"),
    "article": vocabulary("article entry content story byline headline"),
}
COUNTED_TAGS = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "li",
    "a",
    "article",
    "time",
    "pre",
    "code",
    "table",
    "tr",
    "form",
    "input",
    "button",
    "img",
    "section",
    "nav",
    "aside",
    "header",
    "footer",
    "main",
    "dl",
    "select",
    "blockquote",
    "figure",
]
_SPLIT = LazyPattern(r"[^a-z0-9]+")
# A price: [$€£¥₹]\s?\d or \d(?:[.,]\d\d)?\s?(?:€|EUR|USD|GBP|zł|kr)\b, written to start with one
# character class so that the regex engine skips ahead to the candidates (the same matches).
_PRICE = LazyPattern(
    r"[$€£¥₹\d](?:(?<=[$€£¥₹])\s?\d|(?<=\d)(?:[.,]\d\d)?\s?(?:€|EUR|USD|GBP|zł|kr)\b)"
)
_DATE_PATH = LazyPattern(r"/(?:19|20)\d\d/(?:[01]?\d/)?")

TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")

# Clear declarations of a page's type: a schema.org type of the page's own item (top level,
# `@graph`, a page's `mainEntity`; never an item of a list, an offer or a review inside it) and
# og:type values, each with the page types it names and the trust put in it: the share of the
# WCXB-dev pages declaring it that are of those types, (hits + 1) / (pages + 2) so that a
# declaration seen on few pages is trusted less (training/README.md, "Declared page types").
# One never seen there takes the figure of its family (in brackets). A declaration naming two
# page types splits its trust between them.
DECLARATIONS: dict[str, tuple[tuple[str, ...], float]] = {
    # products: the item itself, its offers, the page devoted to one item
    "product": (("product",), 0.78),  # 65 of 83 pages
    "productgroup": (("product",), 0.9),  # 8 of 8
    "individualproduct": (("product",), 0.78),  # (product)
    "productmodel": (("product",), 0.78),  # (product)
    "offer": (("product",), 0.78),  # (product)
    "aggregateoffer": (("product",), 0.78),  # (product)
    "itempage": (("product",), 0.75),  # 5 of 6
    "og:product": (("product",), 0.89),  # 40 of 44
    "og:product.item": (("product",), 0.89),  # (og:product)
    "og:product.group": (("collection",), 0.85),  # 16 of 18
    # forums and questions with their answers
    "discussionforumposting": (("forum",), 0.98),  # 60 of 60
    "qapage": (("forum",), 0.96),  # 24 of 24
    # a page of items
    "collectionpage": (("collection", "listing"), 0.94),  # 14 of 14: 9 and 5
    "itemlist": (("collection", "listing"), 0.39),  # 18 of 47
    # documentation
    "techarticle": (("documentation",), 0.62),  # 4 of 6
    "apireference": (("documentation",), 0.62),  # (techarticle)
    # articles (a recipe is read as one)
    "article": (("article",), 0.94),  # 160 of 170
    "blogposting": (("article",), 0.95),  # 74 of 77
    "newsarticle": (("article",), 0.97),  # 60 of 61
    "reportagenewsarticle": (("article",), 0.97),  # (newsarticle)
    "analysisnewsarticle": (("article",), 0.97),  # (newsarticle)
    "opinionnewsarticle": (("article",), 0.97),  # (newsarticle)
    "liveblogposting": (("article",), 0.95),  # (blogposting)
    "scholarlyarticle": (("article",), 0.94),  # (article)
    "recipe": (("article",), 0.95),  # (the article types together: 294 of 308)
}
# Page-level items whose `mainEntity` is the page's own item too (a QAPage's question...).
_PAGE_ITEMS = frozenset(
    {
        "webpage",
        "itempage",
        "collectionpage",
        "qapage",
        "faqpage",
        "aboutpage",
        "contactpage",
        "profilepage",
        "searchresultspage",
        "checkoutpage",
        "medicalwebpage",
        "realestatelisting",
    }
)
# Products declared as the page's own items this many times: the page may list them (on
# WCXB-dev, 2 of 7 such pages are products), and they declare nothing.
_LISTED_PRODUCTS = 3
_PRODUCT_ITEMS = frozenset({"product", "individualproduct", "productmodel"})


@dataclass(frozen=True)
class PageType:
    label: str
    probabilities: dict[str, float]


def _schema_types(value: Any, found: set[str], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, dict):
        kind = value.get("@type")
        for item in kind if isinstance(kind, list) else [kind]:
            if isinstance(item, str):
                found.add(item.rsplit("/", 1)[-1].lower())
        for key, item in value.items():
            if key in ("@graph", "mainEntity", "itemListElement", "offers", "hasPart", "about"):
                _schema_types(item, found, depth + 1)
    elif isinstance(value, list):
        for item in value[:50]:
            _schema_types(item, found, depth + 1)


_WORD_GROUP = {word: group for group, vocab in CLASS_WORDS.items() for word in vocab}
_CLASS_WORD = LazyPattern(
    r"(?<![a-z0-9])("
    + "|".join(sorted(map(re.escape, _WORD_GROUP), key=len, reverse=True))
    + r")(?![a-z0-9])"
)
# The same counts from the [a-z0-9] runs of each distinct space-separated name: a word of one
# run is that run; a word of several runs ("add-to-cart") counts for its group, and no longer
# for its runs that are words.
_RUN_WORD_GROUP = {word: group for word, group in _WORD_GROUP.items() if not _SPLIT.search(word)}
_MULTI_RUN_WORDS = tuple(
    (
        word,
        group,
        re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])"),
        [_RUN_WORD_GROUP[run] for run in _SPLIT.split(word) if run in _RUN_WORD_GROUP],
    )
    for word, group in _WORD_GROUP.items()
    if _SPLIT.search(word)
)


def class_word_counts(names: str) -> dict[str, int]:
    """How many `CLASS_WORDS` of each group the lower-cased `names` hold as whole words
    (between characters other than [a-z0-9]): the matches of `_CLASS_WORD`, counted."""
    counts = dict.fromkeys(CLASS_WORDS, 0)
    word_group = _RUN_WORD_GROUP.get
    for name, repeats in Counter(names.split()).items():
        group = word_group(name)
        if group is not None:
            counts[group] += repeats
            continue
        for run in _SPLIT.split(name):
            group = word_group(run)
            if group is not None:
                counts[group] += repeats
        for word, group, pattern, run_groups in _MULTI_RUN_WORDS:
            if word in name:
                found = repeats * len(pattern.findall(name))
                counts[group] += found
                for run_group in run_groups:
                    counts[run_group] -= found
    return counts


_XP_NAMES = XPath("//@class | //@id", smart_strings=False)
_XP_JSONLD = XPath(
    "//script[@type='application/ld+json' or @type='application/ld+JSON']/text()",
    smart_strings=False,
)
_XP_OG = XPath("//meta[@property='og:type']/@content", smart_strings=False)
_XP_ITEMTYPE = XPath("//@itemtype", smart_strings=False)
_XP_LINK_TEXT = XPath("//a//text()", smart_strings=False)
_XP_P_TEXT = XPath("//p//text()", smart_strings=False)
_XP_BODY_TEXT = XPath("string(//body)", smart_strings=False)
_XP_CODE_TEXT = XPath("//body//script/text() | //body//style/text()", smart_strings=False)
_XP_ELEMENT_COUNT = XPath("count(//*)")
_XP_PARENTS = XPath("//*[count(*) >= 5]")


def _strings(xpath: XPath, tree: HtmlElement) -> list[str]:
    """An XPath's string results (XPaths here select attributes or text)."""
    found = xpath(tree)
    return [str(item) for item in found] if isinstance(found, list) else []


def declared_schema(tree: HtmlElement) -> set[str]:
    """The page's schema.org types (JSON-LD and microdata), lower-cased, without their URL."""
    schema: set[str] = set()
    for text in _strings(_XP_JSONLD, tree):
        with contextlib.suppress(ValueError, RecursionError):
            _schema_types(json.loads(text), schema)
    for itemtype in _strings(_XP_ITEMTYPE, tree):
        schema.add(itemtype.rstrip("/").rsplit("/", 1)[-1].lower())
    return schema


def _item_types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [item.rsplit("/", 1)[-1].lower() for item in kinds if isinstance(item, str)]


def _page_items(value: Any, found: list[str], depth: int = 0) -> None:
    """The schema.org types of a JSON-LD document's page-level items, one entry per item type:
    top-level items, `@graph` members and the `mainEntity` of a page item (not what an item
    holds: list elements, offers, reviews, authors)."""
    if depth > 4:
        return
    if isinstance(value, list):
        for item in value[:50]:
            _page_items(item, found, depth + 1)
    elif isinstance(value, dict):
        types = _item_types(value)
        found.extend(types)
        if "@graph" in value:
            _page_items(value["@graph"], found, depth + 1)
        if "mainEntity" in value and (not types or _PAGE_ITEMS.intersection(types)):
            _page_items(value["mainEntity"], found, depth + 1)


# microdata items: the elements holding an itemtype (an attribute's parent)
_XP_ITEMTYPE_NODES = XPath("//@itemtype")


def _microdata_page_item(element: _Element) -> bool:
    """A microdata item that is no property of another item (inside none but page items such
    as a `WebPage` on `<body>`)."""
    if element.get("itemprop") and element.get("itemprop") != "mainEntity":
        return False  # a property of the item around it
    return not any(
        ancestor.get("itemscope") is not None
        and not _PAGE_ITEMS.intersection(_microdata_types(ancestor))
        for ancestor in element.iterancestors()
    )


def _microdata_types(element: _Element) -> list[str]:
    return [
        kind.rstrip("/").rsplit("/", 1)[-1].lower()
        for kind in (element.get("itemtype") or "").split()
    ]


def declared_items(tree: HtmlElement) -> list[str]:
    """What the page says it is: the lower-cased schema.org types of its own items (JSON-LD,
    microdata), one entry per item, then its og:type as `og:<value>`."""
    items: list[str] = []
    og_type: str | None = None
    for element in document_elements(tree, "script", "meta"):  # a walk in libxml2: cheap
        if element.tag == "meta":
            if og_type is None and element.get("property") == "og:type":
                og_type = element.get("content") or ""
        elif (element.get("type") or "").lower() == "application/ld+json":
            with contextlib.suppress(ValueError, RecursionError):
                _page_items(json.loads(element.text or ""), items)
    found = _XP_ITEMTYPE_NODES(tree)
    for attribute in found if isinstance(found, list) else []:
        item = getattr(attribute, "getparent", lambda: None)()
        if not isinstance(item, _Element) or item.get("itemscope") is None:
            continue
        if _microdata_page_item(item):
            items.extend(_microdata_types(item))
    return [*items, "og:" + og_type.strip().lower()] if og_type is not None else items


def declared_page_types(tree: HtmlElement) -> dict[str, float]:
    """The prior the page's own declarations give its type, as page type -> probability mass
    (summing to the trust w put in them, 0 without a declaration): the declarations of its own
    items (JSON-LD, microdata) and its og:type (`DECLARATIONS`). w is the highest trust of a
    declaration made, shared out between the declared types in proportion to each
    declaration's trust (a declaration naming two types gives each half of its own). Several
    products declared as the page's own items declare nothing: the page may list them."""
    items = declared_items(tree)
    if sum(item in _PRODUCT_ITEMS for item in items) >= _LISTED_PRODUCTS:
        items = [item for item in items if item not in _PRODUCT_ITEMS]
    made = [DECLARATIONS[item] for item in dict.fromkeys(items) if item in DECLARATIONS]
    if not made:
        return {}
    weight = max(trust for _, trust in made)
    total = sum(trust for _, trust in made)
    prior: dict[str, float] = {}
    for types, trust in made:
        for kind in types:
            prior[kind] = prior.get(kind, 0.0) + weight * trust / total / len(types)
    return prior


def with_declarations(probabilities: dict[str, float], prior: dict[str, float]) -> dict[str, float]:
    """The model's probabilities p with the page's declarations blended in: with the trust w
    put in them the page is what it declares (the prior's shares q), else what the model
    says: p'(t) = w q(t) + (1 - w) p(t). `prior`: `declared_page_types` (w q)."""
    weight = sum(prior.values())
    if weight <= 0.0:
        return probabilities
    return {kind: prior.get(kind, 0.0) + (1.0 - weight) * p for kind, p in probabilities.items()}


def article_declaration(tree: HtmlElement, url: str | None) -> tuple[bool, set[str] | None]:
    """`declared_article`, with the schema.org types read to know it (None when the URL or
    og:type answered first), which `classify_page` can take instead of reading them again."""
    path = urlsplit(url).path.lower() if url else ""
    if _DATE_PATH.search(path):
        return True, None
    og_values = _strings(_XP_OG, tree)
    if og_values and og_values[0].lower().startswith("article"):
        return True, None
    schema = declared_schema(tree)
    return bool(schema & SCHEMA_TYPES["article"]), schema


def declared_article(tree: HtmlElement, url: str | None) -> bool:
    """The page says it is an article: og:type article, a schema.org article type (JSON-LD or
    microdata), or a date in the URL path (the features og_article, schema_article and
    url_date). Cheap (no walk over the page), so it runs before `classify_page`."""
    return article_declaration(tree, url)[0]


def page_features(
    tree: HtmlElement, url: str | None, schema: set[str] | None = None
) -> dict[str, float]:
    """The classifier's input: a flat name -> number mapping (names are the model's keys).
    `schema`: the page's `declared_schema` when the caller has read it already."""
    features: dict[str, float] = {}
    # --- URL
    path = urlsplit(url or "").path.lower() if url else ""
    words = [w for w in _SPLIT.split(path) if w]
    segments = [s for s in path.split("/") if s]
    for group, vocab in URL_WORDS.items():
        features[f"url_{group}"] = float(sum(w in vocab for w in words))
    features["url_depth"] = float(len(segments))
    features["url_root"] = float(not segments)
    features["url_date"] = float(bool(_DATE_PATH.search(path)))
    features["url_digits"] = float(any(s.isdigit() for s in segments))
    features["url_long_slug"] = float(bool(segments) and segments[-1].count("-") >= 4)
    features["url_html"] = float(path.endswith((".html", ".htm", ".php", ".aspx")))
    features["url_query"] = float(bool(url and urlsplit(url).query))
    # --- schema.org and og:type
    if schema is None:
        schema = declared_schema(tree)
    for group, vocab in SCHEMA_TYPES.items():
        features[f"schema_{group}"] = float(bool(schema & vocab))
    og_values = _strings(_XP_OG, tree)
    og_type = og_values[0].lower() if og_values else ""
    known = ("article", "product", "website", "video", "profile", "book")
    for kind in known:
        features[f"og_{kind}"] = float(og_type.startswith(kind))
    features["og_other"] = float(bool(og_type) and not og_type.startswith(known))
    # --- element counts: count(//*) and count(//tag), whose `//` also covers the elements a
    # broken page leaves beside the root element; libxml2 walks, Python sees only counted tags
    counts = dict.fromkeys(COUNTED_TAGS, 0)
    found = _XP_ELEMENT_COUNT(tree)
    total = float(found) if isinstance(found, float) else 0.0
    root = tree.getroottree().getroot()
    for top in (*root.itersiblings(preceding=True), root, *root.itersiblings()):
        for element in top.iter(*COUNTED_TAGS):
            counts[element.tag] += 1
    features["log_elements"] = math.log1p(total)
    for tag, count in counts.items():
        features[f"tag_{tag}"] = math.log1p(count)
    # --- class / id words
    class_counts = class_word_counts(" ".join(_strings(_XP_NAMES, tree)).lower())
    for group, count in class_counts.items():
        features[f"class_{group}"] = math.log1p(count)
    # --- text
    found = _XP_BODY_TEXT(tree)
    body_text = found if isinstance(found, str) else ""
    text_len = len(body_text) - body_text.count(" ")
    text_len = max(0, text_len - sum(len(t) - t.count(" ") for t in _strings(_XP_CODE_TEXT, tree)))
    link_len = sum(len(t) - t.count(" ") for t in _strings(_XP_LINK_TEXT, tree))
    p_texts = _strings(_XP_P_TEXT, tree)
    p_len = sum(len(t) - t.count(" ") for t in p_texts)
    p_count = features["tag_p"]
    features["log_text"] = math.log1p(text_len)
    features["link_share"] = min(1.0, link_len / text_len) if text_len else 0.0
    features["p_share"] = min(1.0, p_len / text_len) if text_len else 0.0
    features["p_mean_len"] = math.log1p(p_len / math.expm1(p_count)) if p_count else 0.0
    features["log_prices"] = math.log1p(len(_PRICE.findall(body_text)))
    features["text_per_element"] = math.log1p(text_len / total) if total else 0.0
    # --- repeated sibling structures (cards, rows, posts)
    repeated_max = repeated_groups = 0
    parents = _XP_PARENTS(tree)
    for parent in parents if isinstance(parents, list) else []:
        if not isinstance(parent, _Element):
            continue
        signatures: dict[tuple[str, str], int] = {}
        for child in parent:
            tag = child.tag
            if isinstance(tag, str):
                key = (tag, child.get("class") or "")
                signatures[key] = signatures.get(key, 0) + 1
        for count in signatures.values():
            if count >= 5:
                repeated_groups += 1
                repeated_max = max(repeated_max, count)
    features["repeated_max"] = math.log1p(repeated_max)
    features["repeated_groups"] = math.log1p(repeated_groups)
    return features


@cache
def _model() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return loaded


def predict_proba(
    features: dict[str, float], model: dict[str, Any] | None = None
) -> dict[str, float]:
    """Softmax of a linear model over standardised features (the JSON's `classes`, `features`,
    `mean`, `scale`, `coef` (one row per class) and `intercept`)."""
    model = model or _model()
    x = [
        (features.get(name, 0.0) - mu) / sd
        for name, mu, sd in zip(model["features"], model["mean"], model["scale"], strict=True)
    ]
    scores = [
        b + sum(w * v for w, v in zip(row, x, strict=True))
        for row, b in zip(model["coef"], model["intercept"], strict=True)
    ]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {label: e / total for label, e in zip(model["classes"], exps, strict=True)}


def classify_page(
    tree: HtmlElement,
    url: str | None,
    model: dict[str, Any] | None = None,
    schema: set[str] | None = None,
) -> PageType:
    """The page's type: the model's probabilities with the page's declarations blended in
    (`with_declarations`). `schema`: as `page_features`."""
    probabilities = predict_proba(page_features(tree, url, schema), model)
    probabilities = with_declarations(probabilities, declared_page_types(tree))
    return PageType(max(probabilities, key=probabilities.__getitem__), probabilities)
