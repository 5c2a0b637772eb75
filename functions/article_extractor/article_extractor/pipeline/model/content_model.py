"""Block-level main-content decisions learned from data.

The page is cut into text blocks (the own text of each block-level element, nested blocks
excluded); each block gets generic features (length, link density, punctuation, tag and
ancestor tags, generic class/id words, position, repetition of its structure, whether
trafilatura kept it, the page type's probabilities), and a logistic regression fitted offline
(training/blocks.py, model/content_model.json) scores it. `refine` applies the per-type rule.

Example::

    decision = refine(tree, url, extracted_text)
    decision.outcome, [block.text for block in decision.kept_blocks]
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from lxml.html import HtmlElement

from article_extractor.pipeline.literal_prefilter import LazyPattern, vocabulary
from article_extractor.pipeline.model.text_model import TextModel, words_of
from article_extractor.pipeline.model.text_model import shipped as shipped_text_model

MODEL_PATH = Path(__file__).with_name("content_model.json")


BLOCK_TAGS = vocabulary(
    "p h1 h2 h3 h4 h5 h6 li td th dt dd pre blockquote figcaption caption div section article "
    "main aside header footer nav ul ol dl table tbody thead tfoot tr form address details "
    "summary body center fieldset legend figure menu hr br"
)
SKIP_TAGS = vocabulary(
    "script style template svg iframe head select option button input textarea object embed "
    "canvas math"
)
HEADINGS = vocabulary("h1 h2 h3 h4 h5 h6")
TAG_GROUPS = {
    "p": "p",
    **dict.fromkeys(HEADINGS, "h"),
    "li": "li",
    "td": "cell",
    "th": "cell",
    "dt": "dl",
    "dd": "dl",
    "pre": "pre",
    "blockquote": "quote",
    "figcaption": "caption",
    "caption": "caption",
}
# Ancestor flags: structural tags, then generic class/id vocabulary (regexes over the
# lower-cased class and id of each ancestor).
ANCESTOR_TAGS = {
    "nav": 0,
    "header": 1,
    "footer": 2,
    "aside": 3,
    "form": 4,
    "main": 5,
    "article": 6,
    "table": 7,
    "li": 8,
    "a": 9,
    "menu": 0,
    "noscript": 10,  # some forums serve their posts to non-JS readers there
}
CLASS_FLAGS = (
    (
        "boiler",
        re.compile(
            r"nav|menu|foot|header|masthead|sidebar|widget|breadcrumb|cookie|consent|share|social|"
            r"related|recommend|newsletter|subscribe|promo|advert|banner|popup|modal|login|signup|"
            r"copyright|legal|sitemap|skip|toolbar|tags?\b|pagination|pager"
        ),
    ),
    ("content", re.compile(r"content|article|main|post|entry|body|text|story|prose|markdown")),
    ("comment", re.compile(r"comment|reply|respon|discuss|thread|message|forum|answer|question")),
    ("product", re.compile(r"product|price|descr|detail|spec|feature|summary|info|overview")),
    ("card", re.compile(r"card|item|tile|grid|list|teaser|result|excerpt|col-")),
    ("meta", re.compile(r"author|byline|date|time|meta|avatar|user|profile|rating|review")),
    ("hidden", re.compile(r"hidden|sr-only|visually-hidden|screen-reader|offscreen|d-none")),
)
N_TAG_FLAGS = 11
_PUNCT = LazyPattern(r"[.!?;:,]")
_SENTENCE_END = LazyPattern(r"[.!?…]\s*$")
# A price: [$€£¥₹]\s?\d or \d(?:[.,]\d\d)?\s?(?:€|EUR|USD|GBP|zł|kr)\b, written to start with one
# character class so that the regex engine skips ahead to the candidates (the same matches).
_PRICE = LazyPattern(
    r"[$€£¥₹\d](?:(?<=[$€£¥₹])\s?\d|(?<=\d)(?:[.,]\d\d)?\s?(?:€|EUR|USD|GBP|zł|kr)\b)"
)
_DIGIT = LazyPattern(r"\d")
_PUNCT_CHARS = ".!?;:,"  # _PUNCT's characters: the same count without a regex
_SENTENCE_ENDS = (".", "!", "?", "…")  # _SENTENCE_END: one of these, then only whitespace
_TAG_NAMES = ("p", "h", "li", "cell", "dl", "pre", "quote", "caption", "div")
_IN_NAMES = (
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "main",
    "article",
    "table",
    "list",
    "link",
    "noscript",
)


@dataclass
class PageBlock:
    """One text block of the page, in document order (`element`: the page element whose own
    text it is)."""

    tag: str
    text: str
    link_chars: int
    depth: int
    flags: int  # ancestor flags: tags (bits 0-10), class/id vocabulary (bits 11+)
    signature: str  # parent tag.class > tag: repeated structures share it
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    keep: bool = False
    element: HtmlElement | None = None
    # the text as lines, where its element's child blocks (a <br>, a nested box) break it;
    # None when it is one line (`text`), which the model's features always read
    lines: str | None = None
    by_text: bool = False  # the model changed trafilatura's choice because of the block's words

    @property
    def shown(self) -> str:
        """The text as the product shows it: `lines`, or `text` when one line."""
        return self.text if self.lines is None else self.lines


# The type probabilities of a page that declares an article (og:type, schema.org, a dated URL):
# the classifier does not run on it.
DECLARED_TYPES = {
    kind: float(kind == "article")
    for kind in ("article", "collection", "documentation", "forum", "listing", "product", "service")
}
# The raw word count a linear model reads, capped: a paragraph of a million words (a log dumped
# on one line) is as long as one of a few thousand, never a reason to remove it.
MAX_TOKENS = 2000.0
_LINK_BIT = 1 << ANCESTOR_TAGS["a"]
_BREAK = "\x00"  # never in a parsed page's text: libxml2 does not keep NUL characters


# class/id string -> its vocabulary bits, shared by the pages a process reads (a site's pages
# repeat their class names); started over past this many entries
_CLASS_FLAGS: dict[tuple[str | None, str | None], int] = {}
_CLASS_FLAGS_LIMIT = 20_000


def _class_bits(names: str | None, ident: str | None) -> int:
    key = (names, ident)
    bits = _CLASS_FLAGS.get(key)
    if bits is None:
        lowered = f"{names or ''} {ident or ''}".lower()
        bits = 0
        for bit, (_, regex) in enumerate(CLASS_FLAGS):
            if regex.search(lowered):
                bits |= 1 << (N_TAG_FLAGS + bit)
        if len(_CLASS_FLAGS) >= _CLASS_FLAGS_LIMIT:
            _CLASS_FLAGS.clear()
        _CLASS_FLAGS[key] = bits
    return bits


class _Walker:
    def __init__(self) -> None:
        # a slot per block element in document order, filled when its text is complete
        self.blocks: list[PageBlock | None] = []

    def walk(self, root: HtmlElement) -> list[PageBlock]:
        self._element(root, None, 0, 0, "", None)
        return [b for b in self.blocks if b is not None]

    def _element(
        self,
        el: HtmlElement,
        current: list[Any] | None,
        depth: int,
        flags: int,
        parent_tag: str,
        parent_names: str | None,
    ) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:
            return
        names = el.get("class")
        ident = el.get("id")
        if names or ident:
            flags |= _class_bits(names, ident)
        target: list[Any] | None
        if tag in BLOCK_TAGS:
            # text pieces, link characters, and the block's fields known before its text (its
            # signature: parent tag.class > tag.class)
            signature = f"{parent_tag}.{parent_names or ''}>{tag}.{names or ''}"
            if not parent_tag:
                signature = f">{tag}.{names or ''}"
            target = [[], 0, depth, flags, signature]
            index = len(self.blocks)
            self.blocks.append(None)
        else:
            target = current
            index = -1
        if tag in ANCESTOR_TAGS:
            flags |= 1 << ANCESTOR_TAGS[tag]
        in_link = flags & _LINK_BIT  # set for an <a> too, from the line above
        if target is not None:
            text = el.text
            if text:
                target[0].append(text)
                if in_link:
                    target[1] += len(text.strip())
            for child in el:
                self._element(child, target, depth + 1, flags, tag, names)
                if child.tag in BLOCK_TAGS:  # the text around a child block is two lines
                    target[0].append(_BREAK)
                tail = child.tail
                if tail:
                    target[0].append(tail)
                    if in_link:
                        target[1] += len(tail.strip())
        else:
            for child in el:
                self._element(child, None, depth + 1, flags, tag, names)
        if index >= 0:
            assert target is not None
            joined = "".join(target[0])
            lines = None
            if _BREAK in joined:
                parts = (" ".join(part.split()) for part in joined.split(_BREAK))
                lines = "\n".join(part for part in parts if part)
                joined = joined.replace(_BREAK, " ")
            text = " ".join(joined.split())
            if text:
                self.blocks[index] = PageBlock(
                    tag,
                    text,
                    target[1],
                    depth,
                    target[3],
                    target[4],
                    element=el,
                    lines=lines if lines and "\n" in lines else None,
                )


def page_blocks(tree: HtmlElement) -> list[PageBlock]:
    """The page's text blocks in document order (`body` if the page has one)."""
    body = tree.find("body")
    walker = _Walker()
    try:
        return walker.walk(body if body is not None else tree)
    except RecursionError:  # pathological nesting: no blocks, the caller keeps trafilatura's
        return []


