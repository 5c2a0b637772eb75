"""The page's date: htmldate's `find_date`, paying less for its two slow fallbacks.

htmldate tries the URL, the <meta> tags and the JSON-LD first, which is cheap and answers most
pages. When those say nothing it scans the elements and the text, and two steps there cost most
of the search:

- the external parser: a string htmldate's own patterns cannot read (a title with a year in it,
  "Feb. 27, 2025", "2/24/2026") goes to dateparser, which tries each of its 205 languages in
  turn and, the first time each language is tried in a process, compiles its expressions (a
  cold container pays that once per language). `date_paths(language)` gives dateparser only the
  language the page declares, then English (templates print English dates on pages in any
  language), and htmldate's test of whether a string names a month only those languages' month
  names. A page that declares none gets the stock parser of every language;
- the last resort, `search_page`: a dozen regular expressions over the whole serialized page,
  inline scripts and styles included (most of a large page's bytes). Inside `date_paths` it
  reads the page without them: a date a reader cannot see is not the page's date, and the
  markup steps before it have already read the machine-readable dates (JSON-LD, timestamps).
  What remains is still searched faster, for the same matches: the patterns made of digits and
  separators read only the stretches of the page around its digits (`digit_stretches`), and
  the pattern of written dates ("March 3, 2021") is tried only just before the places where a
  year can start (`_search_near_years`).

None of this is htmldate's public API: each swap is checked at first use (the names, the
signatures, the patterns word for word, and on built-in samples that htmldate's code calls what
is swapped and that a faster search finds what htmldate's finds), and installed
so that it acts only inside `date_paths()`: any other `find_date` in the process (trafilatura's
own metadata, the stock baseline of bench/speed.py) runs htmldate's code and caches as before.
A swap whose check fails is left to htmldate, with one warning.

Example::

    with date_paths("de"):
        date = find_date(tree, extensive_search=True, original_date=True)
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from article_extractor.pipeline.literal_prefilter import LazyPattern
from article_extractor.pipeline.upstream.checked_internals import (
    internal,
    require,
    signature_is,
    verified,
)

LANGUAGE_PARSER = "language-restricted date parser"
_FALLBACK_LANGUAGE = "en"
VISIBLE_TEXT_SEARCH = "date search without scripts"
FASTER_LAST_RESORT = "date search's last resort near digits and years"

# What a script or style element holds, as lxml serializes it (its text is written raw, so the
# first closing tag ends it).
_SCRIPTS_AND_STYLES = LazyPattern(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


@dataclass
class _Search:
    """One date search: the page's language, and what it has tried and read of the page
    (dropped with it)."""

    language: str | None
    tried: dict[tuple[Any, ...], str | None] = field(default_factory=dict)
    _stretches: tuple[str, str] | None = None  # (page, its digit stretches)
    _years: tuple[str, list[int]] | None = None  # (page, where a year may start)

    def stretches(self, page: str) -> str:
        if self._stretches is None or self._stretches[0] is not page:
            self._stretches = (page, digit_stretches(page))
        return self._stretches[1]

    def years(self, page: str) -> list[int]:
        if self._years is None or self._years[0] is not page:
            self._years = (page, [match.start() for match in _YEAR_STARTS.finditer(page)])
        return self._years[1]


_SEARCH: ContextVar[_Search | None] = ContextVar("date_search", default=None)


def _htmldate(module: str, name: str) -> Any:
    """`module.name` as htmldate defines it: a replacement of this module installed there stands
    for the object it replaced (so a check gives the same answer before and after install)."""
    found = internal(module, name)
    return getattr(found, _STOCK, found)


def _replacing(replacement: _F, stock: object) -> _F:
    setattr(replacement, _STOCK, stock)
    return replacement


_STOCK = "__date_search_stock__"  # on a replacement: the htmldate object it stands in for
_F = TypeVar("_F", bound=Callable[..., Any])


@contextmanager
def date_paths(language: str | None) -> Iterator[None]:
    """Run htmldate with the checked swaps inside this block, for a page in `language` (an ISO
    639-1 code as the page declares it, or None).

    Example::

        with date_paths("en"):
            find_date(tree, extensive_search=True, original_date=True)
    """
    _installed()
    token = _SEARCH.set(_Search(language))
    try:
        yield
    finally:
        _SEARCH.reset(token)


# --------------------------------------------------------------------------- the parser
@dataclass(frozen=True)
class _Htmldate:
    """The htmldate names the language parser relies on, as checked."""

    extractors: Any  # the module htmldate's parsing functions live in
    core: Any  # the module `find_date` lives in
    try_date_expr: Callable[..., str | None]  # cached
    get_external_parser: Callable[[], Any]  # cached
    month_words: Callable[[], frozenset[str]]  # cached
    fold: Callable[[str], str]  # how htmldate folds a month name
    month_keys: tuple[str, ...]  # the keys of a dateparser locale that hold month names
    word: re.Pattern[str]  # what htmldate counts as a word


class _RecordingParser:
    """A stand-in for dateparser's parser: records how it is made and what it is asked."""

    def __init__(self, **arguments: Any) -> None:
        self.made_with = arguments
        self.strings: list[str] = []

    def get_date_data(self, string: str) -> dict[str, Any]:
        self.strings.append(string)
        return {"date_obj": datetime(2021, 3, 4)}


