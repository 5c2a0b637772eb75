"""Structured content: headings, lists, tables, code, quotes and figures survive extraction and
cleaning, and `document.markdown` parses back (with a CommonMark parser, GFM tables on) to the
structure of `document.blocks`, while `document.text` keeps every code line and table cell and
no Markdown syntax. Pages written for these tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from article_extractor.document import OutputDocument
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_object
from article_extractor.pipeline.blocks.markdown import to_markdown
from article_extractor.pipeline.blocks.typed_blocks import Block, BlockKind, ListItem, to_text
from article_extractor_tools.files import LocalFileReader
from tests.conftest import assert_valid_output

PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
SENTENCES = [
    "The harbour authority published its annual report on the state of the northern docks.",
    "Engineers measured the tides every morning for six months before drawing any conclusions.",
    "Residents were invited to comment on the plans at a series of public meetings in March.",
    "The council expects the first phase of the works to be finished before the winter storms.",
    "Local businesses welcomed the decision but asked for clearer information about closures.",
    "A second report, due next spring, will cover the southern quays and the old ferry slip.",
]


def page(body: str, title: str = "Harbour works explained") -> str:
    text = " ".join(SENTENCES)
    return (
        f"<html lang='en'><head><title>{title} | Harbour News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article>"
        f"<h1>{title}</h1><p>{text}</p>{body}<p>{text}</p></article></main>"
        "<footer>© Harbour News</footer></body></html>"
    )


def extract(tmp_path: Path, html: str) -> OutputDocument:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    reader = LocalFileReader(source_url="https://harbour.example/news/works")
    document = process_object(
        ObjectRef(None, str(path)),
        reader,
        ProcessingOptions(max_input_bytes=10 << 20, include_blocks=True),
    )
    assert_valid_output(document.to_dict())
    assert document.article is not None
    return document


# --------------------------------------------------------------------------- Markdown -> structure
def inline_text(node: SyntaxTreeNode) -> str:
    parts = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        else:
            parts.append(inline_text(child))
    return "".join(parts)


def markdown_structure(markdown: str) -> list[Any]:
    """The blocks a CommonMark parser sees, in the shape of `blocks_structure`."""
    root = SyntaxTreeNode(PARSER.parse(markdown))
    return [convert(node) for node in root.children]


def convert(node: SyntaxTreeNode) -> Any:
    if node.type == "heading":
        return ("heading", int(node.tag[1]), inline_text(node.children[0]))
    if node.type == "paragraph":
        [inline] = node.children
        if [c.type for c in inline.children] == ["image"]:
            image = inline.children[0]
            return ("image", inline_text(image), image.attrs["src"])
        if [c.type for c in inline.children] == ["em"]:
            return ("caption", inline_text(inline.children[0]))
        return ("paragraph", inline_text(inline))
    if node.type in ("bullet_list", "ordered_list"):
        return ("list", node.type == "ordered_list", [item_structure(i) for i in node.children])
    if node.type == "table":
        head, *body = node.children
        header = [inline_text(cell.children[0]) for cell in head.children[0].children]
        rows = [
            [inline_text(cell.children[0]) if cell.children else "" for cell in row.children]
            for section in body
            for row in section.children
        ]
        return ("table", header, rows)
    if node.type == "fence":
        return ("code", node.info, node.content.removesuffix("\n"))
    if node.type == "blockquote":
        return ("quote", [convert(child) for child in node.children])
    raise AssertionError(f"unexpected block {node.type}")


def item_structure(item: SyntaxTreeNode) -> Any:
    text, children = "", []
    for child in item.children:
        if child.type == "paragraph":
            text = inline_text(child.children[0])
        else:
            children.append(convert(child))
    return (text, children)


def blocks_structure(blocks: list[dict[str, Any]]) -> list[Any]:
    """`document.blocks` in the same shape."""
    out: list[Any] = []
    for block in blocks:
        kind = block["type"]
        if kind == "heading":
            out.append(("heading", block["level"], block["text"]))
        elif kind == "paragraph":
            out.append(("paragraph", block["text"]))
        elif kind == "list":
            out.append(("list", block["ordered"], [list_item(i) for i in block["items"]]))
        elif kind == "table":
            # without the page's header row, the Markdown's header is the first row
            header, *rows = [block["header"], *block["rows"]] if block["header"] else block["rows"]
            out.append(("table", header, rows))
        elif kind == "code":
            out.append(("code", block["language"] or "", block["text"]))
        elif kind == "quote":
            out.append(("quote", blocks_structure(block["blocks"])))
        elif kind == "figure":
            if block["src"]:
                out.append(("image", block["alt"] or "", block["src"]))
            if block["caption"]:
                out.append(("caption", block["caption"]))
    return out


def list_item(item: dict[str, Any]) -> Any:
    return (item["text"], blocks_structure(item.get("children", [])))


def assert_round_trip(document: OutputDocument) -> list[Any]:
    assert document.article is not None and document.article.blocks is not None
    expected = blocks_structure(document.article.blocks)
    assert markdown_structure(document.article.markdown) == expected
    return expected


# --------------------------------------------------------------------------- pages
def test_headings_keep_their_levels_and_the_title_is_not_repeated(tmp_path: Path) -> None:
    sections = "".join(
        f"<h{level}>Section at level {level}</h{level}><p>{SENTENCES[level - 2]}</p>"
        for level in range(2, 7)
    )
    document = extract(tmp_path, page(sections))
    structure = assert_round_trip(document)
    headings = [item for item in structure if item[0] == "heading"]
    assert headings == [("heading", n, f"Section at level {n}") for n in range(2, 7)]
    assert document.article is not None
    text = document.article.text
    assert "Harbour works explained" not in text.split("\n")[0]  # the title has its own field
    assert "#" not in text
    for level in range(2, 7):
        assert f"\nSection at level {level}\n" in text


def test_nested_lists_keep_their_order_kind_and_nesting(tmp_path: Path) -> None:
    body = (
        "<ul><li>Check the tide tables</li><li>Book the crane<ol><li>Call the depot</li>"
        "<li>Agree on a day<ul><li>By e-mail</li></ul></li></ol></li><li>Close the quay</li>"
        "</ul><ol><li>First step of the plan</li><li>Second step of the plan</li></ol>"
    )
    document = extract(tmp_path, page(body))
    structure = assert_round_trip(document)
    lists = [item for item in structure if item[0] == "list"]
    assert lists[0] == (
        "list",
        False,
        [
            ("Check the tide tables", []),
            (
                "Book the crane",
                [
                    (
                        "list",
                        True,
                        [
                            ("Call the depot", []),
                            ("Agree on a day", [("list", False, [("By e-mail", [])])]),
                        ],
                    )
                ],
            ),
            ("Close the quay", []),
        ],
    )
    assert lists[1] == (
        "list",
        True,
        [("First step of the plan", []), ("Second step of the plan", [])],
    )
    assert document.article is not None
    assert "\n  Call the depot\n    By e-mail" not in document.article.text  # items, then
    assert "    By e-mail" in document.article.text  # nested items are indented


@pytest.mark.parametrize("with_thead", [True, False])
def test_tables_keep_header_rows_and_empty_cells(tmp_path: Path, with_thead: bool) -> None:
    head = "<tr><th>Berth</th><th>Depth (m)</th><th>Notes</th></tr>"
    rows = (
        "<tr><td>North 1</td><td>9.5</td><td></td></tr>"
        "<tr><td>North 2</td><td></td><td>dredging | in progress</td></tr>"
    )
    table = (
        f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
        if with_thead
        else (f"<table><tbody>{rows}</tbody></table>")
    )
    document = extract(tmp_path, page(table))
    structure = assert_round_trip(document)
    [table_structure] = [item for item in structure if item[0] == "table"]
    data_rows = [["North 1", "9.5", ""], ["North 2", "", "dredging | in progress"]]
    if with_thead:
        assert table_structure == ("table", ["Berth", "Depth (m)", "Notes"], data_rows)
    else:  # no empty header row in the Markdown: the first row is its header
        assert table_structure == ("table", data_rows[0], data_rows[1:])
    assert document.article is not None and document.article.blocks is not None
    [block] = [block for block in document.article.blocks if block["type"] == "table"]
    assert block["header"] == (["Berth", "Depth (m)", "Notes"] if with_thead else None)
    text = document.article.text
    for cell in ("North 1", "9.5", "North 2", "dredging | in progress"):
        assert cell in text
    assert "---" not in text


def test_a_layout_table_s_cell_is_paragraphs_not_a_one_cell_table(tmp_path: Path) -> None:
    """Old sites put the whole article in one table cell, its paragraphs split by <br>: each
    paragraph its own line, no table in the Markdown. A one-column data table stays a table."""
    body = "<br><br>".join(SENTENCES)
    html = (
        "<html lang='en'><head><title>Harbour works | Harbour News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<table width='600'><tr><td><h1>Harbour works</h1>{body}</td></tr></table>"
        "<p>© Harbour News</p></body></html>"
    )
    document = extract(tmp_path, html)
    assert document.article is not None
    lines = document.article.text.splitlines()
    assert [s for s in SENTENCES if s not in lines] == []
    assert "|" not in document.article.markdown
    assert_round_trip(document)
    berths = "".join(f"<tr><td>North berth {n}</td></tr>" for n in range(1, 5))
    data = extract(tmp_path, page(f"<table><tr><th>Berth</th></tr>{berths}</table>"))
    assert any(block["type"] == "table" for block in data.article.blocks or [])


def test_code_blocks_stay_verbatim_with_their_language(tmp_path: Path) -> None:
    code = (
        'export TOKEN="${SECRET_TOKEN}"\n'
        "{% for port in ports %}  listen {{ port }};{% endfor %}\n"
        "cat access.log | grep -v health | wc -l\n"
        "    indented line kept"
    )
    escaped = code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = f"<pre><code class='language-bash'>{escaped}</code></pre>"
    document = extract(tmp_path, page(body))
    structure = assert_round_trip(document)
    assert ("code", "bash", code) in structure
    assert document.article is not None
    for line in code.split("\n"):
        assert line in document.article.text.split("\n")
    assert "template_token" not in document.extraction.cleaning


def test_quotes_and_figures_with_captions(tmp_path: Path) -> None:
    body = (
        f"<blockquote><p>{SENTENCES[3]}</p><p>{SENTENCES[4]}</p></blockquote>"
        f"<p>{SENTENCES[5]}</p>"
        "<figure><img src='/img/quay.jpg' alt='The north quay at low tide'>"
        "<figcaption>Figure 2: the north quay at low tide</figcaption></figure>"
    )
    document = extract(tmp_path, page(body))
    structure = assert_round_trip(document)
    assert ("quote", [("paragraph", SENTENCES[3]), ("paragraph", SENTENCES[4])]) in structure
    image = ("image", "The north quay at low tide", "https://harbour.example/img/quay.jpg")
    position = structure.index(image)
    assert structure[position - 1] == ("paragraph", SENTENCES[5])
    assert structure[position + 1] == ("caption", "Figure 2: the north quay at low tide")


def test_right_to_left_text_round_trips(tmp_path: Path) -> None:
    arabic = "قال المجلس إن أعمال الميناء ستبدأ في الربيع المقبل بعد انتهاء موسم العواصف."
    hebrew = "המועצה אישרה את התוכנית לאחר דיון ארוך בישיבה הפתוחה של ועדת התחבורה."
    body = f"<h2 dir='rtl'>تقرير الميناء</h2><p dir='rtl'>{arabic}</p><p dir='rtl'>{hebrew}</p>"
    document = extract(tmp_path, page(body))
    structure = assert_round_trip(document)
    assert ("paragraph", arabic) in structure and ("paragraph", hebrew) in structure
    assert ("heading", 2, "تقرير الميناء") in structure


def test_boilerplate_stays_out_of_text_and_markdown(tmp_path: Path) -> None:
    body = "<p>Also Read</p><p>Subscribe now for unlimited access</p><p>)</p>"
    document = extract(tmp_path, page(body))
    assert document.article is not None
    for leftover in ("Also Read", "Subscribe now", "Home", "© Harbour News"):
        assert leftover not in document.article.text
        assert leftover not in document.article.markdown
    assert "\n)\n" not in f"\n{document.article.markdown}\n"


# --------------------------------------------------------------------------- any text
SPECIAL = "*_[]()#>+-!|`\\<&~=.:;"
WORDS = (
    st.text(alphabet=st.sampled_from("abcxyz0123 " + SPECIAL + "éß漢"), min_size=1, max_size=30)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)


def block_strategy() -> st.SearchStrategy[Block]:
    heading = st.builds(
        lambda t, n: Block(BlockKind.HEADING, text=t, level=n), WORDS, st.integers(1, 6)
    )
    paragraph = st.lists(WORDS, min_size=1, max_size=3).map(
        lambda lines: Block(BlockKind.PARAGRAPH, text="\n".join(lines))
    )
    items = st.lists(WORDS.map(ListItem), min_size=1, max_size=4)
    listed = st.builds(
        lambda items, ordered: Block(BlockKind.LIST, ordered=ordered, items=tuple(items)),
        items,
        st.booleans(),
    )
    cells = st.lists(WORDS | st.just(""), min_size=2, max_size=2).map(tuple)
    table = st.builds(
        lambda header, rows: Block(BlockKind.TABLE, header=header, rows=tuple(rows)),
        cells.filter(any) | st.none(),
        st.lists(cells, min_size=1, max_size=3),
    )
    code = st.builds(
        lambda text, language: Block(BlockKind.CODE, text=text, language=language),
        st.text(alphabet="ab `~{}$|\n#*", min_size=1, max_size=40)
        .filter(lambda t: t.strip())
        .map(lambda t: t.strip("\n")),
        st.sampled_from([None, "python", "bash"]),
    )
    return st.one_of(heading, paragraph, listed, table, code)


@settings(max_examples=int(os.environ.get("STRUCTURE_EXAMPLES", "300")), deadline=None)
@given(blocks=st.lists(block_strategy(), min_size=1, max_size=5))
# A single `=` under a line is a setext underline (found by CI's run of this test).
@example(blocks=[Block(BlockKind.PARAGRAPH, text="0\n=")])
@example(blocks=[Block(BlockKind.PARAGRAPH, text="Total\n-")])
def test_any_text_renders_to_markdown_that_parses_back_to_the_same_blocks(
    blocks: list[Block],
) -> None:
    """Escaping: whatever characters the page's text holds, the Markdown means what it says."""
    expected = blocks_structure([block.to_dict() for block in blocks])
    assert markdown_structure(to_markdown(blocks)) == expected
    text = to_text(blocks)
    for block in blocks:
        if block.kind is BlockKind.CODE:
            assert block.text in text
