"""Declared page types: how often each declaration a page makes of its own type
(`page_type.declared_items`: its schema.org items and og:type) names the page's WCXB-dev type,
with the trust (hits + 1) / (pages + 2) that `page_type.DECLARATIONS` holds; then the page type
out-of-fold (each page classified with the model of the fold it is held out of,
training/folds/<k>/page_type.json) without and with the declarations blended in.

    .venv/bin/python -m training.declarations
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from article_extractor.pipeline.model import page_type
from training.data import TYPES, wcxb_pages
from training.trees import parse_page

FOLDS = Path(__file__).resolve().parent / "folds"
MIN_PAGES = 5  # declarations made on fewer pages are not listed unless DECLARATIONS has them


def confusion_report(name: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    """Accuracy, recall per type and log loss of (true type, probabilities) pairs."""
    confusion = Counter((truth, max(p, key=p.__getitem__)) for truth, p in rows)
    accuracy = sum(confusion[(t, t)] for t in TYPES) / len(rows)
    loss = -sum(math.log(max(1e-9, p[truth])) for truth, p in rows) / len(rows)
    recall = " ".join(
        f"{t}={confusion[(t, t)] / max(1, sum(confusion[(t, u)] for u in TYPES)):.3f}"
        for t in TYPES
    )
    print(f"{name:<22} accuracy {accuracy:.4f}  log loss {loss:.4f}  recall {recall}")


def main() -> None:
    fold_of: dict[str, int] = json.loads((FOLDS / "folds.json").read_text(encoding="utf-8"))
    models: dict[int, dict[str, Any]] = {
        fold: json.loads((FOLDS / str(fold) / "page_type.json").read_text(encoding="utf-8"))
        for fold in set(fold_of.values())
    }
    by_item: dict[str, Counter[str]] = defaultdict(Counter)
    without: list[tuple[str, dict[str, float]]] = []
    blended: list[tuple[str, dict[str, float]]] = []
    for page in wcxb_pages():
        tree = parse_page(page.html_bytes())
        if tree is None or page.page_type is None or page.id not in fold_of:
            continue
        for item in set(page_type.declared_items(tree)):
            by_item[item][page.page_type] += 1
        features = page_type.page_features(tree, page.url)
        probabilities = page_type.predict_proba(features, models[fold_of[page.id]])
        without.append((page.page_type, probabilities))
        prior = page_type.declared_page_types(tree)
        blended.append((page.page_type, page_type.with_declarations(probabilities, prior)))
    print(f"{'declaration':<26} {'pages':>5} {'names':<20} hits  trust  shipped  types")
    for item, types in sorted(by_item.items(), key=lambda kv: -sum(kv[1].values())):
        named, shipped = page_type.DECLARATIONS.get(item, ((), None))
        total = sum(types.values())
        if total < MIN_PAGES and shipped is None:
            continue
        hits = sum(types[t] for t in named)
        trust = f"{(hits + 1) / (total + 2):.2f}" if named else "-"
        print(
            f"{item:<26} {total:>5} {'/'.join(named) or '-':<20} {hits:>4}  {trust:>5}  "
            f"{shipped if shipped is not None else '-':>7}  {dict(types.most_common(4))}"
        )
    print("page type, out-of-fold (WCXB-dev):")
    confusion_report("model", without)
    confusion_report("model + declarations", blended)


if __name__ == "__main__":
    main()