@functools.cache
def _parser_arguments() -> dict[str, Any] | None:
    """The arguments htmldate makes its parser with (its `languages` left to us): read at the
    first string that needs the parser, by letting htmldate make a recording stand-in."""
    htmldate = _checked_htmldate()
    if htmldate is None:
        return None

    def check() -> dict[str, Any]:
        dateparser: Any = importlib.import_module("dateparser")
        stock = dateparser.DateDataParser
        try:
            dateparser.DateDataParser = _RecordingParser
            made = htmldate.get_external_parser.__wrapped__()  # type: ignore[attr-defined]
        finally:
            dateparser.DateDataParser = stock
        require(
            isinstance(made, _RecordingParser),
            "htmldate does not make its parser with dateparser.DateDataParser when asked",
        )
        arguments = dict(made.made_with)
        require(
            arguments.get("languages") is None and arguments.get("locales") is None,
            "htmldate's parser is limited to languages or locales already",
        )
        return arguments

    return verified(LANGUAGE_PARSER, check)


def _languages(language: str) -> list[str]:
    """The page's language first, then English, whose dates a page in any language may show
    (a template's or a plug-in's "Feb. 19 2020")."""
    return list(dict.fromkeys((language, _FALLBACK_LANGUAGE)))


@functools.cache
def _parser(language: str) -> Any:
    """htmldate's parser for a page in `language` (None: dateparser has no such language)."""
    arguments = _parser_arguments()
    if arguments is None:
        return None
    dateparser: Any = importlib.import_module("dateparser")
    languages = {"languages": _languages(language), "use_given_order": True}
    try:
        return dateparser.DateDataParser(**{**arguments, **languages})
    except ValueError:  # a language dateparser has no data for
        return None


@functools.cache
def _month_words(language: str) -> frozenset[str]:
    """htmldate's `month_words`, for the locales of the page's language and English."""
    loader: Any = importlib.import_module("dateparser.languages.loader")
    htmldate = _checked_htmldate()
    assert htmldate is not None  # only asked for once the checks passed
    return frozenset(
        htmldate.fold(word)
        for locale in loader.default_loader.get_locales(languages=_languages(language))
        for key in htmldate.month_keys
        for word in locale.info.get(key, [])
        if htmldate.word.fullmatch(word)
    )


def _language() -> str | None:
    """The language of the page being searched (None: outside `date_paths`, or none declared)."""
    search = _SEARCH.get()
    return search.language if search is not None else None


