"""Who removed what: the blocks of a page each decision source removed, read from the
document's `extraction.decisions` (written when `ProcessingOptions.explain` is on), as the
benchmarks report them.

Example::

    counts = removed_by(document)  # Counter({"trafilatura": 120, "block model": 3, ...})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from article_extractor.document import REMOVED, RULE_PREFIX, OutputDocument

SOURCES = ("trafilatura", "block model", "text model", "rule", "other")
_NAMES = {"trafilatura": "trafilatura", "content_model": "block model", "text_model": "text model"}


def removed_by(document: OutputDocument) -> Counter[str]:
    """Blocks removed per source (`SOURCES`): a block kept in part counts once per removal."""
    counts: Counter[str] = Counter()
    for decision in document.extraction.decisions or ():
        if decision.decision == REMOVED:
            by = decision.by
            counts["rule" if by.startswith(RULE_PREFIX) else _NAMES.get(by, "other")] += 1
    return counts


def target(label: str, value: float, bound: float) -> str:
    """'word F1 0.836 (>= 0.87: NOT met)'."""
    return f"{label} {value:.3f} (>= {bound}: {'met' if value >= bound else 'NOT met'})"


def removal_line(removed: Iterable[Counter[str]]) -> str:
    """The shares line over many pages' `removed_by` counts."""
    total: Counter[str] = Counter()
    for counts in removed:
        total.update(counts)
    return f"blocks removed, by decision source: {shares_line(total)}"


def shares_line(counts: Counter[str]) -> str:
    """'trafilatura 91.2% · block model 1.1% · ...' over every removed block."""
    total = sum(counts.values())
    if not total:
        return "no block removed"
    return " · ".join(f"{name} {counts[name] / total:.1%}" for name in SOURCES)
