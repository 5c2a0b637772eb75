"""The page blocks the content model keeps, as the pipeline's typed `Block`s (so text,
Markdown, JSON blocks and cleaning see them as they see trafilatura's): headings keep their
level, list items their lists and nesting, cells their table rows; `<pre>` is code verbatim,
the blocks in a `<blockquote>` one quote.

Example::

    decision = content_model.refine(tree, url, text)
    blocks = typed_blocks(decision.kept_blocks)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from lxml.html import HtmlElement

from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem, code_language
from article_extractor.pipeline.model.content_model import BLOCK_TAGS, PageBlock, token_string

_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = frozenset({"ul", "ol", "menu"})
_CELLS = frozenset({"td", "th"})
_CARD_TAGS = BLOCK_TAGS - {"ul", "ol", "li", "br", "hr", "menu"}


def typed_blocks(kept: Sequence[PageBlock]) -> list[Block]:
    """The kept page blocks (in document order, each with its `element`) as typed blocks."""
    return list(_typed(list(kept), in_quote=False))


def _outermost(element: HtmlElement | None, tag: str) -> HtmlElement | None:
    """The outermost element named `tag` among `element` and its ancestors."""
    found = None
    node = element
    while node is not None:
        if node.tag == tag:
            found = node
        node = node.getparent()
    return found


def _typed(kept: list[PageBlock], in_quote: bool) -> Iterator[Block]:
    index = 0
    while index < len(kept):
        block = kept[index]
        element = block.element
        quote = None if in_quote else _outermost(element, "blockquote")
        pre = _outermost(element, "pre")
        if quote is not None:
            end = _run_end(kept, index, _quote_of)
            children = tuple(_typed(kept[index:end], in_quote=True))
            if children:
                yield Block(BlockKind.QUOTE, children=children)
        elif pre is not None:
            end = _run_end(kept, index, _pre_of)
            text = "".join(str(part) for part in pre.itertext()).strip("\n")
            if text.strip():
                yield Block(BlockKind.CODE, text=text, language=code_language(pre))
        elif _is_item(block):
            end = _run_end(kept, index, _is_item)
            yield from _lists(kept[index:end])
        elif block.tag in _CELLS and element is not None:
            end = _run_end(kept, index, _table_of)
            yield _table(kept[index:end])
        else:
            end = index + 1
            if block.tag in _HEADINGS:
                yield Block(BlockKind.HEADING, text=block.text, level=_HEADINGS[block.tag])
            else:
                yield Block(BlockKind.PARAGRAPH, text=block.shown)
        index = end


def _run_end(kept: list[PageBlock], start: int, key: Callable[[PageBlock], object]) -> int:
    """The end of the run of blocks from `start` whose `key` equals the first one's."""
    first = key(kept[start])
    end = start + 1
    while end < len(kept) and key(kept[end]) == first:
        end += 1
    return end


def _quote_of(block: PageBlock) -> HtmlElement | None:
    return _outermost(block.element, "blockquote")


def _pre_of(block: PageBlock) -> HtmlElement | None:
    return _outermost(block.element, "pre")


def _is_item(block: PageBlock) -> bool:
    """A list item whose text is its own: an `li` holding no blocks but nested lists (an `li`
    that holds headings or paragraphs is a card, its own text the leftovers: a paragraph)."""
    if block.tag != "li" or block.element is None:
        return False
    return not any(
        isinstance(node.tag, str) and node.tag in _CARD_TAGS
        for node in block.element.iterdescendants()
    )


def _table_of(block: PageBlock) -> object:
    """The table a cell is in; the block itself (which joins no run) for any other block."""
    node = block.element if block.tag in _CELLS else None
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node if node is not None else block


# --------------------------------------------------------------------------- lists
@dataclass
class _OpenList:
    element: HtmlElement  # the ul/ol (or whatever holds the items)
    items: list[tuple[HtmlElement, str, list[Block]]] = field(default_factory=list)

    def block(self) -> Block:
        items = tuple(ListItem(text, tuple(children)) for _, text, children in self.items)
        return Block(BlockKind.LIST, ordered=self.element.tag == "ol", items=items)


