"""Figures in the record: the article's figures (its lead figure too) with their real pictures
as absolute URLs, in `document.markdown` and `document.blocks` alike; the page's logos,
sidebars and placeholders never. Pages written for these tests."""

from __future__ import annotations

import re
from typing import Any

import pytest

from article_extractor.document import OutputDocument, Status
from article_extractor.inputs import SOURCE_URL_METADATA_KEY, FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_fetched
from tests.conftest import assert_valid_output

URL = "https://harbour.example/news/2024/works"
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
PARAGRAPHS = (
    "The harbour authority published its annual report on the state of the northern docks, "
    "and the figures surprised even the engineers who had collected them.",
    "Engineers measured the tides every morning for six months before drawing any conclusions "
    "about the walls, the slipways and the old ferry steps.",
    "Residents were invited to comment on the plans at a series of public meetings in March, "
    "where the fishermen asked most of the questions.",
    "The council expects the first phase of the works to be finished before the winter storms "
    "arrive, though nobody on the quay is counting on it.",
)
SITE_HEADER = (
    "<header><figure class='site-logo'><img src='/logo.png' alt='Harbour News'></figure>"
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav></header>"
)
SIDEBAR = "<aside><figure><img src='/ads/ferry.jpg' alt='Advert'></figure><p>Book now</p></aside>"


def page(lead: str = "", middle: str = "", before: str = SITE_HEADER, after: str = "") -> str:
    first, second, *rest = (f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return (
        "<html lang='en'><head><title>Harbour works | Harbour News</title></head><body>"
        f"{before}<main><article>{lead}<h1>Harbour works</h1><p class='byline'>By Ann Lee</p>"
        f"{first}{second}{middle}{''.join(rest)}</article></main>{after}</body></html>"
    )


def extract(html: str, url: str | None = URL, content_model: bool = True) -> OutputDocument:
    body = html.encode()
    fetched = FetchedObject(
        body=body, size=len(body), metadata={SOURCE_URL_METADATA_KEY: url} if url else {}
    )
    options = ProcessingOptions(include_blocks=True, content_model=content_model)
    document = process_fetched(ObjectRef(None, "page.html"), fetched, options)
    assert_valid_output(document.to_dict())
    assert document.status is Status.OK and document.article is not None
    return document


def markdown_images(document: OutputDocument) -> list[str]:
    assert document.article is not None
    return re.findall(r"!\[[^\]]*\]\(<?([^)>\s]*)", document.article.markdown)


def figure_blocks(document: OutputDocument) -> list[dict[str, Any]]:
    assert document.article is not None and document.article.blocks is not None
    return [block for block in document.article.blocks if block["type"] == "figure"]


@pytest.mark.parametrize("content_model", [True, False], ids=["model", "no-model"])
@pytest.mark.parametrize(
    "lead",
    [
        f"<figure><img src='{PLACEHOLDER}' data-src='/img/quay.jpg' alt='The quay'></figure>",
        "<figure><picture><source srcset='/img/quay.webp 1x, /img/quay@2x.webp 2x'>"
        f"<img src='{PLACEHOLDER}' alt='The quay'></picture></figure>",
        "<figure><img src='/img/quay.jpg' alt='The quay'><figcaption>At dawn</figcaption></figure>",
    ],
    ids=["lazy", "picture", "plain"],
)
def test_the_lead_figure_opens_the_markdown(lead: str, content_model: bool) -> None:
    document = extract(page(lead=lead), content_model=content_model)
    assert document.article is not None
    images = markdown_images(document)
    assert len(images) == 1 and images[0].startswith("https://harbour.example/img/quay")
    assert document.article.markdown.index(images[0]) < document.article.markdown.index(
        PARAGRAPHS[0]
    )
    assert [block["src"] for block in figure_blocks(document)] == images


def test_a_lead_figure_in_the_article_s_own_header_is_its_lead() -> None:
    html = page().replace(
        "<h1>Harbour works</h1>",
        "<header><figure><img src='/img/quay.jpg'></figure><h1>Harbour works</h1></header>",
    )
    assert markdown_images(extract(html)) == ["https://harbour.example/img/quay.jpg"]


def test_a_figure_between_the_title_and_the_text_opens_the_markdown() -> None:
    html = page().replace(
        "<p class='byline'>", "<figure><img src='/img/quay.jpg'></figure><p class='byline'>"
    )
    document = extract(html)
    assert document.article is not None
    assert markdown_images(document) == ["https://harbour.example/img/quay.jpg"]
    assert document.article.markdown.startswith("![")


def test_a_lead_figure_as_the_body_s_first_element_is_the_lead() -> None:
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    html = (
        "<html><head><title>Harbour works</title></head><body>"
        f"<figure><img src='/img/quay.jpg' alt='The quay'></figure>{paragraphs}</body></html>"
    )
    assert markdown_images(extract(html)) == ["https://harbour.example/img/quay.jpg"]


def test_a_mid_article_figure_follows_its_paragraph() -> None:
    middle = f"<figure><img src='{PLACEHOLDER}' data-lazy-src='quay.jpg' alt='Quay'></figure>"
    document = extract(page(middle=middle))
    assert document.article is not None
    markdown = document.article.markdown
    source = "https://harbour.example/news/2024/quay.jpg"
    assert markdown_images(document) == [source]
    assert markdown.index(PARAGRAPHS[1]) < markdown.index(source) < markdown.index(PARAGRAPHS[2])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (SITE_HEADER, ""),
        (SIDEBAR, ""),
        ("", SIDEBAR),
        (
            "<div class='menu'><figure><img src='/promo.jpg'></figure><ul><li>Sport</li>"
            "<li>Weather</li></ul></div>",
            "",
        ),
        ("", "<footer><figure><img src='/badge.png'></figure><p>© Harbour News</p></footer>"),
    ],
    ids=["site-header", "sidebar-before", "sidebar-after", "menu-before", "footer"],
)
def test_the_page_s_own_pictures_stay_out(before: str, after: str) -> None:
    assert markdown_images(extract(page(before=before, after=after))) == []


