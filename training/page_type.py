"""Page-type classifier: multinomial logistic regression on `page_type.page_features`,
5-fold cross-validation grouped by registered domain on WCXB-dev (out-of-fold accuracy and
confusion), then a final fit on all pages exported to JSON for the runtime.

    /tmp/quality-venv/bin/python -m training.page_type [--export PATH] [--C 0.5]

Writes $QUALITY_CACHE/pagetype-oof.json ({id: {type: probability}}, WCXB, out-of-fold) and
$QUALITY_CACHE/pagetype-trafeval.json (the final model's probabilities on trafilatura-eval).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from training.data import TYPES, load_cache, registered_domain, save_cache, wcxb_pages

FOLDS = 5
FOLD_DIR = Path(__file__).resolve().parent / "folds"  # folds.json: {page id: fold}


def matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(n, 0.0) for n in names] for row in rows], dtype=float)


def fit(x: np.ndarray, y: list[str], c: float) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    scaler.scale_[scaler.scale_ == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(scaler.transform(x), y)
    return scaler, model


def folds(pages: list) -> list[tuple[np.ndarray, np.ndarray]]:  # type: ignore[type-arg]
    groups = [registered_domain(p.url) for p in pages]
    return list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(pages)), groups=groups))


def _exported(
    scaler: StandardScaler, model: LogisticRegression, names: list[str], trained_on: str
) -> dict[str, object]:
    return {
        "kind": "multinomial logistic regression on standardised features",
        "classes": list(model.classes_),
        "features": names,
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
        "trained_on": trained_on,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=0.05)
    parser.add_argument("--drop", default="", help="comma-separated feature prefixes to leave out")
    parser.add_argument("--dry-run", action="store_true", help="cross-validate only")
    parser.add_argument(
        "--export",
        type=Path,
        default=Path(__file__).resolve().parents[1]
        / "functions/article_extractor/article_extractor/pipeline/model/page_type.json",
    )
    args = parser.parse_args()
    pages = wcxb_pages()
    feats = load_cache("pagefeat-wcxb")
    names = sorted({k for v in feats.values() for k in v})  # type: ignore[attr-defined]
    names = [n for n in names if not any(d and n.startswith(d) for d in args.drop.split(","))]
    x = matrix([feats[p.id] for p in pages], names)  # type: ignore[misc]
    y = [p.page_type for p in pages]
    oof: dict[str, dict[str, float]] = {}
    fold_of = json.loads((FOLD_DIR / "folds.json").read_text(encoding="utf-8"))
    for k, (train, test) in enumerate(folds(pages)):
        assert all(fold_of[pages[i].id] == k for i in test), "not the folds of folds.json"
        scaler, model = fit(x[train], [y[i] for i in train], args.C)
        if not args.dry_run:  # the fold's file, which `make bench` scores its pages with
            (FOLD_DIR / str(k) / "page_type.json").write_text(
                json.dumps(_exported(scaler, model, names, f"WCXB-dev without fold {k}")) + "\n",
                encoding="utf-8",
            )
        proba = model.predict_proba(scaler.transform(x[test]))
        for i, row in zip(test, proba, strict=True):
            oof[pages[i].id] = dict(zip(model.classes_, map(float, row), strict=True))
    predicted = [max(oof[p.id], key=oof[p.id].get) for p in pages]  # type: ignore[arg-type]
    accuracy = np.mean([a == b for a, b in zip(predicted, y, strict=True)])
    print(f"page type, out-of-fold accuracy ({FOLDS} folds grouped by domain): {accuracy:.3f}")
    confusion = Counter(zip(y, predicted, strict=True))
    corner = "true \\ predicted"
    print(f"{corner:<16}" + "".join(f"{t[:6]:>8}" for t in TYPES) + "  recall")
    for t in TYPES:
        row = [confusion[(t, u)] for u in TYPES]
        print(
            f"{t:<16}" + "".join(f"{v:>8}" for v in row) + f"  {row[TYPES.index(t)] / sum(row):.2f}"
        )
    if args.dry_run:
        return
    save_cache("pagetype-oof", oof)  # type: ignore[arg-type]

    scaler, model = fit(x, y, args.C)
    exported = {
        **_exported(scaler, model, names, f"WCXB-dev ({len(pages)} pages)"),
        "trained_on": f"WCXB-dev ({len(pages)} pages), C={args.C}, class_weight=balanced",
        "oof_accuracy": round(float(accuracy), 4),
    }
    # a few feature vectors with scikit-learn's probabilities: the runtime's tests compare
    rng = np.random.default_rng(0)
    picks = rng.choice(len(pages), size=5, replace=False)
    checks = [
        {
            "features": {n: float(x[i, j]) for j, n in enumerate(names)},
            "probabilities": dict(
                zip(
                    model.classes_,
                    map(float, model.predict_proba(scaler.transform(x[i : i + 1]))[0]),
                    strict=True,
                )
            ),
        }
        for i in picks
    ]
    args.export.parent.mkdir(parents=True, exist_ok=True)
    args.export.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
    checks_path = Path(__file__).resolve().parents[1] / "tests/fixtures/models"
    (checks_path / "page_type.checks.json").write_text(json.dumps(checks) + "\n", encoding="utf-8")
    tfeats = load_cache("pagefeat-trafeval")
    if tfeats:
        xt = matrix(list(tfeats.values()), names)  # type: ignore[arg-type]
        proba = model.predict_proba(scaler.transform(xt))
        tout = {
            pid: dict(zip(model.classes_, map(float, row), strict=True))
            for pid, row in zip(tfeats, proba, strict=True)
        }
        save_cache("pagetype-trafeval", tout)  # type: ignore[arg-type]
        print(
            "trafilatura-eval predicted types:", Counter(max(v, key=v.get) for v in tout.values())
        )  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