def token_string(text: str) -> str:
    """The text's words (`text_model.words_of`) between single spaces: how a block's text is
    matched against trafilatura's (`_kept`, `kept_blocks.revised`)."""
    return " ".join(words_of(text))


def _kept(words: list[str], kept_text: str) -> float:
    """Whether trafilatura kept a block of these tokens: 1 when `kept_text` (tokens between
    spaces) holds them all in a row, 0.5 when it holds the first or last six of eight or more."""
    if not words:
        return 0.0
    if f" {' '.join(words)} " in kept_text:
        return 1.0
    if len(words) >= 8 and (
        f" {' '.join(words[:6])} " in kept_text or f" {' '.join(words[-6:])} " in kept_text
    ):
        return 0.5
    return 0.0


def block_features(
    blocks: list[PageBlock], extracted: str, type_probabilities: dict[str, float]
) -> None:
    """Fill each block's `features` (names are the model's keys)."""
    kept_text = f" {token_string(extracted)} "
    n = len(blocks)
    signature_counts = Counter(block.signature for block in blocks)
    kept_flags = []
    page_tokens = 0
    for block in blocks:
        tokens = token_string(block.text)
        words = tokens.split()
        block.features["n_tokens"] = float(len(words))
        page_tokens += len(words)
        kept_flags.append(_kept(words, kept_text))
    extracted_tokens = kept_text.count(" ") - 1
    page_share = min(1.0, extracted_tokens / page_tokens) if page_tokens else 0.0
    type_features = {f"type_{k}": v for k, v in type_probabilities.items()}
    log_extracted = math.log1p(extracted_tokens)
    for i, block in enumerate(blocks):
        f = block.features
        text = block.text
        n_tokens = f["n_tokens"]
        chars = len(text)
        group = TAG_GROUPS.get(block.tag, "div")
        for name in _TAG_NAMES:
            f[f"tag_{name}"] = float(group == name)
        f["n_tokens"] = min(n_tokens, MAX_TOKENS)
        f["log_tokens"] = math.log1p(n_tokens)
        f["short"] = float(n_tokens <= 3)
        f["link_share"] = min(1.0, block.link_chars / chars) if chars else 0.0
        f["punct"] = len(_PUNCT.findall(text)) / (n_tokens + 1)
        f["sentence_end"] = float(bool(_SENTENCE_END.search(text)))
        f["digit_share"] = len(_DIGIT.findall(text)) / (chars + 1)
        f["price"] = float(bool(_PRICE.search(text)))
        f["log_depth"] = math.log1p(block.depth)
        f["position"] = i / n
        for bit, name in enumerate(_IN_NAMES):
            f[f"in_{name}"] = float(bool(block.flags & (1 << bit)))
        for bit, (name, _) in enumerate(CLASS_FLAGS):
            f[f"class_{name}"] = float(bool(block.flags & (1 << (N_TAG_FLAGS + bit))))
        f["log_repeat"] = math.log1p(signature_counts[block.signature] - 1)
        kept = kept_flags[i]
        f["kept"] = kept
        f["kept_prev"] = kept_flags[i - 1] if i else 0.0
        f["kept_next"] = kept_flags[i + 1] if i + 1 < n else 0.0
        window = kept_flags[max(0, i - 3) : i + 4]
        f["kept_window"] = sum(window) / len(window)
        f["page_kept_share"] = page_share
        f["page_log_tokens"] = math.log1p(page_tokens)
        f["kept_x_log_tokens"] = kept * f["log_tokens"]
        f["kept_x_page_share"] = kept * page_share
        f["page_log_kept_tokens"] = log_extracted
        f.update(type_features)
        # the page type changes how far trafilatura's choice and each signal can be trusted
        for name, p in type_features.items():
            f[f"kept_x_{name}"] = kept * p
            f[f"link_x_{name}"] = f["link_share"] * p
            f[f"tokens_x_{name}"] = f["log_tokens"] * p
            f[f"repeat_x_{name}"] = f["log_repeat"] * p