@pytest.mark.parametrize(
    "lead",
    [
        "<figure><img src='/img/mark.png' width='70' height='70'></figure>",
        "<figure class='site-logo'><img src='/img/mark.png'></figure>",
        "<figure><img id='logo-main' src='/img/mark.png'></figure>",
        "<div class='brand-logo'><figure><img src='/img/mark.png'></figure></div>",
        "<a href='/'><figure><img src='/img/mark.png'></figure></a>",
        "<nav><figure><img src='/img/mark.png'></figure></nav>",
        f"<figure><img src='{PLACEHOLDER}'></figure>",
    ],
    ids=["icon-sized", "logo-class", "logo-id", "logo-container", "in-a-link", "nav", "no-source"],
)
def test_an_icon_before_the_article_is_no_lead_figure(lead: str) -> None:
    assert markdown_images(extract(page(lead=lead))) == []


def test_a_lead_figure_may_link_to_its_full_size_picture() -> None:
    lead = (
        "<figure><a href='/img/quay-large.jpg'><img src='/img/quay.jpg' width='800'></a></figure>"
    )
    assert markdown_images(extract(page(lead=lead))) == ["https://harbour.example/img/quay.jpg"]


@pytest.mark.parametrize(
    "between",
    [
        "<ul><li><a href='/a'>Ferry fares rise</a></li><li><a href='/b'>Tide tables</a></li></ul>",
        "".join(
            f"<div><span>Teaser {n}</span></div><p><a href='/{n}'>Story {n}</a></p>"
            for n in range(7)
        ),
    ],
    ids=["a-menu", "many-lines"],
)
def test_a_figure_before_more_than_a_title_and_byline_is_no_lead(between: str) -> None:
    lead = f"<figure><img src='/img/promo.jpg'></figure>{between}"
    assert markdown_images(extract(page(lead=lead))) == []


def test_figures_far_past_the_article_s_end_stay_out() -> None:
    related = "".join(
        f"<div class='card'><p><a href='/s/{n}'>Related story {n}</a></p><p>{n} min read</p></div>"
        for n in range(6)
    )
    close = "<figure><img src='/img/last.jpg'></figure>"
    far = "<figure><img src='/img/related.jpg'></figure>"
    html = page(after=f"<section>{related}{far}</section>").replace(
        "</article>", close + "</article>"
    )
    assert markdown_images(extract(html)) == ["https://harbour.example/img/last.jpg"]


def test_a_figure_whose_images_are_only_placeholders_keeps_only_its_caption() -> None:
    caption = "<figcaption>The quay at dawn</figcaption>"
    middle = (
        f"<figure><img src='{PLACEHOLDER}' alt='x'>{caption}</figure>"
        f"<figure><img src='{PLACEHOLDER}' alt='nothing'></figure>"
    )
    document = extract(page(middle=middle))
    assert document.article is not None
    assert markdown_images(document) == []
    assert "data:" not in document.article.markdown
    assert "*The quay at dawn*" in document.article.markdown
    assert figure_blocks(document) == [
        {"type": "figure", "src": None, "alt": "x", "caption": "The quay at dawn"}
    ]


@pytest.mark.parametrize(
    ("url", "head", "expected"),
    [
        (URL, "", "https://harbour.example/img/quay.jpg"),
        (
            None,
            "<link rel='canonical' href='https://harbour.example/news/1'>",
            "https://harbour.example/img/quay.jpg",
        ),
        (
            URL,
            "<base href='https://static.harbour.example/'>",
            "https://static.harbour.example/img/quay.jpg",
        ),
        (None, "", None),  # nothing to resolve against: no guess
    ],
    ids=["source-url", "canonical", "base-href", "no-url"],
)
def test_relative_sources_resolve_against_the_page(
    url: str | None, head: str, expected: str | None
) -> None:
    lead = "<figure><img src='/img/quay.jpg'></figure>"
    html = page(lead=lead).replace("<head>", f"<head>{head}")
    document = extract(html, url=url)
    assert markdown_images(document) == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("/img/og.jpg", "https://harbour.example/img/og.jpg"),
        ("https://cdn.example/og.jpg", "https://cdn.example/og.jpg"),
        (PLACEHOLDER, None),
    ],
)
def test_the_document_image_is_an_absolute_http_url(content: str, expected: str | None) -> None:
    html = page().replace("<head>", f"<head><meta property='og:image' content='{content}'>")
    document = extract(html)
    assert document.article is not None
    assert document.article.image == expected
