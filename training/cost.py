"""Cost per page of the runtime pieces, measured interleaved with stock trafilatura and the
product on the same pages (median and p95 ms, and as a share of stock's median).

    .venv/bin/python -m training.cost [--dataset trafeval|wcxb] [--limit 300]

Pieces: `page_type.classify_page` (features + model), `content_model.page_blocks` (the DOM
walk), `content_model.decide` (block features + model), and `refine` (all of it, with the
article gate, plus `kept_blocks.typed_blocks` where it applies), on the product's parsed tree;
`product` and `model_off` are `process_object` with CONTENT_MODEL on and off.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import trafilatura
from lxml.html import HtmlElement

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.model import content_model, page_type
from article_extractor.pipeline.model.kept_blocks import typed_blocks
from article_extractor.pipeline.process import process_object
from training.data import load_cache, pages
from training.trees import parse_page


class MemoryReader:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(body=self.body, size=len(self.body))


def ms(function: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def product(body: bytes, model_on: bool) -> str:
    reader = MemoryReader(body)
    return process_object(
        ObjectRef(None, "p.html"),
        reader,
        ProcessingOptions(max_input_bytes=10 << 20, content_model=model_on),
    ).to_json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="trafeval")
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    todo = pages(args.dataset)
    step = max(1, len(todo) // args.limit)
    todo = todo[::step][: args.limit]
    texts = load_cache(f"text-{args.dataset}-product")
    names = ("stock", "product", "model_off", "page_type", "blocks", "decide", "refine")
    times: dict[str, list[float]] = {k: [] for k in names}
    for index, page in enumerate(todo):
        body = page.html_bytes()
        tree = parse_page(body)
        if tree is None:
            continue
        extracted = texts[page.id]["text"]  # type: ignore[index]
        times["stock"].append(
            ms(trafilatura.extract, body, include_comments=False, with_metadata=True)
        )
        # in turn, first one then the other: the second run of a page finds warmer caches
        for model_on in (True, False) if index % 2 else (False, True):
            times["product" if model_on else "model_off"].append(ms(product, body, model_on))
        probs = page_type.classify_page(tree, page.url).probabilities
        times["page_type"].append(ms(page_type.classify_page, tree, page.url))
        blocks = content_model.page_blocks(tree)
        times["blocks"].append(ms(content_model.page_blocks, tree))
        times["decide"].append(ms(content_model.decide, blocks, extracted, probs))
        times["refine"].append(ms(refine_and_type, tree, page.url, extracted))
    stock_median = statistics.median(times["stock"])
    print(f"{args.dataset}: {len(times['stock'])} pages")
    paired = [on / off for on, off in zip(times["product"], times["model_off"], strict=True)]
    print(f"product / model_off, median of the per-page ratios: {statistics.median(paired):.3f}")
    print(f"{'piece':<10} {'median':>8} {'p95':>8}  median / stock median")
    for name, values in times.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        median = statistics.median(values)
        print(f"{name:<10} {median:>8.2f} {p95:>8.2f}  {median / stock_median:.3f}")


def refine_and_type(tree: HtmlElement, url: str, extracted: str) -> None:
    """What the product adds per page: the gate, the classifier, the block model, and the
    kept blocks turned into typed blocks."""
    decision = content_model.refine(tree, url, extracted)
    if decision.replaced:
        typed_blocks(decision.kept_blocks)


if __name__ == "__main__":
    main()
