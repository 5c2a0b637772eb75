"""The page's date: htmldate's `find_date`, without paying for its two slow fallbacks where
they cannot help.

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

Neither is htmldate's public API: each swap is checked at first use (the names, the
signatures, and on built-in samples that htmldate's code calls what is swapped), and installed
so that it acts only inside `date_paths()`: any other `find_date` in the process (trafilatura's
own metadata, the stock baseline of bench/speed.py) runs htmldate's code and caches as before.
A swap whose check fails is left to htmldate, with one warning.

Example::

    with date_paths("de"):
        date = find_date(tree, extensive_search=True, original_date=True)
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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

# What a script or style element holds, as lxml serializes it (its text is written raw, so the
# first closing tag ends it).
_SCRIPTS_AND_STYLES = LazyPattern(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


@dataclass
class _Search:
    """One date search: the page's language and what it has tried (dropped with it)."""

    language: str | None
    tried: dict[tuple[Any, ...], str | None] = field(default_factory=dict)


_SEARCH: ContextVar[_Search | None] = ContextVar("date_search", default=None)


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

    return try_date_expr


def _replace_external_parser(stock: Callable[[], Any]) -> Callable[[], Any]:
    @functools.wraps(stock)
    def get_external_parser() -> Any:
        language = _language()
        parser = _parser(language) if language else None
        return stock() if parser is None else parser

    return get_external_parser


def _replace_month_words(stock: Callable[[], frozenset[str]]) -> Callable[[], frozenset[str]]:
    @functools.wraps(stock)
    def month_words() -> frozenset[str]:
        language = _language()
        if language is None or _parser(language) is None:
            return stock()
        return _month_words(language)

    return month_words


def _check_htmldate() -> _Htmldate:
    extractors: Any = importlib.import_module("htmldate.extractors")
    try_date_expr = signature_is(
        internal("htmldate.extractors", "try_date_expr"),
        "(string, outputformat, extensive_search, min_date, max_date)",
    )
    get_external_parser = signature_is(internal("htmldate.extractors", "get_external_parser"), "()")
    month_words = signature_is(internal("htmldate.extractors", "month_words"), "()")
    for cached in (try_date_expr, get_external_parser, month_words):
        require(hasattr(cached, "__wrapped__"), f"{cached.__name__} is not a cached function")
    require(
        internal("htmldate.core", "try_date_expr") is try_date_expr,
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

    return search_page


# A page whose only dates are a footer's year and a date in a script: htmldate's last resort
# finds the script's date; without scripts, the copyright year.
_LAST_RESORT_SAMPLE = (
    "<html><body><div><p>Opening hours and directions.</p></div>"
    '<script>var built = "2019-05-17";</script><footer><p>&copy; 2015 Harbour Notes</p>'
    "</footer></body></html>"
)


def _check_search_page() -> Callable[[str, Any], str | None]:
    stock = signature_is(internal("htmldate.core", "search_page"), "(htmlstring, options)")
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


@functools.cache
def _installed() -> frozenset[str]:
    """Check and install the swaps, once, at the first date search; the steps in use."""
    enabled = set()
    search_page = verified(VISIBLE_TEXT_SEARCH, _check_search_page)
    if search_page is not None:
        core: Any = importlib.import_module("htmldate.core")
        core.search_page = _replace_search_page(search_page)
        enabled.add(VISIBLE_TEXT_SEARCH)
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
