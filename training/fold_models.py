"""Model files for an out-of-fold run of the whole product: for each of the 5 folds of WCXB-dev
(grouped by registered domain, the same folds as page_type.py and blocks.py), the page-type
model, the block model and the per-type rules (thresholds, confidence gate), all fitted on the
other 4 folds only. The rules are chosen with nested cross-validation inside those 4 folds
(4 inner folds, grouped by domain), so no page of the outer test fold is seen by any choice.

    /tmp/quality-venv/bin/python -m training.fold_models [--out training/folds]

Writes <out>/<k>/page_type.json, <out>/<k>/content_model.json and <out>/folds.json
({page id: fold}); training/oof_product.py runs the product on each fold with its files.
Then chooses the shipped rules the same way over all pages (on the outer folds' out-of-fold
predictions) and, with --export, writes them into pipeline/model/content_model.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from training.blocks import EXPORT, Model, load, weights
from training.data import TOKEN, TYPES, load_cache, pages, registered_domain, tokens
from training.page_type import fit as fit_page_type
from training.page_type import matrix
from training.rules import GRID, OFF, f1_counts

DECLARED = ("og_article", "schema_article", "url_date")


def grouped_folds(ids: list[str], groups: list[str], n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(GroupKFold(n_splits=n).split(np.zeros(len(ids)), groups=groups))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "folds")
    parser.add_argument("--C-type", type=float, default=0.05)
    parser.add_argument("--C-blocks", type=float, default=1.0)
    parser.add_argument("--min-confidence", type=float, default=0.6)
    parser.add_argument("--min-tokens", type=int, default=10)
    parser.add_argument("--off-types", default="article")
    parser.add_argument(
        "--export", action="store_true", help="write the final rules into the shipped model"
    )
    args = parser.parse_args()
    wpages = pages("wcxb")
    ids = [p.id for p in wpages]
    by_id = {p.id: p for p in wpages}
    domains = [registered_domain(p.url) for p in wpages]
    labels = [p.page_type for p in wpages]
    feats = load_cache("pagefeat-wcxb")
    type_names = sorted({k for v in feats.values() for k in v})  # type: ignore[attr-defined]
    type_x = matrix([feats[i] for i in ids], type_names)  # type: ignore[misc]
    data, block_texts = load("wcxb")
    names = [str(n) for n in data["names"]]
    shipped_features = json.loads(EXPORT.read_text(encoding="utf-8"))["features"]
    assert names == shipped_features, "blocks-wcxb.npz is not the runtime's features: block_data.py"
    x, y, page, n_tokens = data["X"], data["y"], data["page"], data["n_tokens"]
    assert [str(i) for i in data["ids"]] == ids
    w = weights(page, n_tokens)
    kept = x[:, names.index("kept")] >= 0.5
    starts = np.searchsorted(page, np.arange(len(ids)))
    ends = np.searchsorted(page, np.arange(len(ids)), side="right")
    block_counts = {
        pid: [Counter(TOKEN.findall(t.lower())) for t in block_texts[pid]] for pid in ids
    }
    product = {k: v["text"] for k, v in load_cache("text-wcxb-product").items()}  # type: ignore[index]
    truth = {pid: tokens(by_id[pid].truth) for pid in ids}
    off_score = {pid: f1_counts(tokens(product[pid]), truth[pid]) for pid in ids}
    declared = {
        pid
        for pid in ids
        if any(feats[pid].get(k, 0.0) > 0 for k in DECLARED)  # type: ignore[union-attr]
    }
    combos = list(itertools.product(GRID, GRID))
    off_types = {t for t in args.off_types.split(",") if t}

    def fit_types(rows: np.ndarray):  # type: ignore[no-untyped-def]
        return fit_page_type(type_x[rows], [labels[i] for i in rows], args.C_type)

    def fit_blocks(rows: np.ndarray) -> Model:
        mask = np.isin(page, rows)
        return Model("lr", args.C_blocks).fit(x[mask], y[mask], w[mask])

    def page_scores(pid: str, proba: np.ndarray) -> dict[tuple, float]:  # type: ignore[type-arg]
        idx = ids.index(pid)
        s, e = starts[idx], ends[idx]
        row = {OFF: off_score[pid]}
        for t_keep, t_add in combos:
            keep = np.where(kept[s:e], proba[s:e] >= t_keep, proba[s:e] >= t_add)
            total: Counter[str] = Counter()
            for c, k in zip(block_counts[pid], keep, strict=True):
                if k:
                    total.update(c)
            row[(t_keep, t_add)] = (
                off_score[pid]
                if sum(total.values()) < args.min_tokens
                else f1_counts(total, truth[pid])
            )
        return row

    def choose_rules(
        rows: np.ndarray, types: dict[str, dict[str, float]], proba: np.ndarray
    ) -> dict[str, list[float] | None]:
        """Per predicted type, the (t_keep, t_add) with the best mean F1 over the confident,
        undeclared pages among `rows` (`types`, `proba`: out-of-fold for those pages)."""
        rules: dict[str, list[float] | None] = {}
        for t in TYPES:
            members = [
                ids[i]
                for i in rows
                if max(types[ids[i]], key=types[ids[i]].get) == t  # type: ignore[arg-type]
                and max(types[ids[i]].values()) >= args.min_confidence
                and ids[i] not in declared
            ]
            if t in off_types or not members:
                rules[t] = None
                continue
            table = [page_scores(m, proba) for m in members]
            best = max([OFF, *combos], key=lambda c: statistics.mean(r[c] for r in table))
            rules[t] = None if best == OFF else list(best)
        return rules

    outer = grouped_folds(ids, domains, 5)
    outer_types: dict[str, dict[str, float]] = {}
    outer_proba = np.zeros(len(y))
    fold_of: dict[str, int] = {}
    for k, (train, test) in enumerate(outer):
        for i in test:
            fold_of[ids[i]] = k
        # inner out-of-fold probabilities for the training pages
        inner_types: dict[str, dict[str, float]] = {}
        inner_proba = np.zeros(len(y))
        inner = grouped_folds([ids[i] for i in train], [domains[i] for i in train], 4)
        for inner_train, inner_test in inner:
            rows_train, rows_test = train[inner_train], train[inner_test]
            scaler, model = fit_types(rows_train)
            proba = model.predict_proba(scaler.transform(type_x[rows_test]))
            for i, row in zip(rows_test, proba, strict=True):
                inner_types[ids[i]] = dict(zip(model.classes_, map(float, row), strict=True))
            blocks_model = fit_blocks(rows_train)
            mask = np.isin(page, rows_test)
            inner_proba[mask] = blocks_model.proba(x[mask])
        rules = choose_rules(train, inner_types, inner_proba)
        print(f"fold {k}: rules {rules}", flush=True)
        # the fold's models on all its training pages
        scaler, model = fit_types(train)
        page_type_json = {
            "kind": "multinomial logistic regression on standardised features",
            "classes": list(model.classes_),
            "features": type_names,
            "mean": [float(v) for v in scaler.mean_],
            "scale": [float(v) for v in scaler.scale_],
            "coef": [[float(v) for v in row] for row in model.coef_],
            "intercept": [float(v) for v in model.intercept_],
            "trained_on": f"WCXB-dev outer fold {k} training pages ({len(train)})",
        }
        blocks_model = fit_blocks(train)
        test_mask = np.isin(page, test)
        outer_proba[test_mask] = blocks_model.proba(x[test_mask])
        for i, row in zip(test, model.predict_proba(scaler.transform(type_x[test])), strict=True):
            outer_types[ids[i]] = dict(zip(model.classes_, map(float, row), strict=True))
        content_json = {
            "kind": "logistic regression on standardised block features",
            "features": names,
            "mean": [float(v) for v in blocks_model.scaler.mean_],
            "scale": [float(v) for v in blocks_model.scaler.scale_],
            "coef": [float(v) for v in blocks_model.model.coef_[0]],
            "intercept": float(blocks_model.model.intercept_[0]),
            "threshold": 0.5,
            "min_tokens": args.min_tokens,
            "trained_on": f"WCXB-dev outer fold {k} training pages ({len(train)})",
            "rules": rules,
            "min_confidence": args.min_confidence,
            "declared_article_gate": True,
        }
        folder = args.out / str(k)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "page_type.json").write_text(json.dumps(page_type_json) + "\n", encoding="utf-8")
        (folder / "content_model.json").write_text(
            json.dumps(content_json) + "\n", encoding="utf-8"
        )

    (args.out / "folds.json").write_text(json.dumps(fold_of) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    # the shipped rules: the same choice over all pages, on the outer out-of-fold predictions
    final = choose_rules(np.arange(len(ids)), outer_types, outer_proba)
    print(f"final rules (all of WCXB-dev): {final}")
    if args.export:
        shipped = json.loads(EXPORT.read_text(encoding="utf-8"))
        shipped.update(
            rules=final,
            min_confidence=args.min_confidence,
            min_tokens=args.min_tokens,
            declared_article_gate=True,
        )
        EXPORT.write_text(json.dumps(shipped, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"rules written to {EXPORT}")


if __name__ == "__main__":
    main()
