"""The two development sets, read by path (never copied into the repository), and how each one
scores a text. The benchmarks (bench/quality.py, bench/wcxb.py) and the training scripts
(training/) all read the sets and score them here.

WCXB-dev (the Web Content eXtraction Benchmark), `ground-truth/<id>.json` + `html/<id>.html.gz`:
scored with the benchmark's word metric (`word_scores`). Per page, tokens are
`re.findall(r"\\w+", text.lower())`; with multisets P (extracted) and G (ground truth),
overlap = |P ∩ G|, precision = overlap / |P|, recall = overlap / |G|, F1 their harmonic mean (an
empty extraction scores 0; an empty ground truth scores 1 only for an empty extraction).

trafilatura-eval, trafilatura's evaluation format: `evaldata.json` maps a page URL to
`{"file": name, "with": [snippets that must appear], "without": [snippets that must not]}`, and
the page is `eval/<file>` or `cache/<file>`. A `with` snippet found is a true positive, missed a
false negative; a `without` snippet found is a false positive, absent a true negative
(`snippet_matches`; whitespace is normalised, case is not).

Example::

    pages = list(trafilatura_eval_pages(Path("../shared/data/trafilatura-eval")))
    missed, leaked = snippet_matches(text, pages[0].with_snippets, pages[0].without_snippets)
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class WcxbPage:
    """One WCXB page and its ground truth."""

    file_id: str
    path: Path  # html/<id>.html.gz
    url: str
    page_type: str  # WCXB's "category" is called "collection" here
    main_content: str
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]
    title: str | None
    author: str | None
    date: str | None


@dataclass(frozen=True)
class EvalPage:
    """One trafilatura-eval page and its snippets."""

    file: str  # the name evaldata.json gives; the page is eval/<file> or cache/<file>
    path: Path
    url: str
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]


def _snippets(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value if v)
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return ()
        return tuple(str(v) for v in parsed if v)
    return ()


def wcxb_pages(dataset: Path) -> Iterator[WcxbPage]:
    """The pages of a WCXB set in id order (a ground truth without its page is left out)."""
    if not (dataset / "ground-truth").is_dir():
        raise FileNotFoundError(f"no ground-truth/ under {dataset}")
    for truth_path in sorted((dataset / "ground-truth").glob("*.json")):
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        file_id = data.get("file_id") or truth_path.stem
        path = dataset / "html" / f"{file_id}.html.gz"
        if not path.is_file():
            continue
        truth = data["ground_truth"]
        page_type = data.get("_internal", {}).get("page_type", {}).get("primary", "unknown")
        yield WcxbPage(
            file_id=file_id,
            path=path,
            url=data.get("url") or "",
            page_type="collection" if page_type == "category" else page_type,
            main_content=truth.get("main_content") or "",
            with_snippets=_snippets(truth.get("with")),
            without_snippets=_snippets(truth.get("without")),
            title=truth.get("title"),
            author=truth.get("author"),
            date=truth.get("publish_date"),
        )


def trafilatura_eval_pages(dataset: Path) -> Iterator[EvalPage]:
    """The pages of trafilatura-eval in `evaldata.json`'s order (an entry without its page is
    left out)."""
    evaldata = json.loads((dataset / "evaldata.json").read_text(encoding="utf-8"))
    for url, item in evaldata.items():
        path = next(
            (
                dataset / folder / item["file"]
                for folder in ("eval", "cache")
                if (dataset / folder / item["file"]).is_file()
            ),
            None,
        )
        if path is None:
            continue
        yield EvalPage(
            file=item["file"],
            path=path,
            url=url,
            with_snippets=tuple(s for s in item.get("with", []) if s),
            without_snippets=tuple(s for s in item.get("without", []) if s),
        )


# ----------------------------------------------------------------------------- WCXB metric
def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def word_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """WCXB's precision, recall and F1 of one page's text against its ground truth."""
    p, g = tokens(predicted), tokens(truth)
    if not g:
        return (1.0, 1.0, 1.0) if not p else (0.0, 0.0, 0.0)
    if not p:
        return 0.0, 0.0, 0.0
    overlap = sum((p & g).values())
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ----------------------------------------------------------------- trafilatura-eval metric
def normalize(text: str | None) -> str:
    return " ".join((text or "").split())


def snippet_matches(
    text: str, with_snippets: tuple[str, ...], without_snippets: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """The `with` snippets the text misses and the `without` snippets it holds."""
    found = normalize(text)
    missed = [s for s in with_snippets if normalize(s) not in found]
    leaked = [s for s in without_snippets if normalize(s) in found]
    return missed, leaked