def _container(blocks: list[PageBlock], kept_flags: list[float]) -> HtmlElement | None:
    """The element holding the most words trafilatura kept as direct child blocks: the
    article's own container, whose direct children are its paragraphs."""
    words: dict[HtmlElement, float] = {}
    for block, kept in zip(blocks, kept_flags, strict=True):
        if kept >= 0.5 and block.element is not None:
            parent = block.element.getparent()
            if parent is not None:
                words[parent] = words.get(parent, 0.0) + block.features["n_tokens"]
    return max(words, key=words.__getitem__) if words else None


def _places(blocks: list[PageBlock], container: HtmlElement | None) -> list[int]:
    """Each block's levels below `container`: 1 a direct child, more in a nested box, 0 the
    container itself, -1 outside it (every block when there is no container)."""
    if container is None:
        return [-1] * len(blocks)
    levels: dict[HtmlElement, int] = {}  # element -> levels below the container, -1 outside

    def below(element: HtmlElement | None) -> int:
        chain = []
        node = element
        found = -1
        while node is not None:
            if node is container:
                found = 0
                break
            known = levels.get(node)
            if known is not None:
                found = known
                break
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            found = found + 1 if found >= 0 else -1
            levels[node] = found
        return found

    return [below(block.element) for block in blocks]


