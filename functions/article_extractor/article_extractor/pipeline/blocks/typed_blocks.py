"""The extracted main content as typed blocks (heading, paragraph, list, table, code, quote,
figure), read from the result tree trafilatura keeps. Cleaning decides about blocks; the plain
text, the Markdown and the JSON blocks of a document are all written from the same blocks, so
they agree.

The result tree's element names (`head`, `list`/`item`, `table`/`row`/`cell`, `lb`...) are
trafilatura's own, not its public API: `reads_trafilatura` checks them once, at first use, on a
sample page through trafilatura's public `bare_extraction`. When they are not as verified, one
warning says so and the blocks are the lines of trafilatura's own text: the structure is lost,
never the text.

Example::

    blocks = blocks_from_result(trafilatura_document)
    [block.kind for block in blocks]  # [HEADING, PARAGRAPH, LIST, ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from lxml.etree import _Element

from article_extractor.pipeline.literal_prefilter import LazyPattern
from article_extractor.pipeline.upstream.checked_internals import require, verified
from article_extractor.urls import absolute_web_url


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    TABLE = "table"
    CODE = "code"
    QUOTE = "quote"
    FIGURE = "figure"


@dataclass(frozen=True)
class ListItem:
    """One list item: its own text, and the lists nested in it."""

    text: str
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Block:
    """One block of the main content. Which fields a block uses depends on its kind:

    - heading: `text`, `level` (1-6); paragraph: `text` (lines joined by "\\n");
    - list: `ordered`, `items`; table: `header` (None when the page gives none), `rows`;
    - code: `text` (verbatim), `language` (when the page declares it);
    - quote: `children` (the blocks quoted); figure: `src`, `alt`, `text` (the caption).
    """

    kind: BlockKind
    text: str = ""
    level: int | None = None
    ordered: bool | None = None
    items: tuple[ListItem, ...] = ()
    header: tuple[str, ...] | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    language: str | None = None
    src: str | None = None
    alt: str | None = None
    children: tuple[Block, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The block as JSON (`document.blocks`): `type` and the fields its kind uses."""
        data: dict[str, Any] = {"type": str(self.kind)}
        if self.kind is BlockKind.HEADING:
            data.update(level=self.level, text=self.text)
        elif self.kind is BlockKind.LIST:
            data.update(ordered=bool(self.ordered), items=[_item_dict(i) for i in self.items])
        elif self.kind is BlockKind.TABLE:
            data.update(header=list(self.header) if self.header else None)
            data.update(rows=[list(row) for row in self.rows])
        elif self.kind is BlockKind.CODE:
            data.update(language=self.language, text=self.text)
        elif self.kind is BlockKind.FIGURE:
            data.update(src=self.src, alt=self.alt, caption=self.text or None)
        elif self.kind is BlockKind.QUOTE:
            data.update(blocks=[child.to_dict() for child in self.children])
        else:
            data.update(text=self.text)
        return data


def _item_dict(item: ListItem) -> dict[str, Any]:
    data: dict[str, Any] = {"text": item.text}
    if item.children:
        data["children"] = [child.to_dict() for child in item.children]
    return data


# --------------------------------------------------------------------------- from the tree
_HEADING_LEVEL = LazyPattern(r"h([1-6])")
_CODE_LANGUAGE = LazyPattern(r"(?:^|\s)(?:language|lang|highlight-source|brush:)-?(\w[\w+#.-]*)")
_SPACES = LazyPattern(r"[^\S\n]+")


def blocks_from_result(result: Any) -> list[Block]:
    """The blocks of trafilatura's result (`bare_extraction`'s `Document`; None or a dict when
    it found nothing), in document order: read from its tree when `reads_trafilatura()`, else
    one paragraph per line of its text."""
    body = getattr(result, "body", None)
    if body is None:
        return []
    if reads_trafilatura():
        return blocks_from_tree(body)
    text = getattr(result, "text", None) or ""
    return [block for line in text.split("\n") for block in _paragraph(line)]


