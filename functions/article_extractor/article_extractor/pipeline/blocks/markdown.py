"""Blocks -> GitHub-flavoured Markdown (`document.markdown`).

Headings at their levels, `-` and `1.` lists with nesting, tables with a header separator (the
first row is the header when the page gave none: GitHub's tables need one), fenced code
with its language, `>` quotes, images with their alt text and caption. The page's own text is
escaped wherever a character would change the meaning (emphasis, links, HTML, a line read as a
heading, list item or quote, a table cell's pipe), and nowhere else, so the text reads as it
did.

Example::

    to_markdown([Block(BlockKind.HEADING, text="Install", level=2)])  # "## Install"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem
from article_extractor.pipeline.literal_prefilter import LazyPattern

# Characters that start or end inline constructs anywhere in a line (code spans, emphasis,
# links and images, autolinks and raw HTML, GFM strikethrough).
_INLINE_SPECIAL = LazyPattern(r"([\\`*\[\]~])")
# `_` opens or closes emphasis unless it sits inside a word (snake_case is safe).
_UNDERSCORE = LazyPattern(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_HTML_START = LazyPattern(r"<(?=[A-Za-z/!?])")
_ENTITY = LazyPattern(r"&(?=#?[A-Za-z0-9]+;)")
# At a line start: ATX heading, block quote, bullet, ordered item, thematic break or setext
# underline, fence (backticks are escaped anyway).
_BULLET_START = LazyPattern(r"^([-+*])(?=\s|$)")
_ORDERED_START = LazyPattern(r"^(\d{1,9})([.)])(?=\s|$)")
_HEADING_START = LazyPattern(r"^(#{1,6})(?=\s|$)")
# One `=` under a line is already a setext underline.
_RULE_LINE = LazyPattern(r"^(?:[-_*=]\s*)+$")
_CLOSING_SEQUENCE = LazyPattern(r"(^|\s)(#+)$")


def escape_inline(text: str) -> str:
    """Text that renders as itself inside a Markdown line (not at its start)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _HTML_START.sub(r"\\<", text)
    return _ENTITY.sub(r"\\&", text)


def escape_line(text: str) -> str:
    """A line of the page's text that renders as itself as a whole Markdown line."""
    line = escape_inline(text.strip())
    if _RULE_LINE.match(line):
        return "\\" + line
    line = _HEADING_START.sub(r"\\\1", line)
    line = _BULLET_START.sub(r"\\\1", line)
    line = _ORDERED_START.sub(r"\1\\\2", line)
    if line.startswith(">"):
        line = "\\" + line
    return line


def to_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown, blocks separated by a blank line."""
    chunks: list[str] = []
    previous: Block | None = None
    alternate = False
    for block in blocks:
        # Two lists in a row would read as one: the second uses the other marker ("*" for "-",
        # ")" for "."), which CommonMark takes for a new list.
        same = previous is not None and previous.kind is BlockKind.LIST is block.kind
        alternate = (
            same and previous is not None and previous.ordered == block.ordered and (not alternate)
        )
        chunk = _block_markdown(block, alternate)
        if chunk:
            chunks.append(chunk)
        previous = block
    return "\n\n".join(chunks)


def _block_markdown(block: Block, alternate: bool = False) -> str:
    if block.kind is BlockKind.HEADING:
        # A run of "#" after a space at the end would be read as a closing sequence, dropped.
        text = _CLOSING_SEQUENCE.sub(r"\1\\\2", escape_line(block.text))
        return f"{'#' * (block.level or 2)} {text}"
    if block.kind is BlockKind.LIST:
        return "\n".join(_list_lines(block, indent="", alternate=alternate))
    if block.kind is BlockKind.TABLE:
        return "\n".join(_table_lines(block))
    if block.kind is BlockKind.CODE:
        return _fenced(block.text, block.language)
    if block.kind is BlockKind.QUOTE:
        inner = to_markdown(block.children)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if block.kind is BlockKind.FIGURE:
        parts = []
        if block.src:
            parts.append(f"![{escape_inline(block.alt or '')}]({_link_destination(block.src)})")
        if block.text:
            parts.append(f"*{escape_inline(block.text)}*")
        return "\n\n".join(parts)
    # A paragraph's lines stay lines: a backslash at a line's end is a hard break.
    return "\\\n".join(escape_line(line) for line in block.text.split("\n"))


def _list_lines(block: Block, indent: str, alternate: bool = False) -> Iterator[str]:
    for number, item in enumerate(block.items, start=1):
        if block.ordered:
            marker = f"{number}{')' if alternate else '.'}"
        else:
            marker = "*" if alternate else "-"
        yield from _item_lines(item, marker, indent)


def _item_lines(item: ListItem, marker: str, indent: str) -> Iterator[str]:
    text = escape_line(item.text) if item.text else ""
    yield f"{indent}{marker} {text}".rstrip()
    nested = indent + " " * (len(marker) + 1)  # children start at the item's content column
    for child in item.children:
        if child.kind is BlockKind.LIST:
            yield from _list_lines(child, nested)


def _table_lines(block: Block) -> Iterator[str]:
    # GitHub's tables need a header row: without one of the page's, the first row is it
    lines = (block.header, *block.rows) if block.header else block.rows
    if not lines:
        return
    header, *rows = lines
    yield _row(header)
    yield "| " + " | ".join("---" for _ in header) + " |"
    for row in rows:
        yield _row(row)


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(escape_inline(cell).replace("|", "\\|") for cell in cells) + " |"


def _fenced(code: str, language: str | None) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    info = language if language and "`" not in language else ""
    return f"{fence}{info}\n{code}\n{fence}"


def _link_destination(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url
