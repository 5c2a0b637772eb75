"""Figures of the main content: trafilatura leaves images out of its text (keeping them changes
what it extracts, for the worse on the benchmarks), so the page's `<figure>` elements are put
back as figure blocks, each after the extracted block that precedes it on the page. A figure
before the first extracted block is the article's lead figure when the article opens right
after it: only a few headings or short lines (title, byline, date) between them, none of them a
list item, and the figure no icon. Any other figure with no extracted block before it (a header
image, a sidebar, a gallery elsewhere) stays out, as does one far past the last block (related
stories) and every figure in the page around the article (a `<nav>` or `<footer>`, a `<header>`
or `<aside>` outside the article's `<article>` or `<main>`). A figure's picture is its real
source (`images.first_shown_image`), made absolute: a figure whose images have no http(s)
source keeps only its caption.

Example::

    blocks = with_figures(tree, blocks, base_url="https://example.com/news/1")
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import takewhile

from lxml.html import HtmlElement

from article_extractor.pipeline.blocks.images import IMAGE_TAGS, first_shown_image
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from article_extractor.pipeline.read.parsing import document_elements

_ANCHOR_KINDS = (BlockKind.PARAGRAPH, BlockKind.HEADING)
_MAX_FIGURES = 50  # galleries beyond this are not the article's figures
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
_LOOK_BACK = 200  # elements looked at before a figure for its anchor
# A figure this many text elements past the article's last block is after its end: related
# stories, recommendations, the site's partners.
_PAST_THE_END = 10
# Between a lead figure and the article's first block: the title, a standfirst, a byline, a date.
_LEAD_LOOK_AHEAD = 6
_LEAD_LINE_WORDS = 40  # longer text between them is content the extraction left out
# Containers of the page around the article (a figure in one is none of the article's): a nav or
# footer below the article's own container too, a header or aside only outside any.
_NAVIGATION = ("nav", "footer")
_PAGE_FURNITURE = ("header", "aside")
_CONTENT = ("article", "main")
# A lead figure is a picture, not an icon: declared no larger than this (pixels) it is a logo,
# an avatar or a button, as is one inside a link or marked as a logo.
_ICON_PIXELS = 100
_LOGO = "logo"
_ICON_LEVELS = 3  # the figure's containers looked at for a link or a logo's name
_LEAD = -1  # the place of a lead figure: before the first block


def _normalized(text: str | None) -> str:
    return " ".join((text or "").split())


def with_figures(tree: HtmlElement, blocks: list[Block], base_url: str | None) -> list[Block]:
    """`blocks` with a figure block after the block that precedes each page figure, and the
    lead figure, if any, before the first block."""
    figures = _page_figures(tree)
    if not figures or not blocks:
        return blocks
    anchors = {
        _normalized(block.text): index
        for index, block in enumerate(blocks)
        if block.kind in _ANCHOR_KINDS and block.text
    }
    last = max(anchors.values(), default=None)
    after: dict[int, list[Block]] = {}
    for figure in figures[:_MAX_FIGURES]:
        if _in_page_furniture(figure):
            continue
        index, distance = _preceding_block(figure, anchors)
        if index is not None and index == last and distance > _PAST_THE_END:
            continue
        lead = index is None and not after and _opens_the_article(figure, anchors)
        shown = first_shown_image(figure, base_url)
        if lead and shown and not _looks_like_an_icon(figure, shown[0]):
            index = _LEAD
        block = _figure_block(figure, shown)
        if index is not None and block is not None:
            after.setdefault(index, []).append(block)
    if not after:
        return blocks
    result: list[Block] = list(after.get(_LEAD, ()))
    for index, block in enumerate(blocks):
        result.append(block)
        result.extend(after.get(index, ()))
    return result


def _page_figures(tree: HtmlElement) -> list[HtmlElement]:
    """The page's figures that hold an image, in document order."""
    return [
        f for f in document_elements(tree, "figure") if next(f.iter(*IMAGE_TAGS), None) is not None
    ]


