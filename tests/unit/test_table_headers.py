"""A table's header row in Markdown: the page's row of header cells when it has one (also after a
caption or a title spanning the table, which is a paragraph before the table), else the first
row, never a row of blanks (GitHub's tables need a header row). The JSON block keeps `header`
None when the page gave none. Tables and product pages written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from article_extractor.pipeline.blocks.markdown import to_markdown
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind
from tests.conftest import ROOT
from tests.unit.test_declared_page_types import process
from tests.unit.test_structure import PARSER, assert_round_trip, extract, page

PRODUCTS = ROOT / "tests/fixtures/product"
ROWS = "<tr><td>Weight</td><td>1.1 kg</td></tr><tr><td>Capacity</td><td>2.5 litres</td></tr>"
HEADER = "<tr><th>Property</th><th>Value</th></tr>"


def markdown_table(markdown: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the Markdown's one table, as GitHub-flavoured Markdown reads it."""
    tokens = PARSER.parse(markdown)
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif token.type == "table_close":
            break
    assert rows, markdown
    return rows[0], rows[1:]


def table_markdown(tmp_path: Path, table: str) -> tuple[str, list[str], list[list[str]]]:
    document = extract(tmp_path, page(table))
    assert_round_trip(document)
    assert document.article is not None
    markdown = document.article.markdown
    header, rows = markdown_table(markdown)
    return markdown, header, rows


@pytest.mark.parametrize(
    "table",
    [
        f"<table>{HEADER}{ROWS}</table>",
        f"<table><thead>{HEADER}</thead><tbody>{ROWS}</tbody></table>",
        f"<table><tbody>{HEADER}{ROWS}</tbody></table>",
        f"<table><caption>Technical data</caption>{HEADER}{ROWS}</table>",
        f"<table><tr><th colspan='2'>Technical data</th></tr>{HEADER}{ROWS}</table>",
    ],
    ids=["first-row", "thead", "tbody", "caption", "spanning-title"],
)
def test_a_first_row_of_header_cells_is_the_markdown_header(tmp_path: Path, table: str) -> None:
    markdown, header, rows = table_markdown(tmp_path, table)
    assert header == ["Property", "Value"]
    assert rows == [["Weight", "1.1 kg"], ["Capacity", "2.5 litres"]]
    if "Technical data" in table:  # the table's title reads before it, once
        assert markdown.count("Technical data") == 1
        assert markdown.index("Technical data") < markdown.index("| Property")


@pytest.mark.parametrize(
    "table",
    [
        f"<table>{ROWS}</table>",
        "<table><thead><tr><td>Weight</td><td>1.1 kg</td></tr></thead>"
        "<tbody><tr><td>Capacity</td><td>2.5 litres</td></tr></tbody></table>",
        "<table><tr><th>Weight</th><td>1.1 kg</td></tr><tr><th>Capacity</th><td>2.5 litres</td>"
        "</tr></table>",
    ],
    ids=["cells-only", "thead-of-plain-cells", "row-headers"],
)
def test_a_table_without_a_header_row_has_no_blank_one(tmp_path: Path, table: str) -> None:
    markdown, header, rows = table_markdown(tmp_path, table)
    assert header == ["Weight", "1.1 kg"]
    assert rows == [["Capacity", "2.5 litres"]]
    assert "|  |  |" not in markdown


def test_an_empty_corner_cell_is_still_a_header_row(tmp_path: Path) -> None:
    table = (
        "<table><tr><th></th><th>Small</th></tr><tr><td>Width</td><td>20 cm</td></tr>"
        "<tr><td>Height</td><td>30 cm</td></tr></table>"
    )
    _, header, rows = table_markdown(tmp_path, table)
    assert header == ["", "Small"]
    assert rows == [["Width", "20 cm"], ["Height", "30 cm"]]


def test_markdown_of_a_headerless_block() -> None:
    block = Block(BlockKind.TABLE, header=None, rows=(("a", "b"), ("c", "d")))
    assert to_markdown([block]) == "| a | b |\n| --- | --- |\n| c | d |"
    single = Block(BlockKind.TABLE, header=None, rows=(("only", "row"),))
    assert to_markdown([single]) == "| only | row |\n| --- | --- |"


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("kettle-en.html", ["Property", "Value"]),
        ("rucksack-de.html", ["Merkmal", "Wert"]),
        ("molinillo-es.html", ["Característica", "Detalle"]),
    ],
)
def test_a_product_s_specification_table_keeps_its_header(name: str, header: list[str]) -> None:
    for model in (True, False):
        document = process(PRODUCTS / name, model)
        assert document.article is not None
        markdown = document.article.markdown
        found, rows = markdown_table(markdown)
        assert found == header
        assert rows and all(len(row) == len(header) for row in rows)
