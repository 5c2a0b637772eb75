"""Extraction quality: the product's processing path against stock trafilatura, same run.

    python -m bench.quality --dataset ../shared/data/trafilatura-eval [--limit N] [--jobs 2]

(from the repository's root). The dataset is in trafilatura's evaluation format, read and
scored by bench/datasets.py: a `with` snippet found is a true positive, missed a false negative;
a `without` snippet found is a false positive, absent a true negative.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from bench.datasets import EvalPage, snippet_matches, trafilatura_eval_pages
from bench.sources import removal_line, removed_by, target
from bench.wcxb import use_fold

# {page file: fold} of trafilatura-eval, written with the fold model files (training/unified.py)
FOLD_FILE = "trafeval-folds.json"

EXTRACTORS = ("stock", "product")
MAX_INPUT_BYTES = 10 * 1024 * 1024


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


@dataclass
class PageResult:
    page: EvalPage
    scores: dict[str, Score]
    missed: dict[str, list[str]] = field(default_factory=dict)
    leaked: dict[str, list[str]] = field(default_factory=dict)
    cleaning: Counter[str] = field(default_factory=Counter)
    removed_by: Counter[str] = field(default_factory=Counter)


def score(text: str, page: EvalPage) -> tuple[Score, list[str], list[str]]:
    missed, leaked = snippet_matches(text, page.with_snippets, page.without_snippets)
    return (
        Score(
            tp=len(page.with_snippets) - len(missed),
            fn=len(missed),
            fp=len(leaked),
            tn=len(page.without_snippets) - len(leaked),
        ),
        missed,
        leaked,
    )


def stock_text(page: EvalPage) -> str:
    return trafilatura.extract(page.path.read_bytes(), include_comments=False) or ""


def product_text(page: EvalPage) -> tuple[str, dict[str, int], Counter[str]]:
    document = process_object(
        ObjectRef(bucket=None, key=str(page.path)),
        LocalFileReader(source_url=page.url),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES, explain=True),
    )
    text = document.article.text if document.article else ""
    return text, document.extraction.cleaning, removed_by(document)


def evaluate(page: EvalPage, fold: Path | None = None) -> PageResult:
    """Both extractors on one page, the product with `fold`'s model files if given."""
    if fold is not None:
        use_fold(fold)
    result = PageResult(page=page, scores={})
    product, cleaning, removed = product_text(page)
    result.removed_by.update(removed)
    texts = {"stock": stock_text(page), "product": product}
    for name in EXTRACTORS:
        result.scores[name], result.missed[name], result.leaked[name] = score(texts[name], page)
    result.cleaning.update(cleaning)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path("../shared/data/trafilatura-eval"))
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--show", type=int, default=25, help="pages where product is worse")
    parser.add_argument("--dump", type=Path, help="write per-page misses and leaks as JSON")
    parser.add_argument(
        "--folds", type=Path, help="score the product out-of-fold with these fold model files"
    )
    args = parser.parse_args(argv)
    if not (args.dataset / "evaldata.json").is_file():
        print(f"no evaldata.json under {args.dataset}", file=sys.stderr)
        return 2
    pages = list(trafilatura_eval_pages(args.dataset))
    if args.limit:
        pages = pages[: args.limit]
    folds: list[Path | None] = [None] * len(pages)
    if args.folds:
        fold_of = json.loads((args.folds / FOLD_FILE).read_text(encoding="utf-8"))
        pages = sorted(pages, key=lambda p: fold_of[p.file])
        folds = [args.folds / str(fold_of[p.file]) for p in pages]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(evaluate, pages, folds, chunksize=8))

    totals = {name: Score() for name in EXTRACTORS}
    cleaning: Counter[str] = Counter()
    for result in results:
        for name in EXTRACTORS:
            totals[name].add(result.scores[name])
        cleaning.update(result.cleaning)

    if args.dump:
        args.dump.write_text(
            json.dumps(
                [
                    {
                        "file": r.page.path.name,
                        "url": r.page.url,
                        "missed": r.missed,
                        "leaked": r.leaked,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    scored = f"out-of-fold with {args.folds}" if args.folds else "in-sample: the shipped models"
    print(f"dataset: {args.dataset} ({len(pages)} pages); product {scored}")
    print(
        f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8}"
        f" {'tp':>5} {'fn':>5} {'fp':>5} {'tn':>5}"
    )
    for name in EXTRACTORS:
        s = totals[name]
        print(
            f"{name:<12} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.accuracy:>8.3f}"
            f" {s.tp:>5} {s.fn:>5} {s.fp:>5} {s.tn:>5}"
        )
    product = totals["product"]
    print(
        f"\ntargets: {target('precision', product.precision, 0.95)},"
        f" {target('recall', product.recall, 0.965)}"
    )
    print(removal_line(result.removed_by for result in results))
    print("\ncleaning rules (lines removed over the dataset):")
    for rule, count in cleaning.most_common():
        print(f"  {rule:<24} {count}")
    # Worse: the product misses a snippet stock found, or keeps one stock left out.
    worse = [
        r
        for r in results
        if set(r.missed["product"]) - set(r.missed["stock"])
        or set(r.leaked["product"]) - set(r.leaked["stock"])
    ]
    print(f"\npages where product is worse than stock: {len(worse)}")
    for r in worse[: args.show]:
        lost = sorted(set(r.missed["product"]) - set(r.missed["stock"]))
        leaked = sorted(set(r.leaked["product"]) - set(r.leaked["stock"]))
        print(f"  {r.page.path.name}")
        for snippet in lost:
            print(f"    missed: {snippet[:100]!r}")
        for snippet in leaked:
            print(f"    leaked: {snippet[:100]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