def _replace_try_date_expr(stock: Callable[..., str | None]) -> Callable[..., str | None]:
    """htmldate's `try_date_expr`, whose answers are cached across calls and pages: inside
    `date_paths` for a page with a language, the answer may depend on that language, so it is
    computed afresh and kept for the one search only, never in the shared cache."""
    uncached: Callable[..., str | None] = stock.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(stock)
    def try_date_expr(
        string: str | None,
        outputformat: str,
        extensive_search: bool,
        min_date: datetime,
        max_date: datetime,
    ) -> str | None:
        search = _SEARCH.get()
        if search is None or search.language is None:
            return stock(string, outputformat, extensive_search, min_date, max_date)
        key = (string, outputformat, extensive_search, min_date, max_date)
        if key not in search.tried:
            search.tried[key] = uncached(*key)
        return search.tried[key]

    return _replacing(try_date_expr, stock)


def _replace_external_parser(stock: Callable[[], Any]) -> Callable[[], Any]:
    @functools.wraps(stock)
    def get_external_parser() -> Any:
        language = _language()
        parser = _parser(language) if language else None
        return stock() if parser is None else parser

    return _replacing(get_external_parser, stock)


def _replace_month_words(stock: Callable[[], frozenset[str]]) -> Callable[[], frozenset[str]]:
    @functools.wraps(stock)
    def month_words() -> frozenset[str]:
        language = _language()
        if language is None or _parser(language) is None:
            return stock()
        return _month_words(language)

    return _replacing(month_words, stock)


def _check_htmldate() -> _Htmldate:
    extractors: Any = importlib.import_module("htmldate.extractors")
    try_date_expr = signature_is(
        _htmldate("htmldate.extractors", "try_date_expr"),
        "(string, outputformat, extensive_search, min_date, max_date)",
    )
    get_external_parser = signature_is(
        _htmldate("htmldate.extractors", "get_external_parser"), "()"
    )
    month_words = signature_is(_htmldate("htmldate.extractors", "month_words"), "()")
    for cached in (try_date_expr, get_external_parser, month_words):
        require(hasattr(cached, "__wrapped__"), f"{cached.__name__} is not a cached function")
    require(
        _htmldate("htmldate.core", "try_date_expr") is try_date_expr,
        "htmldate.core calls another try_date_expr",
    )
    has_date_cue = signature_is(
        internal("htmldate.extractors", "has_date_cue"), "(string, min_date, max_date)"
    )
    htmldate = _Htmldate(
        extractors=extractors,
        core=importlib.import_module("htmldate.core"),
        try_date_expr=try_date_expr,
        get_external_parser=get_external_parser,
        month_words=month_words,
        fold=signature_is(internal("htmldate.extractors", "_fold_month_name"), "(token)"),
        month_keys=tuple(internal("htmldate.extractors", "MONTH_KEYS")),
        word=internal("htmldate.extractors", "WORD"),
    )
    require(len(htmldate.month_keys) == 12, "MONTH_KEYS does not name twelve months")
    # htmldate's code must reach the parser and the month names through those names: a string
    # only dateparser reads goes to a recording parser, and a made-up month name counts as one
    # once the month names say so.
    recording = _RecordingParser()
    low, high = datetime(1995, 1, 1), datetime(2030, 12, 31)
    saved = (extractors.get_external_parser, extractors.month_words)
    try:
        extractors.get_external_parser = lambda: recording
        extractors.month_words = lambda: frozenset({"brumaire"})
        uncached: Any = try_date_expr.__wrapped__
        found = uncached("Feb. 27, 2025", "%Y-%m-%d", True, low, high)
        cue = has_date_cue("12 brumaire", low, high)
    finally:
        extractors.get_external_parser, extractors.month_words = saved
    require(
        recording.strings == ["Feb. 27, 2025"] and found == "2021-03-04",
        "htmldate does not call its external parser through get_external_parser",
    )
    require(bool(cue), "htmldate does not read month names through month_words")
    return htmldate


@functools.cache
def _checked_htmldate() -> _Htmldate | None:
    return verified(LANGUAGE_PARSER, _check_htmldate)


# --------------------------------------------------------------------------- the last resort
def _without_scripts(htmlstring: str) -> str:
    return _SCRIPTS_AND_STYLES.sub("", htmlstring)