def context_features(blocks: list[PageBlock], declared_article: bool) -> None:
    """Add where each block sits to its `features` (after `block_features`): a direct child of
    the article's container (`_container`), inside it in a nested box (`box_levels`: how many
    elements deeper), or outside it; the same for its neighbours; and the page's declaration."""
    kept_flags = [block.features["kept"] for block in blocks]
    places = _places(blocks, _container(blocks, kept_flags))
    n = len(blocks)
    for i, block in enumerate(blocks):
        f = block.features
        place = places[i]
        f["declared_article"] = float(declared_article)
        f["child_of_container"] = float(place == 1)
        f["in_box"] = float(place > 1)
        f["box_levels"] = math.log1p(max(0, place - 1))
        f["outside_container"] = float(place < 0)
        f["box_x_kept"] = f["in_box"] * f["kept"]
        f["child_x_kept"] = f["child_of_container"] * f["kept"]
        f["prev_child"] = float(i > 0 and places[i - 1] == 1)
        f["next_child"] = float(i + 1 < n and places[i + 1] == 1)


@cache
def _model() -> dict[str, Any]:
    """The shipped model, read on first use (never at import: cold starts do not pay for it),
    with its linear function folded onto raw features once."""
    loaded: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    loaded["_folded"] = _folded(loaded)
    loaded["_weights"] = _weights(loaded)
    loaded["_text_means"] = _text_means(loaded)
    return loaded


