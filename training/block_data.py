"""Blocks of every page (the runtime's `content_model.page_blocks` / `block_features`), with
their labels against WCXB's ground truth, cached as numpy arrays.

    /tmp/quality-venv/bin/python -m training.block_data [--jobs 1]

Inputs: the product's text of each page ($QUALITY_CACHE/text-<set>-<kept-from>.json, from
run_configs.py: trafilatura's "kept" feature; `--kept-from fast` for trafilatura without its
fallbacks, written as blocks-<set>-fast.npz) and page-type probabilities (out-of-fold for
WCXB, pagetype-oof.json; the final model's for trafilatura-eval). Output:
$QUALITY_CACHE/blocks-<set>.npz (X, y, page, n_tokens, feature names) and
blocks-<set>-texts.json (block texts, for rebuilding page texts).

Label of a block: its word tokens (joined) occur in the ground truth's (joined), and either
the block has >= 6 tokens or it occurs together with the neighbouring block's adjacent two
tokens (a short "Home" or "Share" alone matches almost any text); a longer block that does not
occur whole is labelled by the share of its token trigrams found in the ground truth (>= 0.5).
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from article_extractor.pipeline.model.content_model import (
    _token_string,
    block_features,
    page_blocks,
)
from training.data import CACHE, Page, load_cache, pages
from training.trees import parse_page

_STATE: dict[str, dict[str, object]] = {}


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def labels(token_strings: list[str], truth: str) -> list[float]:
    truth_string = f" {_token_string(truth)} "
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


def one(page: Page) -> tuple[str, list[dict[str, float]], list[float], list[str]]:
    texts = _STATE["texts"]
    types = _STATE["types"]
    tree = parse_page(page.html_bytes())
    if tree is None:
        return page.id, [], [], []
    blocks = page_blocks(tree)
    extracted = texts.get(page.id, {}).get("text", "")  # type: ignore[attr-defined]
    block_features(blocks, extracted, types.get(page.id, {}))  # type: ignore[arg-type]
    token_strings = [_token_string(b.text) for b in blocks]
    y = labels(token_strings, page.truth) if page.truth else [0.0] * len(blocks)
    return page.id, [b.features for b in blocks], y, [b.text for b in blocks]


def _init(dataset: str, kept_from: str) -> None:
    _STATE["texts"] = load_cache(f"text-{dataset}-{kept_from}")
    _STATE["types"] = load_cache("pagetype-oof" if dataset == "wcxb" else "pagetype-trafeval")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--datasets", default="wcxb,trafeval")
    parser.add_argument("--kept-from", default="product", help="setting whose text is 'kept'")
    args = parser.parse_args()
    for dataset in args.datasets.split(","):
        started = time.time()
        todo = pages(dataset)
        with ProcessPoolExecutor(
            args.jobs, initializer=_init, initargs=(dataset, args.kept_from)
        ) as pool:
            results = list(pool.map(one, todo, chunksize=8))
        names = sorted({k for _, feats, _, _ in results for f in feats[:1] for k in f})
        rows, ys, page_index, n_tokens, texts = [], [], [], [], {}
        for idx, (pid, feats, y, block_texts) in enumerate(results):
            for f in feats:
                rows.append([f.get(n, 0.0) for n in names])
                page_index.append(idx)
                n_tokens.append(f.get("n_tokens", 0.0))
            ys.extend(y)
            texts[pid] = block_texts
        suffix = "" if args.kept_from == "product" else f"-{args.kept_from}"
        np.savez_compressed(
            CACHE / f"blocks-{dataset}{suffix}.npz",
            X=np.array(rows, dtype=np.float32),
            y=np.array(ys, dtype=np.float32),
            page=np.array(page_index, dtype=np.int32),
            n_tokens=np.array(n_tokens, dtype=np.float32),
            names=np.array(names),
            ids=np.array([r[0] for r in results]),
        )
        (CACHE / f"blocks-{dataset}-texts.json").write_text(
            json.dumps(texts, ensure_ascii=False), encoding="utf-8"
        )
        print(
            f"blocks-{dataset}{suffix}: {len(rows)} blocks, {len(results)} pages, "
            f"{time.time() - started:.0f}s",
            flush=True,
        )


if __name__ == "__main__":
    main()
