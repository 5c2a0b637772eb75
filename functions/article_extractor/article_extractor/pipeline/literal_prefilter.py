"""Regular expressions compiled at first use, and case-sensitive wording patterns with a
substring pre-check.

A module of rules holds dozens of patterns; compiling them at import costs every process that
imports it (the command line, a cold Lambda) tens of milliseconds, most of it for patterns a
given page never reaches. `LazyPattern` compiles at its first use, then hands its calls straight
to the compiled pattern.

Python's `re` tries every branch of a large alternation at every position of the text, so a
pattern of forty phrases costs about 15 µs per line even when, as for almost every line, none of
its words is there. Most wording patterns cannot match unless the text contains one of a few
literal strings ("subscri", "newsletter", "cookie"): `required_literals` reads them off the
parsed pattern, and `Wording.search` runs the regex only when one of them is in the text (a
substring test on a line costs tens of nanoseconds). The pre-check never changes a result: it
only skips a search that cannot succeed, and a pattern it cannot analyse is always searched.

Example::

    wording = Wording(r"subscribe (now|today)|already a member")
    wording.required    # ("already a member", "subscribe ")
    wording.search("subscribe today")   # True
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal

_PATTERN_METHODS = ("search", "match", "fullmatch", "findall", "finditer", "sub", "split")


class LazyPattern:
    r"""A regular expression compiled at its first use; `pattern` and `flags` read as a
    compiled pattern's do.

    Example::

        DAY = LazyPattern(r"\d{4}-\d{2}-\d{2}")
        DAY.search("on 2024-03-05")  # compiles now; later calls go to the compiled pattern
    """

    search: Callable[..., re.Match[str] | None]
    match: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    findall: Callable[..., list[Any]]
    finditer: Callable[..., Iterator[re.Match[str]]]
    sub: Callable[..., str]
    split: Callable[..., list[Any]]

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        for name in _PATTERN_METHODS:
            setattr(self, name, self._first_call(name))

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
            for name in _PATTERN_METHODS:  # from now on a call costs what the pattern's does
                setattr(self, name, getattr(self._compiled, name))
        return self._compiled

    def _first_call(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.compiled, name)(*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def vocabulary(words: str) -> frozenset[str]:
    """A word list written as one string: the words between spaces, as a set.

    vocabulary("editor writer reporter")  # frozenset({"editor", "writer", "reporter"})
    """
    return frozenset(words.split())


try:  # the parser behind re.compile; private, so a missing one only turns the pre-check off
    _sre: Any = importlib.import_module("re._constants")
    _sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - every CPython from 3.11 has both
    _sre = _sre_parse = None

_Requirement = frozenset[str]  # the text contains at least one of these strings


def _best(candidates: Iterable[_Requirement]) -> _Requirement | None:
    """The most selective requirement: longest shortest string, then fewest strings."""
    return max(candidates, key=lambda req: (min(map(len, req)), -len(req)), default=None)


def _sequence_requirement(items: Sequence[tuple[Any, Any]]) -> _Requirement | None:
    """Every item of a sequence must match, so any one item's requirement holds for all of it."""
    candidates: list[_Requirement] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, body = arg
            if add_flags or del_flags:  # an inline (?i) or similar changes what a literal means
                return None
            candidates.extend(filter(None, [_sequence_requirement(body)]))
        elif op is _sre.BRANCH:
            branches = [_sequence_requirement(branch) for branch in arg[1]]
            if all(branches):
                candidates.append(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
            candidates.extend(filter(None, [_sequence_requirement(arg[2])]))
        # Anything else (classes, anchors, optional parts, lookarounds) requires no string.
    return _best(candidates)


def required_literals(pattern: re.Pattern[str] | LazyPattern) -> _Requirement | None:
    """Strings one of which every match of `pattern` contains, or None when there are none
    (or the pattern is case-insensitive, or the parser is unavailable). Read off the parsed
    pattern: a `LazyPattern` is not compiled for it."""
    if _sre_parse is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        requirement = _sequence_requirement(list(_sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an unfamiliar parse tree: search without the pre-check
        return None
    if not requirement or "" in requirement:
        return None
    # A string that contains another of the set adds nothing to the check.
    return frozenset(s for s in requirement if not any(o != s and o in s for o in requirement))


class Wording:
    """A case-sensitive pattern searched only in texts that hold one of its required strings.
    Its strings are read off the pattern at the first search, and the pattern is compiled only
    when a text holds one of them."""

    __slots__ = ("_required", "_source")

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        self._source = LazyPattern(pattern) if isinstance(pattern, str) else pattern
        self._required: tuple[str, ...] | Literal[False] | None = False  # False: not read yet

    @property
    def pattern(self) -> re.Pattern[str]:
        source = self._source
        return source.compiled if isinstance(source, LazyPattern) else source

    @property
    def required(self) -> tuple[str, ...] | None:
        required = self._required
        return self._read_required() if required is False else required

    def _read_required(self) -> tuple[str, ...] | None:
        literals = required_literals(self._source)
        self._required = None if literals is None else tuple(sorted(literals))
        return self._required

    def search(self, text: str) -> bool:
        required = self._required
        if required is False:
            required = self._read_required()
        if required is None:
            return self._source.search(text) is not None
        for part in required:  # a plain loop: a third faster than any() over a generator
            if part in text:
                return self._source.search(text) is not None
        return False

    def __repr__(self) -> str:
        return f"Wording({self._source.pattern!r})"