def score_block(features: dict[str, float], model: dict[str, Any]) -> float:
    """Probability that the block is main content: the logistic regression of the JSON
    (`features`, `mean`, `scale`, `coef`, `intercept`) on the block's features."""
    return _score_fast(features, *_folded(model))


def _folded(model: dict[str, Any]) -> tuple[float, list[tuple[str, float]]]:
    """The same linear function on raw features: weights w / sd, intercept b - sum(w mu / sd)."""
    pairs = [
        (name, w / sd)
        for name, sd, w in zip(model["features"], model["scale"], model["coef"], strict=True)
    ]
    bias = model["intercept"] - sum(
        w * mu / sd for mu, sd, w in zip(model["mean"], model["scale"], model["coef"], strict=True)
    )
    return bias, pairs


def _score_fast(features: dict[str, float], bias: float, pairs: list[tuple[str, float]]) -> float:
    z = bias
    get = features.get
    for name, w in pairs:
        z += w * get(name, 0.0)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def text_features(blocks: list[PageBlock], model: TextModel | None = None) -> None:
    """Add what each block's words say (`text_model`), and its neighbours', to its `features`
    (after `block_features`): the text model's log-odds for the block, the blocks before and
    after it, the five around it, and for a block trafilatura kept."""
    model = model or shipped_text_model()
    logits = [model.logit(words_of(block.text)) for block in blocks]
    n = len(blocks)
    for i, block in enumerate(blocks):
        f = block.features
        z = logits[i]
        window = logits[max(0, i - 2) : i + 3]
        f["text_logit"] = z
        f["text_prev"] = logits[i - 1] if i else 0.0
        f["text_next"] = logits[i + 1] if i + 1 < n else 0.0
        f["text_x_kept"] = z * f["kept"]
        f["text_window"] = sum(window) / len(window)


def add_threshold(
    model: dict[str, Any], type_probabilities: dict[str, float], declared_article: bool
) -> float:
    """The score from which a block trafilatura left out is added: the article threshold and
    the other pages' mixed by how sure the page is an article (1 when it declares one), so a
    wrong type guess moves the bar a little instead of switching models."""
    article = 1.0 if declared_article else type_probabilities.get("article", 0.0)
    return float(article * model["t_add_article"] + (1.0 - article) * model["t_add_other"])


