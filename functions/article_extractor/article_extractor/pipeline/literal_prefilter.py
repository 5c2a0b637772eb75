"""Case-sensitive wording patterns with a substring pre-check.

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
from collections.abc import Iterable, Sequence
from typing import Any


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


def required_literals(pattern: re.Pattern[str]) -> _Requirement | None:
    """Strings one of which every match of `pattern` contains, or None when there are none
    (or the pattern is case-insensitive, or the parser is unavailable)."""
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
    """A case-sensitive pattern searched only in texts that hold one of its required strings."""

    __slots__ = ("pattern", "required")

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        self.pattern = re.compile(pattern)
        literals = required_literals(self.pattern)
        self.required = None if literals is None else tuple(sorted(literals))

    def search(self, text: str) -> bool:
        if self.required is None:
            return self.pattern.search(text) is not None
        for part in self.required:  # a plain loop: a third faster than any() over a generator
            if part in text:
                return self.pattern.search(text) is not None
        return False

    def __repr__(self) -> str:
        return f"Wording({self.pattern.pattern!r})"
