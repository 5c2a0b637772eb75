"""Run the product's processing path under several trafilatura settings (and stock trafilatura)
over both development sets; cache each page's text (and time) under $QUALITY_CACHE.

    .venv/bin/python -m training.run_configs [--configs product,recall,...] [--jobs 2]

Settings are applied by replacing `extract._extract` in this process only (the product's
modules are not edited); everything else (sanitising, lede, clean_text) is the product's.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import trafilatura
from trafilatura import bare_extraction

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import extract
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader
from training.data import Page, load_cache, pages, save_cache

MAX_INPUT_BYTES = 10 * 1024 * 1024
PRODUCT_DEFAULTS = dict(
    include_comments=False, include_tables=True, with_metadata=False, deduplicate=False
)
CONFIGS: dict[str, dict[str, object]] = {
    "product": {},
    "recall": {"favor_recall": True},
    "precision": {"favor_precision": True},
    "comments": {"include_comments": True},
    "recall_comments": {"favor_recall": True, "include_comments": True},
    "fast": {"fast": True},
    "recall_fast": {"favor_recall": True, "fast": True},
}


def _patched(settings: dict[str, object]):
    def _extract(tree, url):  # type: ignore[no-untyped-def]
        with extract.fast_paths():
            return bare_extraction(tree, url=url, **{**PRODUCT_DEFAULTS, **settings})

    return _extract


def run(args: tuple[str, Page]) -> tuple[str, str, float]:
    config, page = args
    started = time.perf_counter()
    if config == "stock":
        text = trafilatura.extract(page.html_bytes(), include_comments=False) or ""
    else:
        extract._extract = _patched(CONFIGS[config])
        document = process_object(
            ObjectRef(bucket=None, key=str(page.path)),
            LocalFileReader(source_url=page.url or None),
            ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES),
        )
        text = document.article.text if document.article else ""
    return page.id, text, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="stock," + ",".join(CONFIGS))
    parser.add_argument("--datasets", default="wcxb,trafeval")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    for dataset in args.datasets.split(","):
        todo = pages(dataset)
        for config in args.configs.split(","):
            name = f"text-{dataset}-{config}"
            if load_cache(name):
                print(f"{name}: cached")
                continue
            started = time.time()
            with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                results = list(pool.map(run, [(config, p) for p in todo], chunksize=4))
            save_cache(name, {pid: {"text": text, "ms": ms} for pid, text, ms in results})
            print(f"{name}: {len(results)} pages in {time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
