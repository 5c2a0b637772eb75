"""The pre-parse scan against libxml2 itself: for generated tags and documents, the scan finds
every start tag libxml2 parses and never counts fewer attributes than libxml2 keeps. An
under-count would let a page through whose parse cannot be interrupted; an over-count only
costs a false `too_complex` on pages far from real ones.

`MARKUP_EXAMPLES=4000` runs the properties long (the default run stays short).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from article_extractor.errors import ErrorCode, ProcessingError
from article_extractor.pipeline.read import markup_limits
from article_extractor.pipeline.read.markup_limits import (
    HEAVY_TAG_ATTRIBUTES,
    MAX_ANGLE_BRACKETS,
    MAX_ATTRIBUTE_PAIRS,
    MAX_MARKUP_ITEMS,
    MarkupScanner,
    check_markup,
    count_items,
)

EXAMPLES = int(os.environ.get("MARKUP_EXAMPLES", "300"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Threshold 1: every start tag with an attribute is reported, so every one is compared.
EVERY_TAG = MarkupScanner(1)


class StartTags:
    """An lxml parser target recording each start tag libxml2 emits: (name, attributes kept)."""

    def __init__(self) -> None:
        self.tags: list[tuple[str, int]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.tags.append((tag, len(attrib)))

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> list[tuple[str, int]]:
        return self.tags


def libxml2_start_tags(html: str) -> list[tuple[str, int]]:
    """Start tags as the product's parser reads them (its options, events instead of a tree)."""
    parser = etree.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lack default_doctype
        target=StartTags(),
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    parser.feed(html.encode("utf-8"))
    tags: list[tuple[str, int]] = parser.close()
    return tags


def libxml2_name(written: str) -> str:
    """A tag name as libxml2 stores it: ASCII letters lower-cased, cut at 100 UTF-8 bytes."""
    kept, size = [], 0
    for character in written:
        size += len(character.encode("utf-8"))
        if size > 100:
            break
        kept.append(character.lower() if character.isascii() else character)
    return "".join(kept)


def assert_covers(html: str) -> None:
    """Each start tag libxml2 keeps attributes on is, in order, one the scan counted at least as
    many attributes for."""
    scanned = [(libxml2_name(name), count) for name, count in EVERY_TAG.heavy_tags(html)]
    position = 0
    for name, kept in libxml2_start_tags(html):
        if kept == 0:
            continue
        while position < len(scanned) and not (
            scanned[position][0] == name and scanned[position][1] >= kept
        ):
            position += 1
        assert position < len(scanned), f"libxml2 read <{name}> with {kept} attributes: {html!r}"
        position += 1