def _lists(items: list[PageBlock]) -> Iterator[Block]:
    """Consecutive kept list items as lists: an item whose list sits inside the previous
    item opens a nested list; an item of an unrelated list starts a new one."""
    stack: list[_OpenList] = []

    def close_top() -> Block | None:
        finished = stack.pop().block()
        if stack:
            stack[-1].items[-1][2].append(finished)
            return None
        return finished

    for item in items:
        element = item.element
        assert element is not None
        parent = element.getparent()
        holder = parent if parent is not None else element
        while stack and stack[-1].element is not holder:
            last_item = stack[-1].items[-1][0] if stack[-1].items else None
            if last_item is not None and any(a is last_item for a in holder.iterancestors()):
                stack.append(_OpenList(holder))
                break
            finished = close_top()
            if finished is not None:
                yield finished
        if not stack:
            stack.append(_OpenList(holder))
        stack[-1].items.append((element, item.text, []))
    while stack:
        finished = close_top()
        if finished is not None:
            yield finished


# --------------------------------------------------------------------------- tables
def _table(cells: list[PageBlock]) -> Block:
    rows: list[tuple[HtmlElement | None, list[PageBlock]]] = []
    for cell in cells:
        row = cell.element.getparent() if cell.element is not None else None
        if rows and rows[-1][0] is row:
            rows[-1][1].append(cell)
        else:
            rows.append((row, [cell]))
    header: tuple[str, ...] | None = None
    values: list[tuple[str, ...]] = []
    for position, (_, row_cells) in enumerate(rows):
        texts = tuple(cell.text for cell in row_cells)
        if position == 0 and len(rows) > 1 and all(c.tag == "th" for c in row_cells):
            header = texts
        else:
            values.append(texts)
    width = max([len(header or ())] + [len(row) for row in values])

    def pad(row: tuple[str, ...]) -> tuple[str, ...]:
        return row + ("",) * (width - len(row))

    return Block(
        BlockKind.TABLE, header=pad(header) if header else None, rows=tuple(map(pad, values))
    )


def revised(blocks: Sequence[Block], page: Sequence[PageBlock]) -> list[Block]:
    """trafilatura's blocks as the block model revised them (`page`: every page block, scored):
    without the blocks it removed (`without_removed`), with the blocks it added put in where
    they stand on the page, after the last of trafilatura's blocks that comes before them."""
    removed = [b for b in page if not b.keep and b.features["kept"] >= 0.5]
    kept = without_removed(blocks, removed)
    at: dict[str, int] = {}  # a kept block's (or list item's, cell's) words -> its index
    for index, block in enumerate(kept):
        for text in _texts(block):
            at.setdefault(token_string(text), index)
    inserts: dict[int, list[PageBlock]] = {}
    anchor = -1
    for scored in page:
        if not scored.keep:
            continue
        if scored.features["kept"] < 0.5:
            inserts.setdefault(anchor, []).append(scored)
        else:
            anchor = max(anchor, at.get(token_string(scored.text), anchor))
    if not inserts:
        return kept
    out = typed_blocks(inserts.get(-1, []))
    for index, block in enumerate(kept):
        out.append(block)
        out.extend(typed_blocks(inserts.get(index, [])))
    return out


def _texts(block: Block) -> Iterator[str]:
    """The texts a page block of `block` could have: its own, its items', cells', children's."""
    if block.text:
        yield block.text
    for item in block.items:
        yield item.text
        for child in item.children:
            yield from _texts(child)
    for row in (block.header or (), *block.rows):
        yield from row
    for child in block.children:
        yield from _texts(child)


def without_removed(blocks: Sequence[Block], removed: Sequence[PageBlock]) -> list[Block]:
    """trafilatura's blocks without those the block model removed: a paragraph, heading or list
    item goes when its words are a block's the model removed (all of them, in order); a quote
    loses such children; anything else (tables, code, figures) stays."""
    gone = {token_string(block.text) for block in removed}
    gone.discard("")
    if not gone:
        return list(blocks)
    return [kept for block in blocks if (kept := _without(block, gone)) is not None]


def _without(block: Block, gone: set[str]) -> Block | None:
    if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
        return None if token_string(block.text) in gone else block
    if block.kind is BlockKind.LIST:
        items = tuple(item for item in block.items if token_string(item.text) not in gone)
        if not items:
            return None
        return block if len(items) == len(block.items) else replace(block, items=items)
    if block.kind is BlockKind.QUOTE:
        children = tuple(c for child in block.children if (c := _without(child, gone)) is not None)
        if not children:
            return None
        return block if len(children) == len(block.children) else replace(block, children=children)
    return block