def _replace_search_page(stock: Callable[[str, Any], str | None]) -> Callable[..., str | None]:
    @functools.wraps(stock)
    def search_page(htmlstring: str, options: Any) -> str | None:
        if _SEARCH.get() is None:
            return stock(htmlstring, options)
        return stock(_without_scripts(htmlstring), options)

    return _replacing(search_page, stock)


# A page whose only dates are a footer's year and a date in a script: htmldate's last resort
# finds the script's date; without scripts, the copyright year.
_LAST_RESORT_SAMPLE = (
    "<html><body><div><p>Opening hours and directions.</p></div>"
    '<script>var built = "2019-05-17";</script><footer><p>&copy; 2015 Harbour Notes</p>'
    "</footer></body></html>"
)


def _check_search_page() -> Callable[[str, Any], str | None]:
    stock = signature_is(_htmldate("htmldate.core", "search_page"), "(htmlstring, options)")
    find_date = internal("htmldate", "find_date")
    core: Any = importlib.import_module("htmldate.core")
    require(
        find_date(_LAST_RESORT_SAMPLE, original_date=True, max_date="2024-12-31") == "2019-05-17",
        "htmldate's last resort does not read the sample's script",
    )
    saved = core.search_page
    try:
        core.search_page = lambda htmlstring, options: stock(_without_scripts(htmlstring), options)
        found = find_date(_LAST_RESORT_SAMPLE, original_date=True, max_date="2024-12-31")
    finally:
        core.search_page = saved
    require(found == "2015-01-01", "find_date does not call its last resort as search_page")
    return stock  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- the last resort, faster
# The last resort's patterns whose every match is digits with "/", "." or "-" between them and a
# non-digit either side (SIMPLE_PATTERN's look-behind reads six characters more), as verified.
DIGIT_PATTERNS = {
    "THREE_LOOSE_PATTERN": r"\D([0-9]{4}[/.-][0-9]{2}[/.-][0-9]{2})\D",
    "SELECT_YMD_PATTERN": r"\D([0-3]?[0-9][/.-][0-1]?[0-9][/.-][0-9]{4})\D",
    "DATESTRINGS_PATTERN": (
        r"(\D19[0-9]{2}[01][0-9][0-3][0-9]\D|\D20[0-9]{2}[01][0-9][0-3][0-9]\D)"
    ),
    "SLASHES_PATTERN": (
        r"\D([0-3]?[0-9]/[0-1]?[0-9]/[0129][0-9]|[0-3][0-9]\.[01][0-9]\.[0129][0-9])\D"
    ),
    "YYYYMM_PATTERN": r"\D([12][0-9]{3}[/.-](?:1[0-2]|0[1-9]))\D",
    "MMYYYY_PATTERN": r"\D([0-1]?[0-9][/.-][12][0-9]{3})\D",
    "SIMPLE_PATTERN": r"(?<!w3.org)\D((?:199[0-9]|20[0-3][0-9]))\D",
}
_DIGIT_RUNS = LazyPattern(r"[0-9]+")
# A match reaches at most 10 characters past a digit, its look-behind 8 before: what lies farther
# from every digit takes no part in any match.
_DIGIT_MARGIN = 12


def digit_stretches(page: str) -> str:
    """The stretches of `page` within `_DIGIT_MARGIN` characters of a digit, joined: each of
    `DIGIT_PATTERNS` finds there what it finds in the page, in the same order (two stretches
    meet only where no match can reach).

    Example::

        digit_stretches("x" * 50 + "on 2021-03-04." + "y" * 50)
        # "xxxxxxxxxon 2021-03-04.yyyyyyyyyyy": 12 characters either side of each digit
    """
    stretches: list[str] = []
    start = end = -1
    for run in _DIGIT_RUNS.finditer(page):
        low, high = max(0, run.start() - _DIGIT_MARGIN), run.end() + _DIGIT_MARGIN
        if low <= end:
            end = high
            continue
        if end >= 0:
            stretches.append(page[start:end])
        start, end = low, high
    if end >= 0:
        stretches.append(page[start:end])
    return "".join(stretches)