def decide(
    blocks: list[PageBlock],
    extracted: str,
    type_probabilities: dict[str, float],
    declared_article: bool,
    model: dict[str, Any] | None = None,
    text: TextModel | None = None,
) -> list[PageBlock]:
    """Score every block and set `keep`: a block trafilatura kept stays unless its score is
    under the model's `t_remove`; one it left out is added when its score reaches
    `add_threshold`. Between the two, trafilatura's choice stands.

    The scores are `score_block` over the features training reads (`block_features`,
    `context_features`, `text_features`), computed without building each block's feature
    mapping: what is constant on the page is folded into the intercept and a few coefficients
    (`features` holds `n_tokens` and `kept`). `by_text` is set on a block whose fate the model
    changed and would not have with its text features at their mean. When no block can reach
    the add threshold (over 1), blocks trafilatura left out keep score 0 unscored."""
    model = model or _model()
    text = text or shipped_text_model()
    bias, weights = model.get("_weights") or _weights(model)
    t_remove = model["t_remove"]
    t_add = add_threshold(model, type_probabilities, declared_article)
    kept_text = f" {token_string(extracted)} "
    # a run of words is in the kept text only if its first word is: most others skip the search
    kept_words = frozenset(kept_text.split())
    n = len(blocks)
    signature_counts = Counter(block.signature for block in blocks)
    kept_flags = []
    block_words = []
    page_tokens = 0
    for block in blocks:
        words = words_of(block.text)
        page_tokens += len(words)
        if words and words[0] not in kept_words and (len(words) < 8 or words[-6] not in kept_words):
            kept = 0.0  # none of the searches below can find it
        else:
            kept = _kept(words, kept_text)
        kept_flags.append(kept)
        block_words.append(words)
        block.features = {"n_tokens": float(len(words)), "kept": kept}
    # When no score can reach the add threshold (an article's), only trafilatura's blocks can
    # change: the others are not scored, and only the text those need is read.
    scored = [True] * n if t_add <= 1.0 else [k >= 0.5 for k in kept_flags]
    logits = [
        text.logit(block_words[i]) if any(scored[max(0, i - 2) : i + 3]) else 0.0 for i in range(n)
    ]
    places = _places(blocks, _container(blocks, kept_flags))
    # everything constant on the page folded into the intercept and a few coefficients
    extracted_tokens = kept_text.count(" ") - 1
    page_share = min(1.0, extracted_tokens / page_tokens) if page_tokens else 0.0
    w = weights.get
    page_bias = (
        bias
        + w("page_kept_share", 0.0) * page_share
        + w("page_log_tokens", 0.0) * math.log1p(page_tokens)
        + w("page_log_kept_tokens", 0.0) * math.log1p(extracted_tokens)
        + w("declared_article", 0.0) * declared_article
    )
    w_kept = w("kept", 0.0) + w("kept_x_page_share", 0.0) * page_share
    w_link, w_tokens, w_repeat = w("link_share", 0.0), w("log_tokens", 0.0), w("log_repeat", 0.0)
    for name, p in type_probabilities.items():
        page_bias += w(f"type_{name}", 0.0) * p
        w_kept += w(f"kept_x_type_{name}", 0.0) * p
        w_link += w(f"link_x_type_{name}", 0.0) * p
        w_tokens += w(f"tokens_x_type_{name}", 0.0) * p
        w_repeat += w(f"repeat_x_type_{name}", 0.0) * p
    w_tag = {group: w(f"tag_{group}", 0.0) for group in _TAG_NAMES}
    flag_weights = [w(f"in_{name}", 0.0) for name in _IN_NAMES] + [
        w(f"class_{name}", 0.0) for name, _ in CLASS_FLAGS
    ]
    w_n_tokens, w_short, w_punct = w("n_tokens", 0.0), w("short", 0.0), w("punct", 0.0)
    w_sentence, w_digits, w_price = w("sentence_end", 0.0), w("digit_share", 0.0), w("price", 0.0)
    w_depth, w_position = w("log_depth", 0.0), w("position", 0.0)
    w_prev, w_next, w_window = w("kept_prev", 0.0), w("kept_next", 0.0), w("kept_window", 0.0)
    w_kept_tokens = w("kept_x_log_tokens", 0.0)
    w_child, w_box, w_levels = w("child_of_container", 0.0), w("in_box", 0.0), w("box_levels", 0.0)
    w_outside, w_box_kept = w("outside_container", 0.0), w("box_x_kept", 0.0)
    w_child_kept, w_prev_child = w("child_x_kept", 0.0), w("prev_child", 0.0)
    w_next_child = w("next_child", 0.0)
    w_text, w_text_prev, w_text_next = (
        w("text_logit", 0.0),
        w("text_prev", 0.0),
        w("text_next", 0.0),
    )
    w_text_kept, w_text_window = w("text_x_kept", 0.0), w("text_window", 0.0)
    text_means = model["_text_means"] if "_text_means" in model else _text_means(model)
    flag_sums: dict[int, float] = {}
    for i, block in enumerate(blocks):
        if not scored[i]:
            block.score, block.keep = 0.0, False
            continue
        text_of = block.text
        n_tokens = block.features["n_tokens"]
        chars = len(text_of)
        log_tokens = math.log1p(n_tokens)
        digits = len(_DIGIT.findall(text_of))
        flag_sum = flag_sums.get(block.flags)
        if flag_sum is None:
            flag_sum = sum(wf for bit, wf in enumerate(flag_weights) if block.flags & (1 << bit))
            flag_sums[block.flags] = flag_sum
        kept = kept_flags[i]
        window = kept_flags[max(0, i - 3) : i + 4]
        place = places[i]
        logit = logits[i]
        around = logits[max(0, i - 2) : i + 3]
        said = (
            w_text * logit
            + w_text_prev * (logits[i - 1] if i else 0.0)
            + w_text_next * (logits[i + 1] if i + 1 < n else 0.0)
            + w_text_kept * (logit * kept)
            + w_text_window * (sum(around) / len(around))
        )
        z = (
            page_bias
            + w_tag[TAG_GROUPS.get(block.tag, "div")]
            + w_n_tokens * min(n_tokens, MAX_TOKENS)
            + w_tokens * log_tokens
            + w_short * (n_tokens <= 3)
            + w_link * (min(1.0, block.link_chars / chars) if chars else 0.0)
            + w_punct * (sum(map(text_of.count, _PUNCT_CHARS)) / (n_tokens + 1))
            + w_sentence * text_of.rstrip().endswith(_SENTENCE_ENDS)
            + w_digits * (digits / (chars + 1))
            + w_price * (digits > 0 and _PRICE.search(text_of) is not None)
            + w_depth * math.log1p(block.depth)
            + w_position * (i / n)
            + flag_sum
            + w_repeat * math.log1p(signature_counts[block.signature] - 1)
            + w_kept * kept
            + w_prev * (kept_flags[i - 1] if i else 0.0)
            + w_next * (kept_flags[i + 1] if i + 1 < n else 0.0)
            + w_window * (sum(window) / len(window))
            + w_kept_tokens * (kept * log_tokens)
            + w_child * (place == 1)
            + w_box * (place > 1)
            + w_levels * math.log1p(max(0, place - 1))
            + w_outside * (place < 0)
            + w_box_kept * ((place > 1) * kept)
            + w_child_kept * ((place == 1) * kept)
            + w_prev_child * (i > 0 and places[i - 1] == 1)
            + w_next_child * (i + 1 < n and places[i + 1] == 1)
            + said
        )
        block.score = _sigmoid(z)
        was_kept = kept >= 0.5
        block.keep = block.score >= t_remove if was_kept else block.score >= t_add
        if block.keep != was_kept:
            # its words decided when, with the text features at their mean, it would have
            # stayed as trafilatura had it
            plain = _sigmoid(z - said + text_means)
            block.by_text = (plain >= t_remove) if was_kept else (plain < t_add)
    return blocks


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _text_means(model: dict[str, Any]) -> float:
    """The text features' share of the linear function at their means: sum(w / sd * mean)."""
    return sum(
        float(w) / float(sd) * float(mu)
        for name, mu, sd, w in zip(
            model["features"], model["mean"], model["scale"], model["coef"], strict=True
        )
        if name.startswith("text_")
    )