def blocks_from_tree(body: _Element | None) -> list[Block]:
    """The blocks of trafilatura's result tree (`Document.body`), in document order. Elements it
    uses: head (rend h1-h6), p, list (rend ul/ol/dl) with item, table with row and cell (role
    head), code, quote, graphic; inline hi, ref, lb, del and anything else give their text."""
    if body is None:
        return []
    return list(_blocks(body))


# One of each structure the reader knows, and the blocks it must read from trafilatura's tree.
VOCABULARY_SAMPLE = """<html><head><title>Harbour works</title></head><body><article>
<h2>The new quay opens in spring</h2>
<p>The harbour board approved the plan for the new quay on Tuesday evening, after a long debate
about its cost and about the noise of the works.<br>Building starts in March.</p>
<ul><li>Two new berths for ferries</li><li>A wider walkway along the water</li></ul>
<ol><li>Dredging the channel first</li><li>Then the piles and the deck</li></ol>
<table><tr><th>Berth</th><th>Length</th></tr><tr><td>North</td><td>120 m</td></tr></table>
<pre><code class="language-python">quay.length = 210</code></pre>
<blockquote><p>We have waited for this quay for twenty years, said the chair.</p></blockquote>
<p>The works are paid for by the port's own reserves and a loan from the regional bank.</p>
</article></body></html>"""


def _vocabulary_as_verified() -> bool:
    import trafilatura
    from lxml.html import fromstring

    result = trafilatura.bare_extraction(
        fromstring(VOCABULARY_SAMPLE),
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
    )
    body = getattr(result, "body", None)
    require(body is not None, "the sample page gives no result tree")
    blocks = blocks_from_tree(body)
    kinds = [block.kind for block in blocks]
    expected = [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.LIST,
        BlockKind.LIST,
        BlockKind.TABLE,
        BlockKind.CODE,
        BlockKind.QUOTE,
        BlockKind.PARAGRAPH,
    ]
    require(kinds == expected, f"the sample page reads as {[str(k) for k in kinds]}")
    heading, paragraph, bullets, numbers, table, code, quote, _ = blocks
    require(heading.level == 2, "a heading's level is not read")
    require("\nBuilding starts" in paragraph.text, "a line break is not read")
    require(not bullets.ordered and bool(numbers.ordered), "list kinds are not read")
    require(len(bullets.items) == len(numbers.items) == 2, "list items are not read")
    require(table.header == ("Berth", "Length"), "a table's header is not read")
    require(table.rows == (("North", "120 m"),), "a table's rows are not read")
    require(code.text == "quay.length = 210", "code is not read")
    require(
        [child.kind for child in quote.children] == [BlockKind.PARAGRAPH], "quotes are not read"
    )
    return True


@cache
def reads_trafilatura() -> bool:
    """True when trafilatura's result tree reads as the sample says (checked once per process:
    a warning names what differs otherwise)."""
    return bool(verified("typed blocks from trafilatura's result tree", _vocabulary_as_verified))


def _blocks(container: _Element) -> Iterator[Block]:
    pending: list[str] = []  # text directly in a container, outside any block element
    if container.text and container.text.strip():
        pending.append(container.text)
    for child in container:
        tag = child.tag if isinstance(child.tag, str) else ""
        block_tags = ("head", "p", "list", "table", "code", "quote", "graphic", "div")
        if tag in block_tags:
            if pending:
                yield from _paragraph("".join(pending))
                pending = []
            yield from _block(child, tag)
        elif tag == "lb":
            pending.append("\n")
        else:
            pending.append(_inline_text(child))
        if child.tail and child.tail.strip():
            pending.append(child.tail)
    if pending:
        yield from _paragraph("".join(pending))


