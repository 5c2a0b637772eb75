"""Extraction quality on WCXB (the Web Content eXtraction Benchmark): the product's processing
path and stock trafilatura in the same run, with the benchmark's own word-level metric.

    python -m bench.wcxb --dataset ../shared/data/wcxb-dev [--folds training/folds] [--limit N]
                         [--jobs 2] [--dump F]

(from the repository's root). With --folds, each page is processed with the model files of the
fold it is held out of (`training/folds/<k>/`, fitted by training/fold_models.py on the other
four folds, grouped by registered domain): the product's figures are out-of-fold. Without it the
shipped model files score pages they were fitted on (in-sample, optimistic).

Pages are read, and their text scored, by bench/datasets.py (WCXB's word-level metric).
Reported: the mean over pages, overall and per page type; the share of `with` snippets found and
of `without` snippets found; metadata exact match (title, author, date), counted over the pages
whose ground truth gives the field, comparing their words (`\\w+`, case-folded) and dates by
day; and the pages where the product is furthest below stock.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import mean

import trafilatura

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.model import content_model, page_type, text_model
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from bench.datasets import WcxbPage, tokens, wcxb_pages, word_scores
from bench.sources import removal_line, removed_by, target

EXTRACTORS = ("stock", "product")
MAX_INPUT_BYTES = 10 * 1024 * 1024
META_FIELDS = ("title", "author", "date")


@dataclass
class Extracted:
    text: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None
    cleaning: dict[str, int] = field(default_factory=dict)
    removed_by: dict[str, int] = field(default_factory=dict)


@dataclass
class PageScore:
    precision: float
    recall: float
    f1: float
    with_found: float | None
    without_found: float | None
    meta: dict[str, bool | None]
    values: dict[str, str | None]  # the metadata extracted (for --dump)


@dataclass
class PageResult:
    file_id: str
    url: str
    page_type: str
    scores: dict[str, PageScore]
    cleaning: dict[str, int]
    removed_by: dict[str, int] = field(default_factory=dict)


def _share_found(snippets: tuple[str, ...], text: str) -> float | None:
    if not snippets:
        return None
    lowered = " ".join(text.lower().split())
    return sum(" ".join(s.lower().split()) in lowered for s in snippets) / len(snippets)


def _same(predicted: str | None, truth: str | None, field_name: str) -> bool | None:
    if not truth:
        return None
    if not predicted:
        return False
    if field_name == "date":
        return predicted.strip()[:10] == truth.strip()[:10]
    # Words only (the benchmark's tokens): "Title | Site" and "title: site" compare the same.
    return tokens(predicted) == tokens(truth)


def score(extracted: Extracted, page: WcxbPage) -> PageScore:
    precision, recall, f1 = word_scores(extracted.text, page.main_content)
    return PageScore(
        precision=precision,
        recall=recall,
        f1=f1,
        with_found=_share_found(page.with_snippets, extracted.text),
        without_found=_share_found(page.without_snippets, extracted.text),
        meta={
            name: _same(getattr(extracted, name), getattr(page, name), name) for name in META_FIELDS
        },
        values={name: getattr(extracted, name) for name in META_FIELDS},
    )


def stock(page: WcxbPage) -> Extracted:
    html = gzip.decompress(page.path.read_bytes())
    document = trafilatura.bare_extraction(
        html, url=page.url or None, include_comments=False, with_metadata=True
    )
    if document is None:
        return Extracted()
    return Extracted(
        text=document.text or "", title=document.title, author=document.author, date=document.date
    )


def product(page: WcxbPage) -> Extracted:
    document = process_object(
        ObjectRef(bucket=None, key=str(page.path)),
        LocalFileReader(source_url=page.url or None),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES, explain=True),
    )
    article = document.article
    removed = dict(removed_by(document))
    if article is None:
        return Extracted(cleaning=document.extraction.cleaning, removed_by=removed)
    return Extracted(
        text=article.text,
        title=article.title,
        author=article.author,
        date=article.date,
        cleaning=document.extraction.cleaning,
        removed_by=removed,
    )


def use_fold(folder: Path) -> None:
    """Point the runtime at one fold's model files (read on first use, cached per process)."""
    if folder / "content_model.json" == content_model.MODEL_PATH:
        return
    content_model.MODEL_PATH = folder / "content_model.json"
    page_type.MODEL_PATH = folder / "page_type.json"
    text_model.MODEL_PATH = folder / "text_model.json"
    content_model._model.cache_clear()
    page_type._model.cache_clear()
    text_model.shipped.cache_clear()


def fold_of_pages(folds: Path) -> dict[str, int]:
    """{page id: fold} as training/fold_models.py wrote it."""
    loaded: dict[str, int] = json.loads((folds / "folds.json").read_text(encoding="utf-8"))
    return loaded


def evaluate(page: WcxbPage, fold: Path | None = None) -> PageResult:
    """Both extractors on one page, the product with `fold`'s model files if given."""
    if fold is not None:
        use_fold(fold)
    extracted = {"stock": stock(page), "product": product(page)}
    return PageResult(
        file_id=page.file_id,
        url=page.url,
        page_type=page.page_type,
        scores={name: score(extracted[name], page) for name in EXTRACTORS},
        cleaning=extracted["product"].cleaning,
        removed_by=extracted["product"].removed_by,
    )