def figure_placements(
    tree: HtmlElement, blocks: Sequence[Block], base_url: str | None
) -> dict[HtmlElement, bool]:
    """Each page figure with an image, and whether `blocks` (which `with_figures` made) hold
    it: for the decisions a review shows, never on the extraction's own path."""
    placed = {block for block in blocks if block.kind is BlockKind.FIGURE}
    return {
        figure: _figure_block(figure, first_shown_image(figure, base_url)) in placed
        for figure in _page_figures(tree)
    }


def _preceding_block(figure: HtmlElement, anchors: dict[str, int]) -> tuple[int | None, int]:
    """The index of the extracted block whose text is that of the nearest paragraph, heading or
    list item before the figure on the page (looking back a bounded number of elements), and
    how many other such elements lie between them."""
    looked = 0
    for element in (figure, *figure.iterancestors()):
        for sibling in element.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            candidates = [*sibling.iterdescendants(*_TEXT_TAGS)]
            if sibling.tag in _TEXT_TAGS:
                candidates.insert(0, sibling)
            for candidate in reversed(candidates):
                index = anchors.get(_normalized(candidate.text_content()))
                if index is not None:
                    return index, looked
                looked += 1
                if looked > _LOOK_BACK:
                    return None, looked
    return None, looked


def _opens_the_article(figure: HtmlElement, anchors: dict[str, int]) -> bool:
    """Whether the first text the page shows after `figure` that was extracted is the first
    block, with no more than a title, a standfirst and a byline's few short lines between
    them."""
    looked = 0
    for element in (figure, *figure.iterancestors()):
        for sibling in element.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            for candidate in sibling.iter(*_TEXT_TAGS):  # itself first, then within, lazily
                text = _normalized(candidate.text_content())
                if not text:
                    continue
                index = anchors.get(text)
                if index is not None:
                    return index == 0
                looked += 1
                too_long = len(text.split()) > _LEAD_LINE_WORDS
                if candidate.tag == "li" or too_long or looked > _LEAD_LOOK_AHEAD:
                    return False
    return False


def _in_page_furniture(figure: HtmlElement) -> bool:
    """In a nav or footer, or in a header or aside that no `<article>` or `<main>` holds: the
    site's, around the article (the article's own header or aside holds its figures)."""
    for ancestor in figure.iterancestors():
        if ancestor.tag in _CONTENT:
            return False
        if ancestor.tag in _NAVIGATION:
            return True
        if ancestor.tag in _PAGE_FURNITURE:
            return next(ancestor.iterancestors(*_CONTENT), None) is None
    return False


def _looks_like_an_icon(figure: HtmlElement, image: HtmlElement) -> bool:
    """Declared small, named a logo (by the class or id of the image, the figure or what is
    between them), or inside a link (a logo linking home, a teaser card) or an element named a
    logo a few levels above the figure, never past the article's container."""
    sizes = [image.get(dimension, "") for dimension in ("width", "height")]
    if all(size.isdigit() for size in sizes) and max(map(int, sizes)) <= _ICON_PIXELS:
        return True
    inside = [image, *takewhile(lambda element: element is not figure, image.iterancestors())]
    if any(_named_a_logo(element) for element in (*inside, figure)):
        return True
    for level, ancestor in enumerate(figure.iterancestors()):
        if level >= _ICON_LEVELS or ancestor.tag in _CONTENT:
            break
        if ancestor.tag == "a" or _named_a_logo(ancestor):
            return True
    return False


def _named_a_logo(element: HtmlElement) -> bool:
    return _LOGO in f"{element.get('class') or ''} {element.get('id') or ''}".lower()


def _figure_block(figure: HtmlElement, shown: tuple[HtmlElement, str] | None) -> Block | None:
    image, src = shown if shown else (next(figure.iter(*IMAGE_TAGS)), None)
    caption_element = figure.find(".//figcaption")
    caption = _normalized(caption_element.text_content()) if caption_element is not None else ""
    alt = _normalized(image.get("alt")) or None
    if not src and not caption:
        return None
    return Block(BlockKind.FIGURE, text=caption, src=src, alt=alt)