def _block(element: _Element, tag: str) -> Iterator[Block]:
    if tag == "head":
        match = _HEADING_LEVEL.fullmatch(element.get("rend") or "")
        text = _one_line(_inline_text(element))
        if text:
            yield Block(BlockKind.HEADING, text=text, level=int(match.group(1)) if match else 2)
    elif tag == "p":
        yield from _paragraph(_inline_text(element))
    elif tag == "list":
        listed = _list(element)
        if listed is not None:
            yield listed
    elif tag == "table" and _is_layout(element):
        for cell in _layout_cells(element):
            yield from _blocks(cell)
    elif tag == "table":
        yield from _table(element)
    elif tag == "code":
        yield from _code(element)
    elif tag == "quote":
        quoted = tuple(_blocks(element))
        if quoted:
            yield Block(BlockKind.QUOTE, children=quoted)
    elif tag == "graphic":
        src = absolute_web_url(element.get("src"))  # a relative or data: source is no picture
        if src:
            yield Block(BlockKind.FIGURE, src=src, alt=element.get("alt") or None)
    else:  # a container trafilatura left (div): its blocks, in order
        yield from _blocks(element)


def _paragraph(text: str) -> Iterator[Block]:
    lines = [_one_line(line) for line in text.split("\n")]
    joined = "\n".join(line for line in lines if line)
    if joined:
        yield Block(BlockKind.PARAGRAPH, text=joined)


def _inline_text(element: _Element) -> str:
    """The element's text with `lb` as a line break (other inline markup gives its text)."""
    parts: list[str] = []
    _collect_inline(element, parts)
    return "".join(parts)


def _collect_inline(element: _Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in _BLOCK_TAGS:  # a block inside a block: its words, set apart
            parts.append(" " + _flat_text(child) + " ")
        else:
            _collect_inline(child, parts)
        if child.tail:
            parts.append(child.tail)


_LAYOUT_CELL_WORDS = 40  # a one-column table with a cell this long is the page's layout
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "table", "row", "cell", "quote", "div", "lb"})


