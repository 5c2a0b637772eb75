"""Recall: recover the article's lede (standfirst, deck, intro) when extraction left it out.

Pages often put the lede in a header or teaser block outside the container that holds the body,
and main-content extraction then starts at the second paragraph. The page's own description
(meta description / og:description) is usually that lede, possibly shortened: when it is visible
on the page and missing from the text, the visible element's full text goes in after the title.

The same element is the page's standfirst (`document.standfirst`); when the text already
opens with it, `opening_standfirst` finds it among the first blocks.

Example::

    blocks = insert_lede(blocks, find_lede(tree, description, to_text(blocks)), title)
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, text_start
from article_extractor.pipeline.metadata.title_author import says_title

MIN_DESCRIPTION_WORDS = 8  # shorter descriptions are slogans or site blurbs, not ledes
_PROBE_CHARS = 60  # compare on the description's start: it is often truncated with "..."
_ANCHOR_CHARS = 24
_REPEATED_SHARE = 0.3  # a lede may quote a line of the body, not be made of them
_TEXT_HOLDING = XPath("//*[text()[contains(., $word)]]")
_STANDFIRST_SLACK_WORDS = 5  # the description may drop a closing clause, not a paragraph
_OPENING_BLOCKS = 3  # a standfirst opens the text: after the title, before the body
_STANDFIRST_KINDS = (BlockKind.PARAGRAPH, BlockKind.HEADING)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "title", "meta", "head"})


def _normalize(text: str | None) -> str:
    return " ".join((text or "").split())


def _probe(description: str) -> str:
    """The description's start, without the ellipsis of a shortened one."""
    return description[:_PROBE_CHARS].rstrip().rstrip(".…").rstrip()


def find_lede(tree: HtmlElement, description: str | None, text: str) -> str | None:
    """The visible element whose text is the page description, if `text` lacks it."""
    description = _normalize(description)
    words = len(description.split())
    if words < MIN_DESCRIPTION_WORDS:
        return None
    probe = _probe(description)
    if not probe or probe in _normalize(text):
        return None
    anchor = probe[:_ANCHOR_CHARS]
    for element in _elements_whose_text_may_hold(tree, anchor):
        if element.tag in _SKIPPED_TAGS:
            continue
        if anchor not in _normalize(element.text):
            continue
        if any(parent.tag in _SKIPPED_TAGS for parent in element.iterancestors()):
            continue
        lede = _normalize(element.text_content())
        # The element must hold the description, and not much else (not a whole teaser list).
        if probe in lede and len(lede.split()) <= 3 * words + 20:
            return None if _repeats_the_text(lede, text) else lede
    return None


def opening_standfirst(blocks: list[Block], description: str | None) -> str | None:
    """The block among the text's first ones that is the page description: the standfirst the
    body opens with. Not a long paragraph that merely starts like it (descriptions made by
    cutting the first paragraph short), nor a match deeper in the body."""
    description = _normalize(description)
    words = len(description.split())
    if words < MIN_DESCRIPTION_WORDS:
        return None
    probe = _probe(description)
    start = text_start(blocks)
    for block in blocks[start : start + _OPENING_BLOCKS]:
        if block.kind not in _STANDFIRST_KINDS:
            continue
        text = _normalize(block.text)
        if text.startswith(probe) and len(text.split()) <= words + _STANDFIRST_SLACK_WORDS:
            return text
    return None


def _elements_whose_text_may_hold(tree: HtmlElement, anchor: str) -> list[HtmlElement]:
    """In document order, the elements with a text node of their own holding the anchor's
    longest word (found by libxml2: walking every element in Python cost most of the search)."""
    found = _TEXT_HOLDING(tree, word=max(anchor.split(), key=len))
    if not isinstance(found, list):
        return []
    return [element for element in found if isinstance(element, HtmlElement)]


def _repeats_the_text(lede: str, text: str) -> bool:
    """True when a fair part of `lede` is lines the text already has: the element is the body
    itself (some pages make the whole article their description), not a lede left outside it."""
    covered = sum(
        len(line) for line in map(_normalize, text.splitlines()) if len(line) >= 40 and line in lede
    )
    return covered > _REPEATED_SHARE * len(lede)


def insert_lede(
    blocks: list[Block],
    lede: str | None,
    title: str | None,
    site: tuple[str | None, str | None] = (None, None),
) -> list[Block]:
    """Put the lede first as a paragraph (after a lead figure), or right after a first block
    that repeats the title (perhaps followed by the site's name: `site` is the site's name and
    host)."""
    if not lede:
        return blocks
    position = text_start(blocks)
    opening = blocks[position] if position < len(blocks) else None
    if opening and title and opening.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH):
        position += 1 if says_title(opening.text, title, *site) else 0
    return [*blocks[:position], Block(BlockKind.PARAGRAPH, text=lede), *blocks[position:]]
