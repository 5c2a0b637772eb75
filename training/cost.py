"""Cost per page of the runtime pieces, measured interleaved with stock trafilatura and the
product on the same pages (median and p95 ms, and as a share of stock's median).

    .venv/bin/python training/cost.py [--dataset trafeval|wcxb] [--limit 300]

Pieces: `page_type.classify_page` (features + model), `content_model.page_blocks` (the DOM
walk), `content_model.decide` (block features + model), and `refine` (all of it, with the
article gate), on the product's parsed tree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura  # noqa: E402

from article_extractor.inputs import FetchedObject, ObjectRef  # noqa: E402
from article_extractor.pipeline import content_model, page_type  # noqa: E402
from article_extractor.pipeline.process import process_object  # noqa: E402
from data import load_cache, pages  # noqa: E402
from trees import parse_page  # noqa: E402


class MemoryReader:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(body=self.body, size=len(self.body))


def ms(f) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    f()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="trafeval")
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    todo = pages(args.dataset)
    step = max(1, len(todo) // args.limit)
    todo = todo[::step][: args.limit]
    texts = load_cache(f"text-{args.dataset}-product")
    times: dict[str, list[float]] = {
        k: [] for k in ("stock", "product", "page_type", "blocks", "decide", "refine")
    }
    for page in todo:
        body = page.html_bytes()
        tree = parse_page(body)
        if tree is None:
            continue
        extracted = texts[page.id]["text"]  # type: ignore[index]
        times["stock"].append(
            ms(lambda: trafilatura.extract(body, include_comments=False, with_metadata=True))
        )
        times["product"].append(
            ms(
                lambda: process_object(
                    ObjectRef(None, "p.html"), MemoryReader(body), 10 << 20
                ).to_json()
            )
        )
        probs: dict[str, float] = {}

        def classify() -> None:
            probs.update(page_type.classify_page(tree, page.url).probabilities)

        times["page_type"].append(ms(classify))
        blocks: list[content_model.Block] = []
        times["blocks"].append(ms(lambda: blocks.extend(content_model.page_blocks(tree))))
        times["decide"].append(ms(lambda: content_model.decide(blocks, extracted, probs)))
        times["refine"].append(ms(lambda: content_model.refine(tree, page.url, extracted)))
    stock_median = statistics.median(times["stock"])
    print(f"{args.dataset}: {len(times['stock'])} pages")
    print(f"{'piece':<10} {'median':>8} {'p95':>8}  median / stock median")
    for name, values in times.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"{name:<10} {statistics.median(values):>8.2f} {p95:>8.2f}  {statistics.median(values) / stock_median:.3f}"
        )


if __name__ == "__main__":
    main()