def _weights(model: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """The folded linear function (`_folded`) as name -> weight."""
    bias, pairs = _folded(model)
    weights: dict[str, float] = {}
    for name, w in pairs:
        weights[name] = weights.get(name, 0.0) + w
    return bias, weights


class Outcome(StrEnum):
    """What `refine` did with a page (`document.ContentModelReport` says what each means)."""

    APPLIED = "applied"  # trafilatura's content with blocks the model added (and removed)
    FILTERED = "filtered"  # trafilatura's content without the blocks the model removed
    UNCHANGED = "unchanged"  # every block scored, none sure enough to overrule trafilatura
    # older outcomes, still valid in documents written before one decision for every page
    DECLARED_ARTICLE = "declared_article"
    RULE_OFF = "rule_off"
    LOW_CONFIDENCE = "low_confidence"
    TOO_FEW_TOKENS = "too_few_tokens"


@dataclass(frozen=True)
class Refined:
    """What `refine` decided for one page."""

    page_type: str  # "article" for a page that declares one, else the classifier's label
    type_probabilities: dict[str, float]  # the classifier's (empty when not classified)
    outcome: Outcome
    blocks: list[PageBlock] | None = None  # every block with its score (None when not scored)
    declared: bool = False  # the page declares an article (its type is not the classifier's)

    @property
    def changed(self) -> bool:
        """The model changed trafilatura's content (added or removed blocks)."""
        return self.outcome in (Outcome.APPLIED, Outcome.FILTERED)

    @property
    def confidence(self) -> float | None:
        """The classifier's probability of its label; None when the page declares its type."""
        if self.declared or not self.type_probabilities:
            return None
        return max(self.type_probabilities.values())

    @property
    def kept_blocks(self) -> list[PageBlock]:
        return [block for block in self.blocks or () if block.keep]

    @property
    def removed_blocks(self) -> list[PageBlock]:
        """Blocks trafilatura kept that the model removes."""
        return [b for b in self.blocks or () if not b.keep and b.features["kept"] >= 0.5]

    @property
    def added_blocks(self) -> list[PageBlock]:
        """Blocks trafilatura left out that the model adds."""
        return [b for b in self.blocks or () if b.keep and b.features["kept"] < 0.5]

    @property
    def added(self) -> int:
        """Blocks the model keeps that trafilatura dropped."""
        return len(self.added_blocks)

    @property
    def removed(self) -> int:
        """Blocks trafilatura kept that the model drops."""
        return len(self.removed_blocks)


def refine(
    tree: HtmlElement,
    url: str | None,
    extracted: str,
    model: dict[str, Any] | None = None,
    type_model: dict[str, Any] | None = None,
    text: TextModel | None = None,
) -> Refined:
    """One decision for every page: classify it (its declaration and the classifier's type
    probabilities are features, never a gate), score each of its blocks (`decide`), and say
    what becomes of trafilatura's content (`extracted`): unchanged when the model is sure of
    no block, filtered when it only removes blocks, applied when it adds some (the caller
    revises trafilatura's blocks: `kept_blocks.revised`). `tree`: the page as parsed before
    trafilatura (which works on a copy), `url` or None."""
    from article_extractor.pipeline.model.page_type import article_declaration, classify_page

    model = model or _model()
    declared, schema = article_declaration(tree, url)
    if declared:  # its own word: an article for sure, and no classifier to run
        label, probabilities = "article", dict(DECLARED_TYPES)
    else:
        page = classify_page(tree, url, type_model, schema)
        label, probabilities = page.label, page.probabilities
    blocks = page_blocks(tree)
    if not blocks:
        return Refined(label, probabilities, Outcome.UNCHANGED, blocks, declared)
    decide(blocks, extracted, probabilities, declared, model, text)
    if not any(b.keep for b in blocks):
        # the model never empties a page trafilatura found content on: unsure of it all
        for block in blocks:
            block.keep, block.by_text = block.features["kept"] >= 0.5, False
    added = any(b.keep and b.features["kept"] < 0.5 for b in blocks)
    removed = any(not b.keep and b.features["kept"] >= 0.5 for b in blocks)
    outcome = Outcome.APPLIED if added else Outcome.FILTERED if removed else Outcome.UNCHANGED
    return Refined(label, probabilities, outcome, blocks, declared)