def _mean(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return mean(present) if present else float("nan")


def report(results: list[PageResult], show: int) -> None:
    by_type: dict[str, list[PageResult]] = defaultdict(list)
    for result in results:
        by_type[result.page_type].append(result)
    groups = [("all", results), *sorted(by_type.items(), key=lambda item: -len(item[1]))]
    print(
        f"{'page type':<14} {'pages':>5}  "
        + "  ".join(f"{n + ' P / R / F1':>22}" for n in EXTRACTORS)
        + "  precision >= stock"
    )
    below = []
    for name, group in groups:
        means = {
            e: [
                _mean([getattr(r.scores[e], m) for r in group])
                for m in ("precision", "recall", "f1")
            ]
            for e in EXTRACTORS
        }
        cells = "  ".join(f"{'{:.3f} / {:.3f} / {:.3f}'.format(*means[e]):>22}" for e in EXTRACTORS)
        ok = means["product"][0] >= means["stock"][0] - 5e-4
        if not ok:
            below.append(name)
        print(f"{name:<14} {len(group):>5}  {cells}  {'yes' if ok else 'NO'}")
    missed = ", ".join(below)
    all_f1 = _mean([r.scores["product"].f1 for r in results])
    article_f1 = _mean([r.scores["product"].f1 for r in by_type.get("article", [])])
    print(
        f"\ntargets: {target('word F1', all_f1, 0.87)}, {target('articles F1', article_f1, 0.945)},"
        f" precision >= stock on every type: {'met' if not below else 'NOT met: ' + missed}"
    )
    print(removal_line(Counter(r.removed_by) for r in results))
    print()
    print(f"{'extractor':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'with':>6} {'without':>8}")
    for e in EXTRACTORS:
        s = [r.scores[e] for r in results]
        print(
            f"{e:<10} {_mean([x.precision for x in s]):>9.3f} {_mean([x.recall for x in s]):>7.3f}"
            f" {_mean([x.f1 for x in s]):>6.3f} {_mean([x.with_found for x in s]):>6.3f}"
            f" {_mean([x.without_found for x in s]):>8.3f}"
        )
    print("\nmetadata exact match (pages whose ground truth gives the field):")
    print(f"{'extractor':<10} " + " ".join(f"{f:>7}" for f in META_FIELDS))
    for e in EXTRACTORS:
        cells = []
        for f in META_FIELDS:
            marks = [r.scores[e].meta[f] for r in results if r.scores[e].meta[f] is not None]
            cells.append(f"{(sum(marks) / len(marks)) if marks else float('nan'):>7.3f}")
        print(f"{e:<10} " + " ".join(cells))
    better = sum(r.scores["product"].f1 > r.scores["stock"].f1 + 1e-9 for r in results)
    worse = sorted(
        (r for r in results if r.scores["product"].f1 < r.scores["stock"].f1 - 1e-9),
        key=lambda r: r.scores["product"].f1 - r.scores["stock"].f1,
    )
    print(f"\nproduct better than stock on {better} pages, worse on {len(worse)}")
    less_precise = sorted(
        results, key=lambda r: r.scores["product"].precision - r.scores["stock"].precision
    )
    print("pages where the product is most below stock in precision:")
    for r in less_precise[:show]:
        gap = r.scores["product"].precision - r.scores["stock"].precision
        if gap >= 0:
            break
        print(
            f"  {r.file_id} {r.page_type:<13} product {r.scores['product'].precision:.3f}"
            f" stock {r.scores['stock'].precision:.3f}  {r.url[:80]}"
        )
    print("pages where the product's F1 is most below stock's:")
    for r in worse[:show]:
        print(
            f"  {r.file_id} {r.page_type:<13} product {r.scores['product'].f1:.3f}"
            f" stock {r.scores['stock'].f1:.3f}  {r.url[:80]}"
        )
    rules: Counter[str] = Counter()
    for r in results:
        rules.update(r.cleaning)
    if rules:
        print("\ncleaning rules (lines removed over the dataset):")
        for rule, count in rules.most_common():
            print(f"  {rule:<24} {count}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path("../shared/data/wcxb-dev"))
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--show", type=int, default=20, help="pages furthest below stock")
    parser.add_argument("--dump", type=Path, help="write per-page scores as JSON")
    parser.add_argument(
        "--folds", type=Path, help="score the product out-of-fold with these fold model files"
    )
    args = parser.parse_args(argv)
    if not (args.dataset / "ground-truth").is_dir():
        print(f"no ground-truth/ under {args.dataset}", file=sys.stderr)
        return 2
    pages = list(wcxb_pages(args.dataset))
    if args.limit:
        pages = pages[: args.limit]
    if args.folds:
        fold_of = fold_of_pages(args.folds)
        unknown = [page.file_id for page in pages if page.file_id not in fold_of]
        if unknown:
            print(f"pages in no fold of {args.folds}: {unknown[:5]}", file=sys.stderr)
            return 2
        # Grouped by fold, so a worker reloads model files only when its fold changes.
        pages = sorted(pages, key=lambda p: fold_of[p.file_id])
        folds: list[Path | None] = [args.folds / str(fold_of[p.file_id]) for p in pages]
    else:
        folds = [None] * len(pages)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(evaluate, pages, folds, chunksize=8))
    results.sort(key=lambda r: r.file_id)
    scored = f"out-of-fold with {args.folds}" if args.folds else "in-sample: the shipped models"
    print(f"dataset: {args.dataset} ({len(results)} pages); product {scored}\n")
    report(results, args.show)
    if args.dump:
        args.dump.write_text(
            json.dumps([asdict(r) for r in results], ensure_ascii=False), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
