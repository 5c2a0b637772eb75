"""Bounds on what libxml2 does in one call, checked on the page text before it is parsed.

A signal cannot interrupt libxml2, so `deadline.time_limit` cannot stop a parse that takes
minutes. The parse is costly in two ways. Its check for duplicate attribute names costs up to
the square of a tag's attributes (one tag of 100,000 attributes, a 0.9 MB page, parses for
seconds), and every tag and attribute costs about a microsecond (10 MiB of small tags: seconds).
`check_markup` makes such pages `too_complex` before the parse starts.

The scan tokenizes the page as libxml2 2.14's HTML tokenizer does (HTML5 tokenization: tag and
attribute names, quoted and unquoted values, end tags, comments, doctype, bogus comments, and
the raw text of script, style, textarea, title, xmp, iframe, noembed, noframes and plaintext), so
it sees every start tag libxml2 parses, with at least the attributes libxml2 reads before it
drops duplicates. tests/unit/test_markup_limits.py holds it to that against libxml2 itself.
"""

from __future__ import annotations

import re
from functools import cache

from article_extractor.errors import ErrorCode, ProcessingError

# Tags with at least this many attributes are counted one by one (real pages stay under ~150).
HEAVY_TAG_ATTRIBUTES = 64
# Sum over those tags of attributes²: libxml2's duplicate check probes up to half as many pairs.
MAX_ATTRIBUTE_PAIRS = 40_000_000
# Tags (start and end) and attributes in the page (real pages stay under ~70,000).
MAX_MARKUP_ITEMS = 200_000
# "<" characters, markup or not (real pages stay under ~25,000).
MAX_ANGLE_BRACKETS = 4 * MAX_MARKUP_ITEMS

# HTML whitespace as libxml2 sees it (Python's \s also matches characters libxml2 keeps inside
# names and unquoted values).
_WS = "\t\n\x0c\r "
_TAG_NAME_REST = rf"[^{_WS}/>]*+"
# Between attributes: whitespace, and any "/" that does not close the tag.
_SEPARATOR = rf"[{_WS}]*+(?:/(?!>)[{_WS}]*+)*+"
# A name starts with any character but whitespace, "/" or ">" ("=" included) and runs to
# whitespace, "/", ">" or "="; a value is quoted (to the same quote, or to the end of the page)
# or runs to whitespace or ">". (Every quantifier is possessive: nothing backtracks.)
_ATTRIBUTE = (
    rf"[^{_WS}/>][^{_WS}/>=]*+"
    rf"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_WS}>]*+)|)"
)
_ATTRIBUTES = rf"(?:{_SEPARATOR}{_ATTRIBUTE})*+"
_AFTER_NAME = rf"(?=[{_WS}/>])"
# Elements whose content libxml2 reads as text up to "</name" (ASCII case-insensitive) followed
# by whitespace, "/" or ">"; plaintext never ends; script data has escapes of its own (below).
_RAW_TEXT_ELEMENTS = ("iframe", "noembed", "noframes", "style", "textarea", "title", "xmp")
_RAW_TEXT_NAMES = rf"(?ai:{'|'.join((*_RAW_TEXT_ELEMENTS, 'script', 'plaintext'))})"


def _raw_text(name: str) -> str:
    return rf"(?:[^<]++|<(?!/(?ai:{name}){_AFTER_NAME}))*+"


# "<!--" escapes script data (libxml2's ESC1), "<script" inside an escape escapes it twice (ESC2,
# where "</script" only returns to ESC1), and "-->" ends either escape.
_SCRIPT_END = rf"/(?ai:script){_AFTER_NAME}"
_DOUBLE_ESCAPED = rf"<(?=(?ai:script){_AFTER_NAME})(?:[^<-]++|<(?!{_SCRIPT_END})|-(?!->))*+"
_ESCAPED = (
    rf"<(?=!--)(?:[^<-]++|<(?!/?(?ai:script){_AFTER_NAME})|-(?!->)"
    rf"|{_DOUBLE_ESCAPED}<(?={_SCRIPT_END}))*+(?:-(?=->)|{_DOUBLE_ESCAPED}(?:-(?=->))?)?"
)
_CONTENT = {
    **{name: _raw_text(name) for name in _RAW_TEXT_ELEMENTS},
    "script": rf"(?:[^<]++|<(?!{_SCRIPT_END}|!--)|{_ESCAPED})*+",
    "plaintext": r"[\s\S]*+",
}
_START_TAG = rf"<([A-Za-z]{_TAG_NAME_REST})({_ATTRIBUTES}){_SEPARATOR}(/?>|\Z)"
# End tags: libxml2 parses their attributes, then drops them.
_END_TAG = rf"</[A-Za-z]{_TAG_NAME_REST}({_ATTRIBUTES}){_SEPARATOR}(?:/?>|\Z)"
_NOT_A_TAG = (
    r"</(?![A-Za-z])(?:>|[^>]*+>?)"  # "</>", or a bogus comment
    r"|<!(?:--(?:>|->|(?:[^-]++|-(?!-!?>))*+(?:--!?>)?)|[^>]*+>?)"  # comment, doctype, bogus
    r"|<\?[^>]*+>?"
    r"|<(?![A-Za-z/!?])"  # a "<" that starts nothing is text
)