# ------------------------------------------------------------------------- generated markup
def pieces(piece: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(piece, max_size=max_size).map("".join)


WHITESPACE = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\x0c", "\r"])
SEPARATOR = st.one_of(WHITESPACE, st.sampled_from(["/", " / ", "//", "/\n"]))
# Characters HTML5 keeps inside names, the ones a careless tokenizer would not.
NAME_CHARACTER = st.sampled_from([*"abcXYZ019-_:.", '"', "'", "<", "`", "&", ";", "é", "\xa0"])
VALUE_PIECE = st.sampled_from(
    [*"ab1 ", "\t", "\n", ">", "<", "/", "=", '"', "'", "`", "&amp;", "é", "\xa0", "-->"]
)
ATTRIBUTE_NAME = st.builds(
    lambda first, rest: first + rest,
    st.one_of(NAME_CHARACTER, st.just("=")),  # "=" may start a name
    st.text(NAME_CHARACTER, max_size=6),
)


def quoted(quote: str) -> st.SearchStrategy[str]:
    return pieces(VALUE_PIECE, 8).map(lambda value: quote + value.replace(quote, "") + quote)


VALUE = st.one_of(
    quoted('"'),
    quoted("'"),
    pieces(VALUE_PIECE, 8).map(lambda value: "".join(c for c in value if c not in " \t\n\r\x0c>")),
)
ATTRIBUTE = st.builds(
    lambda name, value, before, after: name if value is None else f"{name}{before}={after}{value}",
    ATTRIBUTE_NAME,
    st.one_of(st.none(), VALUE),
    st.sampled_from(["", " ", "\n"]),
    st.sampled_from(["", " ", "\t"]),
)
# Every element libxml2 knows, and HTML5 names it does not: any could switch it to raw text.
ELEMENT_NAMES_TEXT = """
a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink
blockquote body br button canvas caption center cite code col colgroup data datalist dd del
details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
keygen label legend li link listing main map mark marquee math menu menuitem meta meter multicol
nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture
plaintext pre progress q rb rp rt rtc ruby s samp script search section select slot small source
spacer span strike strong style sub summary sup svg table tbody td template textarea tfoot th
thead time title tr track tt u ul var video wbr xmp
"""
ELEMENT_NAMES = ELEMENT_NAMES_TEXT.split()
TAG_NAME = st.one_of(
    st.sampled_from(ELEMENT_NAMES),
    st.sampled_from(["DIV", "Script", "scriptx", "style1", "titles", "plaintextx"]),
    st.builds(lambda first, rest: first + rest, st.sampled_from("aZq"), st.text(NAME_CHARACTER)),
)
RAW_NAMES = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"]
RAW_NAME = st.sampled_from([*RAW_NAMES, *(name.upper() for name in RAW_NAMES), "ScRiPt"])


@st.composite
def start_tag(draw: Any, names: st.SearchStrategy[str] = TAG_NAME) -> str:
    attributes = draw(st.lists(st.tuples(SEPARATOR, ATTRIBUTE), max_size=6))
    body = "".join(separator + attribute for separator, attribute in attributes)
    ending = draw(st.sampled_from([">", "/>", " >", "\n/>", " / >"]))
    return f"<{draw(names)}{body}{ending}"


@st.composite
def end_tag(draw: Any) -> str:
    attributes = draw(st.lists(st.tuples(SEPARATOR, ATTRIBUTE), max_size=2))
    body = "".join(separator + attribute for separator, attribute in attributes)
    return f"</{draw(st.one_of(TAG_NAME, RAW_NAME))}{body}>"


# Quotes and tags that would hide what follows if read as markup, and near-miss end tags.
RAW_CONTENT_PIECE = st.one_of(
    pieces(VALUE_PIECE, 6),
    st.sampled_from(
        [
            *('<a b="', "<a b='", '"', "'", "<!--", "-->", "--!>", "<script>", "<script "),
            *("</script>", "</script", "</scriptx>", "</SCRIPT >", "</style/>", "</textarea\n>"),
            *("</title>", "<p a b c>", "</", "<"),
        ]
    ),
)
OTHER_MARKUP = st.sampled_from(
    [
        *("<!-- a <p x y z> -->", "<!-->", "<!--->", "<!-- --!>", "<!---->", "<!--", "-->"),
        *("<!DOCTYPE html>", '<!doctype html PUBLIC "-//W3C//DTD XHTML 1.0//EN" ">'),
        *("<!x <p a b c>", "<?php <p a b c> ?>", "</>", "</ <p a b>", "</1 x>", "< p a b>", "<"),
        *("&lt;p a b&gt;", "<![CDATA[<p a b c>]]>", '<!-- <a b=" -->', "<!x <a b='>"),
        *('<? <a b=" ?>', '</div <a b=">', '<a title="', "<a title='", '"', "'"),
    ]
)


@st.composite
def raw_element(draw: Any) -> str:
    return draw(start_tag(st.one_of(RAW_NAME, st.just("plaintext")))) + draw(
        pieces(RAW_CONTENT_PIECE, 6)
    )


DOCUMENT = pieces(
    st.one_of(
        start_tag(),
        start_tag(),
        raw_element(),
        end_tag(),
        OTHER_MARKUP,
        pieces(VALUE_PIECE, 6),
    ),
    16,
)
SCRIPT_PIECE = st.sampled_from(
    [
        *("<!--", "-->", "--!>", "<!-->", "<script>", "<SCRIPT\n", "</script>", "</script/"),
        *("</scriptx>", "<script", "</script", "-", "<", "!", "x", '<a b="', "<a b='", '"', "'"),
    ]
)
HEAVY_DIV = "<div " + " ".join(f"a{n}" for n in range(10)) + ">"


# ------------------------------------------------------------------------- properties
@PROPERTY
@given(start_tag())
def test_a_tag_never_has_fewer_attributes_than_libxml2_reads(tag: str) -> None:
    assert_covers(f"<html><body>{tag}text</body></html>")


@PROPERTY
@given(st.lists(st.tuples(SEPARATOR, ATTRIBUTE), min_size=1, max_size=8), st.booleans())
def test_distinct_attributes_are_all_counted(
    attributes: list[tuple[str, str]], unterminated: bool
) -> None:
    """Names made distinct (numbered) so that libxml2 drops none: its count is the whole."""
    body = "".join(
        f"{separator}n{index}{attribute}" for index, (separator, attribute) in enumerate(attributes)
    )
    end = "" if unterminated else ">"
    assert_covers(f"<html><body><div{body}{end}text</div></body></html>")


@PROPERTY
@given(DOCUMENT)
def test_every_tag_of_a_document_is_found_with_enough_attributes(document: str) -> None:
    assert_covers(document)
    assert_covers(f"<html><body>{document}</body></html>")


@PROPERTY
@given(pieces(SCRIPT_PIECE, 12))
def test_script_escapes_end_where_libxml2_ends_them(content: str) -> None:
    after = f"{HEAVY_DIV}\"'{HEAVY_DIV}'\"{HEAVY_DIV}</script>{HEAVY_DIV}"
    assert_covers(f"<script>{content}</script>{after}")


@PROPERTY
@given(DOCUMENT)
def test_items_are_never_fewer_than_libxml2_reads(document: str) -> None:
    """Start tags and their attributes as libxml2 emits them (it may add html, head, body)."""
    emitted = libxml2_start_tags(document)
    implied = sum(1 for name, kept in emitted if kept == 0 and name in ("html", "head", "body"))
    assert count_items(document, stop_over=10**9) >= sum(1 + kept for _, kept in emitted) - implied


# ------------------------------------------------------------------------- where markup stops
@pytest.mark.parametrize("name", ELEMENT_NAMES)
def test_elements_read_as_raw_text_are_the_ones_libxml2_reads_so(name: str) -> None:
    for opening in (f"<{name}>", f"<{name.upper()} x=1>", f"<{name}/>"):
        html = f"<html><body>{opening}<p>{HEAVY_DIV}</p></{name}>{HEAVY_DIV}</body></html>"
        assert_covers(html)


# Places whose text libxml2 does not read as markup, each holding a tag that opens a quote: the
# scan must end them where libxml2 does, or the quote would hide the tags that follow.
NOT_MARKUP = [
    *(f"<{name}>{{}}</{name}>" for name in RAW_NAMES),
    *(f"<{name} x=1>{{}}</{name.upper()}\n>" for name in RAW_NAMES),
    *(f"<{name}>{{}}</{name}/x=1>" for name in RAW_NAMES),
    "<script><!--{}--></script>",
    "<script><!--<script>{}--></script>",
    "<script><!--<script></script>{}--></script>",
    "<script><!--{}</script>",
    "<script><!--<script>{}</script></script>",
    "<!--{}-->",
    "<!--{}--!>",
    "<!x{}>",
    "<!DOCTYPE html{}>",
    "<?x{}>",
    "</1{}>",
    '<p title="{}">',
    "<p title='{}'>",
]


@pytest.mark.parametrize("context", NOT_MARKUP)
@pytest.mark.parametrize("fake", ['<a b="', "<a b='", '<a b=" >', "<a b=x'"])
def test_tags_after_text_that_is_not_markup_are_counted(context: str, fake: str) -> None:
    html = context.replace("{}", fake) + HEAVY_DIV + "\"'text</div>"
    assert ("div", 10) in libxml2_start_tags(html)  # the case is not vacuous
    assert_covers(html)


def test_attributes_after_quoted_markup_are_counted() -> None:
    """A quoted value may hold ">" and "<": the tag goes on past them."""
    names = " ".join(f"a{n}" for n in range(10_000))
    html = f"<html><body><div title=\"<p>\" data-x='a>b' {names}>text</div></body></html>"
    assert MarkupScanner(HEAVY_TAG_ATTRIBUTES).heavy_tags(html) == (("div", 10_002),)


# ------------------------------------------------------------------------- limits
def attribute_heavy_tag(attributes: int) -> str:
    return "<div " + " ".join(f"a{n}" for n in range(attributes)) + ">text</div>"


def test_tag_with_a_hundred_thousand_attributes_is_too_complex() -> None:
    with pytest.raises(ProcessingError) as raised:
        check_markup(f"<html><body>{attribute_heavy_tag(100_000)}</body></html>")
    assert raised.value.code is ErrorCode.TOO_COMPLEX
    assert "100000 attributes" in raised.value.message


def test_attribute_pairs_up_to_the_limit_pass() -> None:
    attributes = int(MAX_ATTRIBUTE_PAIRS**0.5)
    check_markup(attribute_heavy_tag(attributes))
    with pytest.raises(ProcessingError):
        check_markup(attribute_heavy_tag(attributes + 1))


def test_many_tags_under_the_heavy_threshold_are_too_many_items() -> None:
    tag = "<br " + " ".join(f"a{n}" for n in range(HEAVY_TAG_ATTRIBUTES - 1)) + ">"
    page = tag * (MAX_MARKUP_ITEMS // HEAVY_TAG_ATTRIBUTES + 1)
    assert MarkupScanner(HEAVY_TAG_ATTRIBUTES).heavy_tags(page) == ()
    with pytest.raises(ProcessingError) as raised:
        check_markup(page)
    assert raised.value.code is ErrorCode.TOO_COMPLEX
    assert "tags and attributes" in raised.value.message


def test_too_many_angle_brackets_are_too_complex() -> None:
    with pytest.raises(ProcessingError) as raised:
        check_markup("a < b " * (MAX_ANGLE_BRACKETS + 1))
    assert raised.value.code is ErrorCode.TOO_COMPLEX


def test_text_heavy_page_is_not_mistaken_for_markup() -> None:
    words = " ".join(f"word{n % 1000}" for n in range(MAX_MARKUP_ITEMS * 2))
    check_markup(f"<html><body><p>{words}</p></body></html>")


def test_scanner_patterns_are_built_once() -> None:
    assert markup_limits._scanner() is markup_limits._scanner()
    assert markup_limits._patterns() is markup_limits._patterns()
