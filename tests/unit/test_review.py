"""The review page as HTML, read back with lxml: one element per decision carrying its
`data-*`, the page's text escaped and never its markup, no script, no remote reference, the
Content-Security-Policy, and the Markdown rendered with images as placeholders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml.html import HtmlElement, document_fromstring

from article_extractor.document import METADATA_SOURCES, OutputDocument
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor_tools.files import LocalFileReader
from article_extractor_tools.review import (
    CONTENT_SECURITY_POLICY,
    SOURCES,
    render_markdown,
    review_document,
    review_html,
    review_path,
)
from tests.conftest import FIXTURES

PAGES = {
    "article": FIXTURES / "review" / "article.html",
    "hostile": FIXTURES / "review" / "hostile.html",
}
# Attributes through which a page loads or runs something.
LOADING_ATTRIBUTES = {
    "src",
    "srcset",
    "srcdoc",
    "data",
    "action",
    "formaction",
    "background",
    "poster",
}


@cache
def reviewed(name: str) -> tuple[OutputDocument, str]:
    ref = ObjectRef(None, str(PAGES[name]))
    document = review_document(ref, LocalFileReader(), ProcessingOptions())
    return document, review_html(document)


def tree(name: str) -> HtmlElement:
    return document_fromstring(reviewed(name)[1])


@pytest.mark.parametrize("name", PAGES)
def test_one_block_element_per_decision_with_its_data_attributes(name: str) -> None:
    document, _ = reviewed(name)
    assert document.extraction.decisions
    blocks = tree(name).find_class("block")
    assert [(b.get("data-decision"), b.get("data-by"), b.get("data-block")) for b in blocks] == [
        (d.decision, d.by, d.block) for d in document.extraction.decisions
    ]
    shown = [" ".join(b.text_content().split()) for b in blocks]
    for decision, text in zip(document.extraction.decisions, shown, strict=True):
        assert " ".join(decision.text.split()) in text


@pytest.mark.parametrize("name", PAGES)
def test_nothing_runs_and_nothing_loads(name: str) -> None:
    page = tree(name)
    assert not page.xpath("//script | //iframe | //object | //embed | //img | //svg | //base")
    assert not page.xpath("//link | //form | //meta[@http-equiv='refresh']")
    for element in page.iter():
        for attribute, value in element.attrib.items():
            assert not attribute.startswith("on"), (element.tag, attribute)
            assert attribute not in LOADING_ATTRIBUTES, (element.tag, attribute)
            assert "javascript:" not in value.lower()
    styles = " ".join(page.xpath("//style/text()")) + " ".join(page.xpath("//@style"))
    assert "url(" not in styles and "@import" not in styles


@pytest.mark.parametrize("name", PAGES)
def test_the_content_security_policy_forbids_scripts_and_remote_loads(name: str) -> None:
    [policy] = tree(name).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives  # default-src 'none' then covers scripts
    assert directives["img-src"] == "data:"
    head = reviewed(name)[1].split("<head>", 1)[1]
    assert head.index("Content-Security-Policy") < head.index("<title>")  # before any content


def test_the_hostile_page_is_shown_as_its_text() -> None:
    _, html = reviewed("hostile")
    page = tree("hostile")
    texts = " ".join(block.text_content() for block in page.find_class("block"))
    assert '<script>window.pwned = 9; document.title = "pwned"</script>' in texts
    assert "&lt;script&gt;window.pwned = 9" in html
    assert "<script>" not in html.lower()
    [figure] = [b for b in page.find_class("block") if b.get("data-by") == "figures"]
    assert "<img src=x onerror=alert(1)>" in figure.text_content()


def test_the_markdown_is_rendered_with_images_as_placeholders() -> None:
    markdown = tree("article").find_class("markdown")[0]
    assert markdown.xpath(".//h2/text()") == ["What the quay brings"]
    assert len(markdown.xpath(".//ul/li")) == 3
    [image] = markdown.find_class("placeholder")
    assert image.text_content() == "[image: The quay at dawn https://harbour.example/img/quay.jpg]"


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[plans](https://harbour.example/plans)", "https://harbour.example/plans"),
        ("[mail](mailto:desk@harbour.example)", "mailto:desk@harbour.example"),
        ("[run](javascript:alert(1))", None),
        ("[run](JaVaScRiPt:alert(1))", None),
        ("[file](file:///etc/passwd)", None),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", None),
        ("[ftp](ftp://harbour.example/plans)", None),
    ],
)
def test_markdown_links_are_only_web_and_mail_and_never_send_a_referrer(
    markdown: str, href: str | None
) -> None:
    rendered = document_fromstring(f"<div>{render_markdown(markdown)}</div>")
    links = rendered.xpath("//a")
    if href is None:
        assert all(link.get("href") is None for link in links)
        assert "javascript" not in " ".join(rendered.xpath("//@href")).lower()
    else:
        [link] = links
        assert link.get("href") == href
        assert link.get("rel") == "noreferrer nofollow"


def test_markdown_shows_raw_html_as_text() -> None:
    rendered = render_markdown('<img src="http://127.0.0.1:9/x.png" onerror="alert(1)"> <b>b</b>')
    assert "<img" not in rendered and "&lt;img" in rendered
    assert "<b>" not in rendered


def test_filters_are_radio_buttons_styled_without_script() -> None:
    page = tree("article")
    radios = page.xpath("//input[@type='radio'][@name='show']")
    assert [r.get("id") for r in radios][:3] == ["show-all", "show-removed", "show-kept"]
    assert radios[0].get("checked") is not None
    labels = {label.get("for") for label in page.xpath("//nav[@class='filters']/label")}
    assert labels == {r.get("id") for r in radios}
    style = " ".join(page.xpath("//style/text()"))
    document, _ = reviewed("article")
    assert document.extraction.decisions
    for index, by in enumerate(dict.fromkeys(d.by for d in document.extraction.decisions)):
        assert f'#show-by-{index}:checked ~ main .block:not([data-by="{by}"])' in style


def test_metadata_rows_say_where_each_value_came_from() -> None:
    rows = {
        row.get("data-field"): [cell.text_content() for cell in row.xpath("./td")]
        for row in tree("article").xpath("//section[@class='metadata']//tr")
    }
    assert rows["title"] == ["The new quay opens in spring", SOURCES["h1"]]
    assert rows["author"] == ["Jane Roe", SOURCES["json_ld_author"]]
    assert rows["standfirst"][1] == SOURCES["lede"]
    assert rows["page_type"][0] == "article"  # declared: no probability
    assert rows["page_type"][1] == SOURCES["declared_article"]


def test_every_metadata_source_has_words_on_the_page() -> None:
    assert set(SOURCES) == set(METADATA_SOURCES)


def test_a_failed_page_gets_a_review_saying_why(tmp_path: Path) -> None:
    page = tmp_path / "image.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    document = review_document(ObjectRef(None, str(page)), LocalFileReader(), ProcessingOptions())
    reviewed_page = document_fromstring(review_html(document))
    assert not reviewed_page.find_class("block")
    [empty] = reviewed_page.find_class("empty")
    assert "not_html" in empty.text_content()


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("news/page.html", "page.review.html"),
        ("page.htm.gz", "page.review.html"),
        ("story.HTML", "story.HTML.review.html"),
        (".html", "page.review.html"),
    ],
)
def test_the_default_review_file_is_named_after_the_page(source: str, name: str) -> None:
    assert review_path(Path("out"), source) == Path("out") / name
