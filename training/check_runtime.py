"""The runtime (`content_model.refine`, pure Python, the shipped JSON) gives the same page texts
as the training pipeline's final model (numpy / scikit-learn) on trafilatura-eval.

    .venv/bin/python -m training.check_runtime [--limit 300]
"""

from __future__ import annotations

import argparse

from article_extractor.pipeline.model.content_model import refine
from training.data import load_cache, pages
from training.trees import parse_page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--expected", default="text-trafeval-rules-lr")
    args = parser.parse_args()
    expected = load_cache(args.expected)
    product = load_cache("text-trafeval-product")
    same = replaced = 0
    todo = pages("trafeval")[: args.limit]
    for page in todo:
        tree = parse_page(page.html_bytes())
        assert tree is not None
        refined = refine(tree, page.url, product[page.id]["text"])  # type: ignore[index]
        replaced += refined.replaced
        if refined.text == expected[page.id]["text"]:  # type: ignore[index]
            same += 1
        else:
            print(f"differs: {page.id} ({refined.page_type})")
    print(f"{same}/{len(todo)} pages identical; the model's text on {replaced}")


if __name__ == "__main__":
    main()
