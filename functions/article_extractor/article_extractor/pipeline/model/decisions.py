"""What became of each block of the page, and who decided it (`extraction.decisions`).

The backbone is the page's own text blocks in reading order (`content_model.page_blocks`, the
blocks the block model scores). Each block's lines are lined up with the lines of the content
before cleaning (`ExtractedArticle.blocks`): a page line found there was kept by the step that
put it there (trafilatura, the block model, the lede recovery, the figure placement), unless a
cleaning rule or the title check then removed it (`CleanedBlocks.removals`); a page line not
found there was left out by trafilatura, or by the block model when its blocks are the content,
or by the figure placement for the caption of a figure it did not place. A block partly kept
gives an entry per run of lines with the same fate. Content lines found on no page block (a
figure without a caption, a lede the page does not show as a block of its own) are entries of
their own, after the block that precedes them.

Only computed when asked (`ProcessingOptions.explain`): nothing here runs otherwise.

Example::

    cleaned = clean_blocks(article.blocks, title=article.title, explain=True)
    decisions = page_decisions(article.blocks, article.explained, cleaned.removals)
    [(d.decision, d.by) for d in decisions]  # [("removed", "trafilatura"), ("kept", ...), ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from lxml.html import HtmlElement

from article_extractor.document import (
    DECIDED_BY_CONTENT_MODEL,
    DECIDED_BY_FIGURES,
    DECIDED_BY_LEDE,
    DECIDED_BY_TEXT_MODEL,
    DECIDED_BY_TITLE,
    DECIDED_BY_TRAFILATURA,
    KEPT,
    REMOVED,
    Decision,
)
from article_extractor.pipeline.blocks.clean import normalize_whitespace
from article_extractor.pipeline.blocks.figures import figure_placements
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from article_extractor.pipeline.metadata.title_author import says_title
from article_extractor.pipeline.model.content_model import PageBlock, Refined, page_blocks

_SCORE_DIGITS = 4
# A page line holds a content line trafilatura shortened (left a link out) when the content line
# has at least this many characters (a shorter one could be any label's).
_MIN_CONTAINED_CHARS = 20
# Page lines looked at for one content line that no page line equals: a joined line's parts are
# neighbours on the page, and a bound keeps a page whose text lines up with nothing linear.
_LOOK_AHEAD_LINES = 200
_KIND_OF_TAG = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), BlockKind.HEADING),
    **dict.fromkeys(("li", "dt", "dd"), BlockKind.LIST),
    **dict.fromkeys(("td", "th", "caption"), BlockKind.TABLE),
    "pre": BlockKind.CODE,
    "blockquote": BlockKind.QUOTE,
    "figcaption": BlockKind.FIGURE,
}


@dataclass(frozen=True)
class PageEvidence:
    """What the extraction knew about the page, kept for `page_decisions` when asked.

    `refined`: the content model's decision (None when it is off); `lede`: the lede put back
    into the content (None when none was); `title`: the document's title, `site` the site's
    name and host; `sources`: where each metadata field came from
    (`extraction.metadata_sources`)."""

    tree: HtmlElement
    url: str | None
    refined: Refined | None
    lede: str | None
    title: str | None
    site: tuple[str | None, str | None] = (None, None)
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class _ContentLine:
    """One line of the content before cleaning, and what became of it."""

    text: str
    kind: str
    by: str  # the step that put it into the content
    removed_by: str | None = None  # rule:<name> or title, when cleaning removed it
    page_line: int | None = None  # the page line it is, once lined up


@dataclass
class _PageLine:
    text: str
    block: int  # index of its page block
    content_line: int | None = None


def page_decisions(
    content: Sequence[Block], evidence: PageEvidence, removals: Iterable[tuple[str, str]]
) -> tuple[Decision, ...]:
    """Every block of the page in reading order with what became of it (see the module doc):
    `content` the blocks before cleaning, `removals` what cleaning removed, in order."""
    refined = evidence.refined
    lines = list(_content_lines(content, evidence.lede))
    _mark_removals(lines, removals)
    blocks = refined.blocks if refined is not None and refined.blocks is not None else None
    if blocks is None:
        blocks = page_blocks(evidence.tree)
    page = [
        _PageLine(text, index)
        for index, block in enumerate(blocks)
        for text in normalize_whitespace(block.shown).split("\n")
        if text
    ]
    _line_up(page, lines)
    figures = _figure_of_blocks(blocks, content, evidence)
    # blocks the model took out of trafilatura's content or put in (which otherwise stands)
    changed = (
        {id(b) for b in (*refined.removed_blocks, *refined.added_blocks)} if refined else set()
    )
    entries: list[list[Decision]] = [[] for _ in range(len(blocks) + 1)]  # [0]: before all
    by_block: list[list[_PageLine]] = [[] for _ in blocks]
    for page_line in page:
        by_block[page_line.block].append(page_line)
    for index, (block, own) in enumerate(zip(blocks, by_block, strict=True)):
        decided = (
            _page_line_decision(block, line, lines, figures, id(block) in changed) for line in own
        )
        entries[index + 1].extend(_runs(decided))
    anchor = 0
    for line in lines:
        if line.page_line is not None:
            anchor = page[line.page_line].block + 1
            continue
        # a content line no page block holds: after the block of the line before it
        entries[anchor].append(_content_decision(line, line.text))
    _title_headings(entries, evidence.title, evidence.site)
    return tuple(decision for group in entries for decision in group)


def _content_lines(blocks: Sequence[Block], lede: str | None) -> Iterator[_ContentLine]:
    """The lines of the content as cleaning judges them, each with the step that put it there."""
    lede_text = " ".join(lede.split()) if lede else None
    for block in blocks:
        by = DECIDED_BY_TRAFILATURA
        if block.kind is BlockKind.FIGURE:
            by = DECIDED_BY_FIGURES
        elif lede_text is not None and " ".join(block.text.split()) == lede_text:
            by, lede_text = DECIDED_BY_LEDE, None
        yield from _lines_of(block, str(block.kind), by)


def _lines_of(block: Block, kind: str, by: str) -> Iterator[_ContentLine]:
    if block.kind is BlockKind.LIST:
        for item in block.items:
            yield from _text_lines(item.text, kind, by)
            for child in item.children:
                yield from _lines_of(child, kind, by)
    elif block.kind is BlockKind.TABLE:
        for row in (block.header or (), *block.rows):
            for cell in row:
                yield from _text_lines(cell, kind, by)
    elif block.kind is BlockKind.QUOTE:
        for child in block.children:
            yield from _lines_of(child, kind, by)
    elif block.kind is BlockKind.CODE:
        # verbatim in the content, one whitespace-collapsed block on the page
        yield from _text_lines(" ".join(block.text.split()), kind, by)
    elif block.kind is BlockKind.FIGURE and not block.text.strip():
        # no caption: the image alone, which no page block holds
        yield _ContentLine(block.alt or block.src or "", kind, by)
    else:
        yield from _text_lines(block.text, kind, by)


def _text_lines(text: str, kind: str, by: str) -> Iterator[_ContentLine]:
    normalized = normalize_whitespace(text)
    for line in normalized.split("\n") if normalized else ():
        yield _ContentLine(line, kind, by)


def _mark_removals(lines: list[_ContentLine], removals: Iterable[tuple[str, str]]) -> None:
    """Each removed line to its content line: cleaning reads the content in order, so each is
    looked for after the previous one first. A removal found nowhere becomes a line of its own."""
    cursor = 0
    for text, by in removals:
        found = _find(lines, text, cursor, len(lines))
        if found is None:
            found = _find(lines, text, 0, cursor)
        if found is None:
            lines.insert(cursor, _ContentLine(text, str(BlockKind.PARAGRAPH), by, by))
            cursor += 1
            continue
        lines[found].removed_by = by
        cursor = found + 1


def _find(lines: list[_ContentLine], text: str, start: int, stop: int) -> int | None:
    for index in range(start, stop):
        line = lines[index]
        if line.removed_by is None and line.text == text:
            return index
    return None


def _line_up(page: list[_PageLine], content: list[_ContentLine]) -> None:
    """Pair page lines with content lines: the longest runs in order first (difflib), then
    equal lines out of order (a lede moved to the top), then, between two paired neighbours,
    page lines a content line holds in order (trafilatura joined them) or a page line that
    holds a content line (trafilatura left part of it out)."""
    matcher = SequenceMatcher(
        None, [line.text for line in page], [line.text for line in content], autojunk=False
    )
    for start_page, start_content, size in matcher.get_matching_blocks():
        for offset in range(size):
            _pair(page, content, start_page + offset, start_content + offset)
    unpaired: dict[str, list[int]] = {}
    for index, page_line in enumerate(page):
        if page_line.content_line is None:
            unpaired.setdefault(page_line.text, []).append(index)
    for index, line in enumerate(content):
        if line.page_line is None and unpaired.get(line.text):
            _pair(page, content, unpaired[line.text].pop(0), index)
    # for each content line, the page line paired with the next paired content line
    following = [len(page)] * (len(content) + 1)
    for index in range(len(content) - 1, -1, -1):
        paired = content[index].page_line
        following[index] = following[index + 1] if paired is None else paired
    previous = -1  # the last page line paired with a content line before
    for index, line in enumerate(content):
        if line.page_line is not None:
            previous = max(previous, line.page_line)
            continue
        offset = 0
        stop = min(following[index + 1], previous + 1 + _LOOK_AHEAD_LINES)
        for candidate in range(previous + 1, stop):
            text = page[candidate].text
            if page[candidate].content_line is not None:
                continue
            if len(text) < len(line.text):
                found = line.text.find(text, offset)
                if found >= 0:
                    _pair(page, content, candidate, index)
                    offset, previous = found + len(text), candidate
            elif len(line.text) >= _MIN_CONTAINED_CHARS and line.text in text:
                _pair(page, content, candidate, index)
                previous = candidate
                break


def _pair(page: list[_PageLine], content: list[_ContentLine], page_index: int, index: int) -> None:
    page[page_index].content_line = index
    if content[index].page_line is None:
        content[index].page_line = page_index


def _figure_of_blocks(
    blocks: list[PageBlock], content: Sequence[Block], evidence: PageEvidence
) -> dict[int, bool]:
    """For each page block inside a page figure with an image: whether that figure was placed
    into the content (its caption left out otherwise is the placement's decision)."""
    figures = figure_placements(evidence.tree, content, evidence.url)
    if not figures:
        return {}
    found: dict[int, bool] = {}
    for index, block in enumerate(blocks):
        element = block.element
        if element is None:
            continue
        for ancestor in (element, *element.iterancestors("figure")):
            if ancestor in figures:
                found[index] = figures[ancestor]
                break
    return found


def _page_line_decision(
    block: PageBlock,
    line: _PageLine,
    content: list[_ContentLine],
    figures: dict[int, bool],
    model_changed: bool,  # the model changed this block's fate (added or removed it)
) -> Decision:
    score = round(block.score, _SCORE_DIGITS) if model_changed else None
    if line.content_line is not None:
        decided = _content_decision(content[line.content_line], line.text)
        if model_changed and decided.by == DECIDED_BY_TRAFILATURA:  # a block the model added
            return replace(decided, by=_model_source(block), score=score)
        return decided
    kind = str(BlockKind.FIGURE) if line.block in figures else _kind(block)
    if line.block in figures and not figures[line.block]:
        return Decision(kind, line.text, REMOVED, DECIDED_BY_FIGURES)
    if model_changed:
        return Decision(kind, line.text, REMOVED, _model_source(block), score)
    return Decision(kind, line.text, REMOVED, DECIDED_BY_TRAFILATURA)


def _model_source(block: PageBlock) -> str:
    return DECIDED_BY_TEXT_MODEL if block.by_text else DECIDED_BY_CONTENT_MODEL


def _content_decision(line: _ContentLine, text: str) -> Decision:
    if line.removed_by is not None:
        return Decision(line.kind, text, REMOVED, line.removed_by)
    return Decision(line.kind, text, KEPT, line.by)


def _kind(block: PageBlock) -> str:
    return str(_KIND_OF_TAG.get(block.tag, BlockKind.PARAGRAPH))


def _runs(decisions: Iterable[Decision]) -> Iterator[Decision]:
    """Consecutive lines of one block with the same fate as one entry."""
    run: list[Decision] = []
    for decision in decisions:
        if run and _fate(run[0]) != _fate(decision):
            yield _joined(run)
            run = []
        run.append(decision)
    if run:
        yield _joined(run)


def _fate(decision: Decision) -> tuple[str, str, str, float | None]:
    return decision.block, decision.decision, decision.by, decision.score


def _joined(run: list[Decision]) -> Decision:
    first = run[0]
    text = "\n".join(decision.text for decision in run)
    return Decision(first.block, text, first.decision, first.by, first.score)


def _title_headings(
    entries: list[list[Decision]], title: str | None, site: tuple[str | None, str | None]
) -> None:
    """A heading left out of the content that says the title is the title's: it has a field of
    its own (the first heading the content kept that repeats it is removed by cleaning)."""
    if not title:
        return
    for group in entries:
        for index, decision in enumerate(group):
            if (
                decision.block == BlockKind.HEADING
                and not decision.kept
                and decision.by == DECIDED_BY_TRAFILATURA
                and says_title(decision.text, title, *site)
            ):
                group[index] = Decision(decision.block, decision.text, REMOVED, DECIDED_BY_TITLE)
                return
