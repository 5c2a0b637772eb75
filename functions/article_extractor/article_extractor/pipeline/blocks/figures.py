"""Figures of the main content: trafilatura leaves images out of its text (keeping them changes
what it extracts, for the worse on the benchmarks), so the page's `<figure>` elements are put
back as figure blocks, each after the extracted block that precedes it on the page. A figure
with no extracted block before it (a header image, a sidebar, a gallery elsewhere) stays out.

Example::

    blocks = with_figures(tree, blocks, base_url="https://example.com/news/1")
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from article_extractor.pipeline.read.parsing import document_elements
from article_extractor.urls import absolute_web_url

_ANCHOR_KINDS = (BlockKind.PARAGRAPH, BlockKind.HEADING)
_MAX_FIGURES = 50  # galleries beyond this are not the article's figures
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
_LOOK_BACK = 200  # elements looked at before a figure for its anchor


def _normalized(text: str | None) -> str:
    return " ".join((text or "").split())


def with_figures(tree: HtmlElement, blocks: list[Block], base_url: str | None) -> list[Block]:
    """`blocks` with a figure block after the block that precedes each page figure."""
    figures = _page_figures(tree)
    if not figures or not blocks:
        return blocks
    anchors = {
        _normalized(block.text): index
        for index, block in enumerate(blocks)
        if block.kind in _ANCHOR_KINDS and block.text
    }
    after: dict[int, list[Block]] = {}
    for figure in figures[:_MAX_FIGURES]:
        index = _preceding_block(figure, anchors)
        block = _figure_block(figure, base_url)
        if index is not None and block is not None:
            after.setdefault(index, []).append(block)
    if not after:
        return blocks
    result: list[Block] = []
    for index, block in enumerate(blocks):
        result.append(block)
        result.extend(after.get(index, ()))
    return result


def _page_figures(tree: HtmlElement) -> list[HtmlElement]:
    """The page's figures that hold an image, in document order."""
    return [f for f in document_elements(tree, "figure") if f.find(".//img") is not None]


def figure_placements(
    tree: HtmlElement, blocks: Sequence[Block], base_url: str | None
) -> dict[HtmlElement, bool]:
    """Each page figure with an image, and whether `blocks` (which `with_figures` made) hold
    it: for the decisions a review shows, never on the extraction's own path."""
    placed = {block for block in blocks if block.kind is BlockKind.FIGURE}
    return {figure: _figure_block(figure, base_url) in placed for figure in _page_figures(tree)}


def _preceding_block(figure: HtmlElement, anchors: dict[str, int]) -> int | None:
    """The index of the extracted block whose text is that of the nearest paragraph, heading or
    list item before the figure on the page (looking back a bounded number of elements)."""
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
                    return index
                looked += 1
                if looked > _LOOK_BACK:
                    return None
    return None


def _figure_block(figure: HtmlElement, base_url: str | None) -> Block | None:
    image = figure.find(".//img")
    if image is None:
        return None
    source = image.get("src") or image.get("data-src") or ""
    src = absolute_web_url(source, base=base_url) or (source if source else None)
    caption_element = figure.find(".//figcaption")
    caption = _normalized(caption_element.text_content()) if caption_element is not None else ""
    alt = _normalized(image.get("alt")) or None
    if not src and not caption:
        return None
    return Block(BlockKind.FIGURE, text=caption, src=src, alt=alt)
