"""Every block of every page of both development sets, as the runtime sees it, with labels.

    /tmp/quality-venv/bin/python -m training.unified_data [--jobs 2] [--limit N]

Each page goes through the product (`process_object`, as the benchmarks run it) with the block
model's step replaced by a recorder: it keeps what `content_model.refine` is given (the parsed
tree, the URL, trafilatura's text) and turns it into the page's blocks with the runtime's own
features (`page_blocks`, `block_features`, `context_features`), then lets trafilatura's content
stand, so the document written is the product with the model off (the baseline every decision
is measured against).

Page-type probabilities: a WCXB-dev page's come from the page-type model of the fold it is held
out of (`training/folds/<k>/page_type.json`), so they are as unsure as on an unseen page; a
trafilatura-eval page's from the shipped model (never fitted on that set).

Labels: WCXB-dev blocks against the ground-truth text (`labels`: a block's words occur in the
ground truth's, with a neighbour's when it is short, or half its word trigrams do); trafilatura-eval
blocks 1 when they hold a `with` snippet, 0 when they hold a `without` one, else unlabelled
(-1). Folds: WCXB-dev's (grouped by registered domain); a trafilatura-eval page takes its
domain's WCXB fold, else one from a hash of its domain.

Writes $QUALITY_CACHE/unified-<set>.pkl: one record per page.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from bench.datasets import normalize

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import extract
from article_extractor.pipeline.model import content_model, page_type
from article_extractor.pipeline.model.content_model import Outcome, Refined
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from training.data import CACHE, ROOT, Page, pages, registered_domain

FOLDS = ROOT / "training" / "folds"
MAX_INPUT_BYTES = 10 * 1024 * 1024
_STATE: dict[str, Any] = {}


def page_folds() -> dict[tuple[str, str], int]:
    """(set, page id) -> fold, grouped by registered domain across both sets."""
    wcxb_folds: dict[str, int] = json.loads((FOLDS / "folds.json").read_text(encoding="utf-8"))
    folds: dict[tuple[str, str], int] = {}
    domain_fold: dict[str, int] = {}
    for page in pages("wcxb"):
        fold = wcxb_folds[page.id]
        folds[("wcxb", page.id)] = fold
        domain_fold[registered_domain(page.url)] = fold
    for page in pages("trafeval"):
        domain = registered_domain(page.url)
        fold = domain_fold.get(domain, zlib.crc32(domain.encode()) % 5)
        folds[("trafeval", page.id)] = fold
    return folds


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def labels(token_strings: list[str], truth: str) -> list[float]:
    truth_string = f" {content_model.token_string(truth)} "
    truth_trigrams = _trigrams(truth_string.split())
    out = []
    for i, tokens in enumerate(token_strings):
        words = tokens.split()
        if not words:
            out.append(0.0)
            continue
        if f" {tokens} " in truth_string:
            if len(words) >= 6:
                out.append(1.0)
                continue
            prev = next((t for t in reversed(token_strings[:i]) if t), "")
            nxt = next((t for t in token_strings[i + 1 :] if t), "")
            before = " ".join(prev.split()[-2:])
            after = " ".join(nxt.split()[:2])
            context = (before and f" {before} {tokens} " in truth_string) or (
                after and f" {tokens} {after} " in truth_string
            )
            out.append(1.0 if context or (not before and not after) else 0.0)
            continue
        if len(words) >= 3:
            grams = _trigrams(words)
            share = len(grams & truth_trigrams) / len(grams)
            out.append(1.0 if share >= 0.5 else 0.0)
        else:
            out.append(0.0)
    return out


def snippet_labels(texts: list[str], page: Page) -> list[float]:
    found = [normalize(text) for text in texts]
    out = []
    for text in found:
        if any(normalize(s) in text for s in page.with_snippets):
            out.append(1.0)
        elif any(normalize(s) in text for s in page.without_snippets):
            out.append(0.0)
        else:
            out.append(-1.0)
    return out


def _recorder(tree: Any, url: str | None, extracted: str, *_: Any, **__: Any) -> Refined:
    blocks = content_model.page_blocks(tree)
    declared, schema = page_type.article_declaration(tree, url)
    probabilities = page_type.classify_page(tree, url, _STATE["type_model"], schema).probabilities
    content_model.block_features(blocks, extracted, probabilities)
    content_model.context_features(blocks, declared)
    _STATE["seen"] = {
        "declared": declared,
        "probabilities": probabilities,
        "extracted": extracted,
        "texts": [block.text for block in blocks],
        "shown": [block.shown for block in blocks],
        "tags": [block.tag for block in blocks],
        "kept": [block.features["kept"] for block in blocks],
        "names": sorted(blocks[0].features) if blocks else [],
        "matrix": np.array(
            [[f[name] for name in sorted(f)] for f in (b.features for b in blocks)],
            dtype=np.float32,
        ),
    }
    return Refined("article", {}, Outcome.DECLARED_ARTICLE)


def one(job: tuple[Page, int]) -> dict[str, Any] | None:
    page, fold = job
    if page.dataset == "wcxb":
        path = FOLDS / str(fold) / "page_type.json"
        if _STATE.get("type_path") != path:
            _STATE["type_model"] = json.loads(path.read_text(encoding="utf-8"))
            _STATE["type_path"] = path
    else:
        _STATE["type_model"] = None
    _STATE["seen"] = None
    document = process_object(
        ObjectRef(bucket=None, key=str(page.path)),
        LocalFileReader(source_url=page.url or None),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES),
    )
    seen = _STATE["seen"]
    baseline = document.article.text if document.article is not None else ""
    if seen is None:
        return {"set": page.dataset, "id": page.id, "fold": fold, "baseline": baseline, "blocks": 0}
    texts = seen["texts"]
    if page.dataset == "wcxb":
        y = labels([content_model.token_string(t) for t in texts], page.truth)
    else:
        y = snippet_labels(texts, page)
    return {
        "set": page.dataset,
        "id": page.id,
        "fold": fold,
        "type": page.page_type,
        "baseline": baseline,
        "blocks": len(texts),
        "y": y,
        **seen,
    }


def _init() -> None:
    extract.refine = _recorder  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--datasets", default="wcxb,trafeval")
    args = parser.parse_args()
    folds = page_folds()
    CACHE.mkdir(parents=True, exist_ok=True)
    for dataset in args.datasets.split(","):
        started = time.time()
        todo = pages(dataset)[: args.limit or None]
        jobs = [(page, folds[(dataset, page.id)]) for page in todo]
        with ProcessPoolExecutor(args.jobs, initializer=_init) as pool:
            records = [r for r in pool.map(one, jobs, chunksize=4) if r is not None]
        out = Path(CACHE / f"unified-{dataset}.pkl")
        out.write_bytes(pickle.dumps(records))
        print(
            f"{out.name}: {len(records)} pages, {sum(r['blocks'] for r in records)} blocks,"
            f" {time.time() - started:.0f}s",
            flush=True,
        )


if __name__ == "__main__":
    main()