class MarkupScanner:
    """The page's markup as libxml2 tokenizes it, skimmed in one regex pass up to each start tag
    with `threshold` or more attributes.

    Example::

        MarkupScanner(64).heavy_tags("<p " + " ".join(f"a{n}" for n in range(100)) + ">")
        # (("p", 100),)
    """

    def __init__(self, threshold: int) -> None:
        light = rf"(?:{_SEPARATOR}{_ATTRIBUTE}){{0,{threshold - 1}}}+{_SEPARATOR}"
        text = r"[^<]++(?:<(?![A-Za-z/!?])[^<]*+)*+"  # with any "<" that starts nothing
        light_start_tag = (
            rf"(?!{_RAW_TEXT_NAMES}(?:[{_WS}/>]|\Z))[A-Za-z]{_TAG_NAME_REST}{light}(?:/?>|\Z)"
            rf"|{_RAW_TEXT_NAMES}{light}(?:/>|\Z)"  # self-closing: no raw text follows
            + "".join(rf"|(?ai:{name}){light}>{content}" for name, content in _CONTENT.items())
        )
        end_tag = _END_TAG.replace("(", "(?:", 1)  # its one group is not needed here
        # Every construct but a start tag with `threshold` or more attributes; end tags first,
        # the most frequent after text.
        self._light_run = re.compile(
            rf"(?>(?:{text}|{end_tag}|<(?=[A-Za-z])(?:{light_start_tag})|{_NOT_A_TAG})*)"
        )

    def heavy_tags(self, text: str) -> tuple[tuple[str, int], ...]:
        """The start tags with `threshold` or more attributes: (name as written, attributes)."""
        found: list[tuple[str, int]] = []
        position = 0
        while True:
            run = self._light_run.match(text, position)
            assert run is not None  # a run may be empty, never absent
            if run.end() >= len(text):
                return tuple(found)
            tag = _patterns().start_tag.match(text, run.end())
            assert tag is not None, "only a start tag with many attributes ends a run early"
            found.append((tag.group(1), _count_attributes(text, tag.start(2), tag.end(2))))
            position = _after_start_tag(text, tag)


@cache
def _scanner() -> MarkupScanner:
    return MarkupScanner(HEAVY_TAG_ATTRIBUTES)


class _Patterns:
    def __init__(self) -> None:
        self.start_tag = re.compile(_START_TAG)
        self.attribute = re.compile(rf"{_SEPARATOR}{_ATTRIBUTE}")
        # Up to the next tag, or one tag: groups 1-3 for a start tag, 4 an end tag's attributes.
        self.next_tag = re.compile(rf"(?:[^<]++|{_NOT_A_TAG})++|{_START_TAG}|{_END_TAG}")
        self.content = {name: re.compile(pattern) for name, pattern in _CONTENT.items()}


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def _count_attributes(text: str, start: int, end: int) -> int:
    return len(_patterns().attribute.findall(text, start, end)) if end > start else 0


def _after_start_tag(text: str, tag: re.Match[str]) -> int:
    """Where tokenizing resumes after a start tag: past its raw text, if it has any."""
    name = tag.group(1)
    content = _patterns().content.get(name.lower() if name.isascii() else name)
    if content is None or tag.group(3) != ">":
        return tag.end()
    raw = content.match(text, tag.end())
    assert raw is not None  # raw text may be empty, never absent
    return raw.end()


def count_items(text: str, stop_over: int = MAX_MARKUP_ITEMS) -> int:
    """Tags (start and end) and attributes libxml2 would read in `text`, counted up to the first
    value over `stop_over`.

    Example::

        count_items('<p class="lede">Hi<br></p>')  # 4
    """
    next_tag = _patterns().next_tag
    items = position = 0
    while position < len(text) and items <= stop_over:
        found = next_tag.match(text, position)
        assert found is not None  # every position starts text, other markup or a tag
        if found.group(1) is not None:
            items += 1 + _count_attributes(text, found.start(2), found.end(2))
            position = _after_start_tag(text, found)
            continue
        if found.group(4) is not None:
            items += 1 + _count_attributes(text, found.start(4), found.end(4))
        position = found.end()
    return items


def _most_items(text: str) -> int:
    """An upper bound of `count_items` from characters alone: an item takes two or more, and
    starts with "<" or after whitespace, "/" or a quote."""
    if len(text) <= 2 * MAX_MARKUP_ITEMS:
        return len(text) // 2
    return sum(text.count(character) for character in f"<{_WS}/\"'")


def check_markup(text: str) -> None:
    """Raise ProcessingError `too_complex` when parsing `text` would keep libxml2 busy for long:
    more than MAX_ANGLE_BRACKETS "<", more than MAX_MARKUP_ITEMS tags and attributes, or tags
    with so many attributes that their duplicate check compares over MAX_ATTRIBUTE_PAIRS pairs.

    Example::

        check_markup("<html><body><p>Hello</p></body></html>")  # passes
    """
    angle_brackets = text.count("<")
    if angle_brackets > MAX_ANGLE_BRACKETS:
        raise ProcessingError(
            ErrorCode.TOO_COMPLEX,
            f'{angle_brackets:,} "<" characters, over the {MAX_ANGLE_BRACKETS:,} parsed',
        )
    if _most_items(text) > MAX_MARKUP_ITEMS:
        items = count_items(text)
        if items > MAX_MARKUP_ITEMS:
            raise ProcessingError(
                ErrorCode.TOO_COMPLEX,
                f"over {MAX_MARKUP_ITEMS:,} tags and attributes (counted {items:,} before "
                "stopping)",
            )
    heavy = [attributes for _, attributes in _scanner().heavy_tags(text)]
    pairs = sum(attributes**2 for attributes in heavy)
    if pairs > MAX_ATTRIBUTE_PAIRS:
        raise ProcessingError(
            ErrorCode.TOO_COMPLEX,
            f"tags with up to {max(heavy)} attributes: checking their names for duplicates "
            f"compares {pairs:,} pairs, over the {MAX_ATTRIBUTE_PAIRS:,} parsed",
        )
