"""Page-type features (the runtime's `page_type.page_features`) of every page of both sets,
cached as $QUALITY_CACHE/pagefeat-<dataset>.json ({id: {feature: value}}).

    .venv/bin/python -m training.page_features
"""

from __future__ import annotations

import time

from article_extractor.pipeline.model.page_type import page_features
from training.data import load_cache, pages, save_cache
from training.trees import parse_page


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
