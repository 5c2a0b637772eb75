"""Page-type features (the runtime's `page_type.page_features`) of every page of both sets,
cached as $QUALITY_CACHE/pagefeat-<dataset>.json ({id: {feature: value}}).

    .venv/bin/python training/page_features.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_extractor.pipeline.model.page_type import page_features
from data import load_cache, pages, save_cache
from trees import parse_page


def main() -> None:
    for dataset in ("wcxb", "trafeval"):
        name = f"pagefeat-{dataset}"
        if load_cache(name):
            continue
        out: dict[str, object] = {}
        started = time.time()
        for page in pages(dataset):
            tree = parse_page(page.html_bytes())
            out[page.id] = page_features(tree, page.url) if tree is not None else {}
        save_cache(name, out)
        print(f"{name}: {len(out)} pages in {time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
