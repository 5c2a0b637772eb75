"""An image's source is the picture the page shows, not its lazy-loading placeholder: each
convention pages use, resolved against the page's URL, and nothing for an image without an
http(s) source. Markup written for these tests."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement

from article_extractor.pipeline.blocks.images import (
    first_shown_image,
    image_source,
    image_url,
    largest_candidate,
)
from article_extractor.pipeline.read.parsing import parse_html

BASE = "https://example.com/news/story"
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


def element(markup: str, tag: str = "img") -> HtmlElement:
    tree = parse_html(f"<html><body>{markup}</body></html>")
    assert tree is not None
    found = next(tree.iter(tag), None)
    assert found is not None
    return found


@pytest.mark.parametrize(
    "attribute", ["data-src", "data-lazy-src", "data-original", "data-lazy", "nitro-lazy-src"]
)
def test_a_lazy_loading_attribute_gives_the_picture(attribute: str) -> None:
    image = element(f'<img src="{PLACEHOLDER}" {attribute}="/img/harbour.jpg">')
    assert image_source(image, BASE) == "https://example.com/img/harbour.jpg"


def test_the_lazy_source_wins_over_a_placeholder_file_in_src() -> None:
    image = element('<img src="/static/blank.gif" data-src="https://cdn.example.com/a.jpg">')
    assert image_source(image, BASE) == "https://cdn.example.com/a.jpg"


def test_a_lazy_srcset_wins_over_a_tiny_preview_in_src() -> None:
    srcset = "/a-40x27.jpg 40w, /a-900x600.jpg 900w"
    image = element(f'<img class="lazyload" src="/a-40x27.jpg" data-srcset="{srcset}">')
    assert image_source(image, BASE) == "https://example.com/a-900x600.jpg"


def test_src_wins_over_a_plain_srcset() -> None:
    image = element('<img src="/a.jpg" srcset="/a-2x.jpg 2x">')
    assert image_source(image, BASE) == "https://example.com/a.jpg"


@pytest.mark.parametrize("attribute", ["srcset", "data-srcset", "data-lazy-srcset"])
def test_the_largest_srcset_candidate_when_no_single_source(attribute: str) -> None:
    srcset = "/a-300.jpg 300w, /a-1024.jpg 1024w, /a-768.jpg 768w"
    image = element(f'<img src="{PLACEHOLDER}" {attribute}="{srcset}">')
    assert image_source(image, BASE) == "https://example.com/a-1024.jpg"


def test_a_picture_s_sources_give_the_picture() -> None:
    image = element(
        '<picture><source srcset="/p.avif 1x, /p@2x.avif 2x" type="image/avif">'
        f'<source srcset="/p.jpg"><img src="{PLACEHOLDER}" alt="Quay"></picture>'
    )
    assert image_source(image, BASE) == "https://example.com/p@2x.avif"


def test_the_noscript_copy_stands_in_for_a_bare_placeholder() -> None:
    figure = element(
        f'<figure><img src="{PLACEHOLDER}" alt="lazy"><noscript><img src="/real.jpg" alt="Real">'
        "</noscript></figure>",
        tag="figure",
    )
    shown = first_shown_image(figure, BASE)
    assert shown is not None
    image, source = shown
    assert (image.get("alt"), source) == ("Real", "https://example.com/real.jpg")


def test_an_amp_image_gives_its_source_over_its_sizer() -> None:
    figure = element(
        '<figure><amp-img src="/amp.jpg" width="800"><img aria-hidden="true" '
        'src="data:image/svg+xml;charset=utf-8,%3Csvg%3E"></amp-img></figure>',
        tag="figure",
    )
    shown = first_shown_image(figure, BASE)
    assert shown is not None and shown[1] == "https://example.com/amp.jpg"


@pytest.mark.parametrize(
    ("src", "base", "expected"),
    [
        ("/img/a.jpg", BASE, "https://example.com/img/a.jpg"),
        ("a.jpg", BASE, "https://example.com/news/a.jpg"),
        ("//cdn.example.com/a.jpg", BASE, "https://cdn.example.com/a.jpg"),
        ("https://cdn.example.com/a.jpg", None, "https://cdn.example.com/a.jpg"),
        ("/img/a.jpg", None, None),  # relative, and no page URL to resolve it against
        ("//cdn.example.com/a.jpg", None, None),
        (PLACEHOLDER, BASE, None),
        ("data:image/svg+xml,%3Csvg%3E", None, None),
        ("javascript:void(0)", BASE, None),
        ("#", BASE, None),  # the page itself
        ("", BASE, None),
        ("//:0", BASE, None),
        ("{{image.src}}", BASE, None),  # a template's placeholder, never rendered
        ("/img/${id}.jpg", BASE, None),
    ],
)
def test_only_an_http_source_is_a_source(src: str, base: str | None, expected: str | None) -> None:
    assert image_source(element(f'<img src="{src}">'), base) == expected


def test_an_image_without_any_http_source_has_none() -> None:
    image = element(f'<img src="{PLACEHOLDER}" data-src="{PLACEHOLDER}" srcset="{PLACEHOLDER} 2x">')
    assert image_source(image, BASE) is None


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("/s.jpg 300w, /l.jpg 1200w", "https://example.com/l.jpg"),
        ("/a.jpg, /b.jpg 2x", "https://example.com/b.jpg"),
        ("/a.jpg 1.5x, /b.jpg", "https://example.com/a.jpg"),
        ("/only.jpg", "https://example.com/only.jpg"),
        # a comma inside a URL (image CDNs' parameters) stays in it
        (
            "/c/w_300,h_200/a.jpg 300w, /c/w_900,h_600/a.jpg 900w",
            "https://example.com/c/w_900,h_600/a.jpg",
        ),
        ("/a.jpg 2x,/b.jpg 3x", "https://example.com/b.jpg"),
        (f"{PLACEHOLDER} 4000w, /real.jpg 400w", "https://example.com/real.jpg"),
        ("/bad.jpg nonsense, /good.jpg 10w", "https://example.com/good.jpg"),
        ("", None),
        (" , ,", None),
    ],
)
def test_srcset_candidates(srcset: str, expected: str | None) -> None:
    assert largest_candidate(srcset, BASE) == expected


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("/og.png", BASE, "https://example.com/og.png"),
        ("https://cdn.example.com/og.png", None, "https://cdn.example.com/og.png"),
        ("/og.png", None, None),
        ("data:image/png;base64,iVBOR", BASE, None),
        (BASE, BASE, None),
        (None, BASE, None),
    ],
)
def test_image_url(value: str | None, base: str | None, expected: str | None) -> None:
    assert image_url(value, base) == expected