def _replace_year_filter(stock: Callable[..., Any], patterns: frozenset[int]) -> Callable[..., Any]:
    """htmldate's `plausible_year_filter`: inside the search, a digit pattern reads only the
    page's digit stretches (same matches, a fraction of the text)."""

    @functools.wraps(stock)
    def plausible_year_filter(
        htmlstring: str, *, pattern: Any, yearpat: Any, earliest: datetime, latest: datetime
    ) -> Any:
        search = _SEARCH.get()
        if search is not None and id(pattern) in patterns:
            htmlstring = search.stretches(htmlstring)
        return stock(htmlstring, pattern=pattern, yearpat=yearpat, earliest=earliest, latest=latest)

    return _replacing(plausible_year_filter, stock)


# htmldate's text-date pattern (`regex_parse`): a month word and a day, or a day and a month word,
# then a year; every match ends with its year and holds at most two other digits (the day).
LONG_TEXT = (
    r"(?P<month>(?<![^\W\d_])[^\W\d_]{3,})\s(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?,? "
    r"(?P<year>(?:199[0-9]|20[0-3][0-9]))|(?P<day2>[0-3]?[0-9])(?:st|nd|rd|th|\.)? (?:of )?"
    r"(?P<month2>(?<![^\W\d_])[^\W\d_]{3,})[,.]? (?P<year2>(?:199[0-9]|20[0-3][0-9]))"
)
_YEAR_STARTS = LazyPattern(r"[12](?=(?:99|0[0-3])[0-9])")  # every start of a year, and more
_LETTER = LazyPattern(r"[^\W\d_]")
_LONG_TEXT_MIN = 512  # shorter texts (a date string) are searched whole
_YEAR_WINDOW = 64  # characters searched before a year, then back to where a word there starts
_BEFORE_MONTH = 8  # a day, "st" or ".", a space and "of " before the month word
_LONGEST_WORD = 512  # a longer run of letters before a year: the page is searched whole


def _word_start(page: str, position: int) -> int | None:
    """Where the run of letters holding `position` starts (`position` if none does; None if
    the run is longer than `_LONGEST_WORD`)."""
    start = position
    limit = max(0, position - _LONGEST_WORD)
    while start > limit and _LETTER.match(page, start - 1):
        start -= 1
    if start == limit and start > 0 and _LETTER.match(page, start - 1):
        return None
    return start


def _search_near_years(
    pattern: re.Pattern[str], page: str, pos: int, years: list[int]
) -> re.Match[str] | None:
    """`pattern.search(page, pos)` for htmldate's text-date pattern, searched only before each
    place a year can start: a match that ends with a year starts after the two digits that
    follow the year before it, and at most a word, a day and a few characters before its own."""
    first = bisect.bisect_left(years, pos)
    previous = years[first - 1] if first else -2
    for year in years[first:]:
        word = _word_start(page, max(0, year - _YEAR_WINDOW))
        if word is None:
            return pattern.search(page, pos)
        start = max(pos, previous + 2, min(year - _YEAR_WINDOW, word) - _BEFORE_MONTH)
        match = pattern.search(page, start, year + 4)
        if match is not None:
            return match
        previous = year
    return None


class _LongText:
    """htmldate's text-date pattern, searched near years only inside the search, for a page."""

    def __init__(self, stock: re.Pattern[str]) -> None:
        self.stock = stock
        setattr(self, _STOCK, stock)
        self.pattern = stock.pattern
        self.flags = stock.flags

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        search = _SEARCH.get()
        if search is None or endpos != sys.maxsize or len(string) < _LONG_TEXT_MIN:
            return self.stock.search(string, pos, endpos)
        return _search_near_years(self.stock, string, pos, search.years(string))


@dataclass(frozen=True)
class _LastResort:
    core: Any
    extractors: Any
    year_filter: Callable[..., Any]
    digit_patterns: frozenset[int]
    long_text: re.Pattern[str]