def _flat_text(element: _Element) -> str:
    """All the element's text on one line: inline markup joins words as they were, block
    elements (paragraphs in a cell, items of a nested list) are separated by a space."""
    parts: list[str] = []

    def walk(node: _Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            spaced = child.tag in _BLOCK_TAGS
            if spaced:
                parts.append(" ")
            walk(child)
            if spaced:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list(element: _Element) -> Block | None:
    items = tuple(item for item in (_item(child) for child in element) if item is not None)
    if not items:
        return None
    return Block(BlockKind.LIST, ordered=element.get("rend") == "ol", items=items)


def _item(element: _Element) -> ListItem | None:
    if element.tag != "item":
        text = _one_line(_inline_text(element))
        return ListItem(text) if text else None
    parts: list[str] = [element.text or ""]
    children: list[Block] = []
    for child in element:
        if child.tag == "list":
            nested = _list(child)
            if nested is not None:
                children.append(nested)
        elif child.tag == "lb" or child.tag in _BLOCK_TAGS:
            parts.append(" " + _flat_text(child) + " ")
        else:
            parts.append(_inline_text(child))
        if child.tail:
            parts.append(child.tail)
    text = _one_line("".join(parts))
    if not text and not children:
        return None
    return ListItem(text, tuple(children))


def _layout_cells(element: _Element) -> list[_Element]:
    """The cells of the table's own rows (not of tables nested in them), in order."""
    return [cell for row in element if row.tag == "row" for cell in row if cell.tag == "cell"]


def _is_layout(element: _Element) -> bool:
    """A table that lays a page out rather than holding data: one column, and prose in a cell
    (old sites put the whole article in one cell, its paragraphs split by <br>)."""
    rows = [row for row in element if row.tag == "row"]
    if not rows or any(sum(cell.tag == "cell" for cell in row) > 1 for row in rows):
        return False
    return any(
        len(_flat_text(cell).split()) >= _LAYOUT_CELL_WORDS for cell in _layout_cells(element)
    )


def _table(element: _Element) -> Iterator[Block]:
    """A table: its header is its first row when that row's cells are all header cells. A
    table's title before it (a caption, or a header cell spanning a wider table: one filled
    header cell in the row) is a paragraph before the table, not its header or a row."""
    rows: list[tuple[str, ...]] = []
    header: tuple[str, ...] | None = None
    width = max((sum(1 for c in row if c.tag == "cell") for row in element.iter("row")), default=0)
    for row in element.iter("row"):
        cells = [cell for cell in row if cell.tag == "cell"]
        values = tuple(_one_line(_flat_text(cell)) for cell in cells)
        if not values:
            continue
        if not rows and header is None and width > 1 and _is_title(cells, values):
            yield Block(BlockKind.PARAGRAPH, text=values[0])
        elif not rows and header is None and all(c.get("role") == "head" for c in cells):
            header = values
        else:
            rows.append(values)
    if header is None and not rows:
        return
    width = max([len(header or ())] + [len(row) for row in rows])

    def pad(row: tuple[str, ...]) -> tuple[str, ...]:
        return row + ("",) * (width - len(row))

    yield Block(BlockKind.TABLE, header=pad(header) if header else None, rows=tuple(map(pad, rows)))


def _is_title(cells: list[_Element], values: tuple[str, ...]) -> bool:
    """A row whose only filled cell is its first, a header cell: a caption or a title spanning
    the table (not a header row with an empty corner cell, whose filled cells come after)."""
    return bool(values[0]) and not any(values[1:]) and cells[0].get("role") == "head"


def _code(element: _Element) -> Iterator[Block]:
    text = "".join(str(part) for part in element.itertext()).strip("\n")
    if text.strip():
        yield Block(BlockKind.CODE, text=text, language=code_language(element))


def code_language(element: _Element) -> str | None:
    """The language a code element or one inside it declares (class `language-x`, `lang-x`,
    `brush: x`, or a `lang` attribute); trafilatura wraps the page's <code> in its own, so the
    language is often on the inner one."""
    for node in element.iter():
        match = _CODE_LANGUAGE.search(node.get("class") or "") or _CODE_LANGUAGE.search(
            f"language-{node.get('lang')}" if node.get("lang") else ""
        )
        if match:
            return match.group(1).lower()
    return None


def text_start(blocks: Sequence[Block]) -> int:
    """The index of the first block that is not a figure: where the text opens, after the
    article's lead figure if it has one (`len(blocks)` when all are figures).

    Example::

        text_start([Block(BlockKind.FIGURE, src=url), Block(BlockKind.HEADING, text=title)])  # 1
    """
    return next(
        (index for index, block in enumerate(blocks) if block.kind is not BlockKind.FIGURE),
        len(blocks),
    )


# --------------------------------------------------------------------------- plain text
def to_text(blocks: Iterable[Block]) -> str:
    """Plain text, one block per line (list items and table rows one per line, nested items
    indented two spaces a level, cells separated by " | ", code lines as they are); no Markdown
    syntax, and no figures: an image's caption is not the article's text."""
    lines: list[str] = []
    for block in blocks:
        lines.extend(_text_lines(block, 0))
    return "\n".join(lines)


def _text_lines(block: Block, depth: int) -> Iterator[str]:
    if block.kind is BlockKind.LIST:
        for item in block.items:
            if item.text:
                yield "  " * depth + item.text
            for child in item.children:
                yield from _text_lines(child, depth + 1)
    elif block.kind is BlockKind.TABLE:
        for row in ((block.header,) if block.header else ()) + block.rows:
            yield " | ".join(row)
    elif block.kind is BlockKind.CODE:
        yield from block.text.split("\n")
    elif block.kind is BlockKind.FIGURE:
        return  # images and their captions are not the text (the Markdown shows them)
    elif block.kind is BlockKind.QUOTE:
        for child in block.children:
            yield from _text_lines(child, depth)
    else:
        yield from block.text.split("\n")
