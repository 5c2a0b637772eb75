"""Which picture an image element shows: its real source, not a lazy-loading placeholder.

Pages that load pictures lazily put a placeholder in `src` (a `data:` URI, a blank GIF, nothing)
and the picture in an attribute their script copies into `src` later (`data-src`,
`data-lazy-src`, `data-original`...), in a `srcset` (or its lazy twin), in the `<source>`s of
a `<picture>`, or in a `<noscript>` copy of the element. The source is that picture's URL, made
absolute against the page's base URL; an image with no http(s) source has none (a `data:` URI
is never a source: it is the placeholder, or an inline icon).

Example::

    image_source(img, base="https://example.com/news/1")  # "https://example.com/img/a.jpg"
"""

from __future__ import annotations

from lxml.html import HtmlElement

from article_extractor.urls import absolute_web_url

# Where lazy-loading scripts keep the picture until they copy it into `src` (which holds the
# placeholder, or a tiny preview, until then): URLs, then candidate lists with their widths or
# densities. Then what a browser reads without a script.
LAZY_SOURCE_ATTRIBUTES = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-original-src",
    "nitro-lazy-src",
)
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "nitro-lazy-srcset")
SRCSET_ATTRIBUTES = (*LAZY_SRCSET_ATTRIBUTES, "srcset")
# (attribute, whether it holds a candidate list), in the order `image_source` reads them.
_READ_ORDER = (
    *((name, False) for name in LAZY_SOURCE_ATTRIBUTES),
    *((name, True) for name in LAZY_SRCSET_ATTRIBUTES),
    ("src", False),
    ("srcset", True),
)
IMAGE_TAGS = ("img", "amp-img")
_TEMPLATE_MARKS = ("{{", "}}", "${")


def image_url(value: str | None, base: str | None) -> str | None:
    """`value` (a picture's URL as a page writes it: og:image, an attribute) as an absolute
    http(s) URL resolved against `base`; None for a `data:` URI, for a relative URL without a
    base, for one that resolves to the page itself and for a template's unrendered placeholder.

    Example::

        image_url("/og.png", "https://example.com/news/1")  # "https://example.com/og.png"
    """
    if value and any(mark in value for mark in _TEMPLATE_MARKS):
        return None  # a template's placeholder left unrendered ("{{src}}"): no picture yet
    url = absolute_web_url(value, base=base)
    if url is None or (base and url.partition("#")[0] == base.partition("#")[0]):
        return None  # "" or "#" resolve to the page itself: no picture
    return url


def image_source(image: HtmlElement, base: str | None) -> str | None:
    """The absolute http(s) URL of the picture `image` (an `<img>` or `<amp-img>`) shows: from
    LAZY_SOURCE_ATTRIBUTES, the largest candidate of LAZY_SRCSET_ATTRIBUTES, `src`, the largest
    candidate of `srcset`, then of the `<source>`s of its `<picture>`; None when none is such a
    URL.

    Example::

        image_source(parse('<img src="data:image/gif;base64,R0l" data-src="/a.jpg">'),
                     base="https://example.com/news/1")  # "https://example.com/a.jpg"
    """
    for name, candidate_list in _READ_ORDER:
        url = (largest_candidate if candidate_list else image_url)(image.get(name), base)
        if url:
            return url
    picture = next(image.iterancestors("picture"), None)
    if picture is None:
        return None
    for source in picture.iter("source"):
        for name in SRCSET_ATTRIBUTES:
            url = largest_candidate(source.get(name), base)
            if url:
                return url
    return None


def first_shown_image(container: HtmlElement, base: str | None) -> tuple[HtmlElement, str] | None:
    """The first image in `container` (a `<figure>`) with a source, and that source: a
    placeholder `<img>` with nothing behind it gives way to the next, such as its `<noscript>`
    copy.

    Example::

        first_shown_image(figure, base)  # (<img>, "https://example.com/a.jpg") or None
    """
    for image in container.iter(*IMAGE_TAGS):
        source = image_source(image, base)
        if source:
            return image, source
    return None


def largest_candidate(srcset: str | None, base: str | None) -> str | None:
    """The candidate of a `srcset` value with the largest width (`800w`) or, without widths, the
    largest density (`2x`; none is `1x`), as an absolute http(s) URL; candidates that are not
    such a URL are passed over.

    Example::

        largest_candidate("/s.jpg 300w, /l.jpg 1024w", "https://example.com/")
        # "https://example.com/l.jpg"
    """
    best: tuple[bool, float, str] | None = None
    for url, descriptor in _candidates(srcset or ""):
        absolute = image_url(url, base)
        if absolute is None:
            continue
        size = _size(descriptor)
        if size is None:
            continue
        key = (descriptor.endswith("w"), size, absolute)  # widths rank above densities
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _candidates(srcset: str) -> list[tuple[str, str]]:
    """(URL, descriptor) pairs of a `srcset`, split as the HTML standard does: a URL runs to
    whitespace (a comma inside it, as in `w_300,h_200`, stays), a trailing comma ends it."""
    found: list[tuple[str, str]] = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        if not url:
            break
        if url.endswith(","):
            found.append((url.rstrip(","), ""))
            continue
        end = srcset.find(",", position)
        end = length if end < 0 else end
        found.append((url, srcset[position:end].strip()))
        position = end + 1
    return found


def _size(descriptor: str) -> float | None:
    """`800w` -> 800, `2x` -> 2, nothing -> 1; None for a descriptor that is neither."""
    words = descriptor.split()
    if not words:
        return 1.0
    value = words[0]
    try:
        number = float(value[:-1])
    except ValueError:
        return None
    return number if value[-1:] in ("w", "x") and number > 0 else None