# Dates in every shape the patterns read, digits at every distance from each other, runs of
# letters longer than the window before a year, a URL of w3.org: the last resort's answers on
# them, and its patterns' matches, must not change.
_LAST_RESORT_SAMPLES = (
    "<p>2020-01-01 2021-02-02x3.4.2019 w3.org/2020/ 1999 2003-04 05/2011 20190304 1/2/99</p>",
    "<p>Updated 13 March 2020, 2013 March 2020 and 20195 March 2020.</p>" + "." * 600,
    "<div>" + "x" * 90 + "March 3, 2021 " + "y" * 700 + " 4th of July 2019</div>",
    "<p>" + "Lorem ipsum dolor. " * 40 + "Mar 12 2022 &copy; 2023 " + "z" * 30 + "</p>",
)


def _check_last_resort() -> _LastResort:
    core: Any = importlib.import_module("htmldate.core")
    extractors: Any = importlib.import_module("htmldate.extractors")
    year_filter = signature_is(
        _htmldate("htmldate.core", "plausible_year_filter"),
        "(htmlstring, *, pattern, yearpat, earliest, latest)",
    )
    patterns = {}
    for name, expression in DIGIT_PATTERNS.items():
        pattern = _htmldate("htmldate.core", name)
        require(
            isinstance(pattern, re.Pattern) and pattern.pattern == expression,
            f"htmldate.core.{name} is not the pattern verified",
        )
        patterns[name] = pattern
    long_text = _htmldate("htmldate.extractors", "LONG_TEXT_PATTERN")
    require(
        isinstance(long_text, re.Pattern) and long_text.pattern == LONG_TEXT,
        "htmldate.extractors.LONG_TEXT_PATTERN is not the pattern verified",
    )
    regex_parse = signature_is(internal("htmldate.extractors", "regex_parse"), "(string)")
    require(
        internal("htmldate.core", "regex_parse") is regex_parse,
        "htmldate.core calls another regex_parse",
    )
    for sample in _LAST_RESORT_SAMPLES:
        stretches = digit_stretches(sample)
        for name, pattern in patterns.items():
            require(
                pattern.findall(stretches) == pattern.findall(sample),
                f"{name} finds other matches in the digit stretches",
            )
        years = [match.start() for match in _YEAR_STARTS.finditer(sample)]
        position = 0
        while True:  # from every position regex_parse would search from
            ours = _search_near_years(long_text, sample, position, years)
            theirs = long_text.search(sample, position)
            require(_same_match(ours, theirs), "the search near years finds another text date")
            if ours is None:
                break
            position = ours.start() + 1
    digit_patterns = frozenset(map(id, patterns.values()))
    return _LastResort(core, extractors, year_filter, digit_patterns, long_text)


def _same_match(ours: re.Match[str] | None, theirs: re.Match[str] | None) -> bool:
    if ours is None or theirs is None:
        return ours is theirs
    return ours.span() == theirs.span() and ours.groups() == theirs.groups()


@functools.cache
def _checked_last_resort() -> _LastResort | None:
    return verified(FASTER_LAST_RESORT, _check_last_resort)


@functools.cache
def _installed() -> frozenset[str]:
    """Check and install the swaps, once, at the first date search; the steps in use."""
    enabled = set()
    search_page = verified(VISIBLE_TEXT_SEARCH, _check_search_page)
    if search_page is not None:
        core: Any = importlib.import_module("htmldate.core")
        core.search_page = _replace_search_page(search_page)
        enabled.add(VISIBLE_TEXT_SEARCH)
    last_resort = _checked_last_resort()
    if last_resort is not None:
        last_resort.core.plausible_year_filter = _replace_year_filter(
            last_resort.year_filter, last_resort.digit_patterns
        )
        last_resort.extractors.LONG_TEXT_PATTERN = _LongText(last_resort.long_text)
        enabled.add(FASTER_LAST_RESORT)
    htmldate = _checked_htmldate()
    if htmldate is not None:
        try_date_expr = _replace_try_date_expr(htmldate.try_date_expr)
        htmldate.extractors.try_date_expr = try_date_expr
        htmldate.core.try_date_expr = try_date_expr
        htmldate.extractors.get_external_parser = _replace_external_parser(
            htmldate.get_external_parser
        )
        htmldate.extractors.month_words = _replace_month_words(htmldate.month_words)
        enabled.add(LANGUAGE_PARSER)
    return frozenset(enabled)
