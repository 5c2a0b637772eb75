"""Block model: fit and evaluate out-of-fold (5 folds grouped by registered domain, the same
folds as page_type.py) on WCXB-dev; fit on all of WCXB-dev and apply to trafilatura-eval
(never fitted on it); export the logistic regression to JSON for the runtime.

    /tmp/quality-venv/bin/python -m training.blocks [--model lr|gbdt] [--C 1.0] [--export]

A page's text is its kept blocks in document order; pages where the model keeps fewer than
`--min-tokens` tokens fall back to the product's (trafilatura's) text. Scores: WCXB word F1
per page type, trafilatura-eval snippet precision / recall / F1 (bench/quality.py's counts).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from training.data import (
    CACHE,
    TYPES,
    load_cache,
    pages,
    registered_domain,
    save_cache,
    snippet_counts,
    snippet_prf,
    word_scores,
)

# Feature vectors with scikit-learn's probabilities: the tests score them with the runtime.
CHECKS = Path(__file__).resolve().parents[1] / "tests/fixtures/models"
EXPORT = (
    Path(__file__).resolve().parents[1]
    / "functions/article_extractor/article_extractor/pipeline/model/content_model.json"
)


def load(dataset: str, kept_from: str = "product"):  # type: ignore[no-untyped-def]
    suffix = "" if kept_from == "product" else f"-{kept_from}"
    data = np.load(CACHE / f"blocks-{dataset}{suffix}.npz")
    texts = json.loads((CACHE / f"blocks-{dataset}-texts.json").read_text(encoding="utf-8"))
    return data, texts


def weights(page: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """Each page weighs 1 (the metric is a mean over pages), shared by its blocks by tokens."""
    totals = np.bincount(page, weights=n_tokens)
    return (n_tokens + 0.5) / (totals[page] + 0.5 * np.bincount(page)[page])


class Model:
    def __init__(self, kind: str, c: float) -> None:
        self.kind, self.c = kind, c

    def fit(self, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Model:
        if self.kind == "lr":
            self.scaler = StandardScaler().fit(x)
            self.scaler.scale_[self.scaler.scale_ == 0] = 1.0
            self.model = LogisticRegression(C=self.c, max_iter=2000)
            self.model.fit(self.scaler.transform(x), y, sample_weight=w)
        else:
            self.model = HistGradientBoostingClassifier(
                max_iter=200, max_depth=6, learning_rate=0.1, l2_regularization=1.0
            )
            self.model.fit(x, y, sample_weight=w)
        return self

    def proba(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "lr":
            return self.model.predict_proba(self.scaler.transform(x))[:, 1]
        return self.model.predict_proba(x)[:, 1]


def page_texts(
    ids: np.ndarray,
    page: np.ndarray,
    proba: np.ndarray,
    texts: dict[str, list[str]],
    fallback: dict[str, object],
    threshold: float,
    min_tokens: int,
    n_tokens: np.ndarray,
) -> dict[str, str]:
    out: dict[str, str] = {}
    starts = np.searchsorted(page, np.arange(len(ids)))
    ends = np.searchsorted(page, np.arange(len(ids)), side="right")
    for idx, pid in enumerate(ids):
        s, e = starts[idx], ends[idx]
        keep = proba[s:e] >= threshold
        block_texts = texts[str(pid)]
        if s == e or n_tokens[s:e][keep].sum() < min_tokens:
            out[str(pid)] = fallback.get(str(pid), {}).get("text", "")  # type: ignore[attr-defined]
        else:
            out[str(pid)] = "\n".join(t for t, k in zip(block_texts, keep, strict=True) if k)
    return out


def gate(
    texts: dict[str, str], fallback: dict[str, object], types: dict[str, object], skip_types: str
) -> dict[str, str]:
    """Pages whose predicted type is in `skip_types` keep the fallback (trafilatura's) text."""
    skip = {t for t in skip_types.split(",") if t}
    if not skip:
        return texts
    out = {}
    for pid, text in texts.items():
        probs = types.get(pid, {})
        label = max(probs, key=probs.get) if probs else ""  # type: ignore[arg-type,attr-defined]
        out[pid] = fallback[pid]["text"] if label in skip else text  # type: ignore[index]
    return out


def wcxb_report(name: str, texts: dict[str, str], wpages) -> dict[str, float]:  # type: ignore[no-untyped-def]
    by_type: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for p in wpages:
        s = word_scores(texts.get(p.id, ""), p.truth)
        by_type[p.page_type].append(s)
        by_type["all"].append(s)
    means = {t: statistics.mean(x[2] for x in v) for t, v in by_type.items()}
    pr = {
        t: (statistics.mean(x[0] for x in v), statistics.mean(x[1] for x in v))
        for t, v in by_type.items()
    }
    print(
        f"{name:<22}"
        + "".join(f"{means[t]:>7.3f} {pr[t][0]:.2f}/{pr[t][1]:.2f}" for t in ("all", *TYPES))
    )
    return means


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="lr")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--min-tokens", type=int, default=10)
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--kept-from", default="product", help="setting whose text is 'kept'")
    parser.add_argument(
        "--skip-types", default="", help="predicted types that keep trafilatura's text"
    )
    parser.add_argument("--drop", default="", help="comma-separated feature prefixes to leave out")
    args = parser.parse_args()
    wpages = pages("wcxb")
    by_id = {p.id: p for p in wpages}
    data, texts = load("wcxb", args.kept_from)
    names = [str(n) for n in data["names"]]
    cols = [
        i
        for i, n in enumerate(names)
        if not any(d and n.startswith(d) for d in args.drop.split(","))
    ]
    names = [names[i] for i in cols]
    x, y, page, n_tokens, ids = (
        data["X"][:, cols],
        data["y"],
        data["page"],
        data["n_tokens"],
        data["ids"],
    )
    w = weights(page, n_tokens)
    groups_page = np.array([registered_domain(by_id[str(i)].url) for i in ids])
    page_folds = list(GroupKFold(n_splits=5).split(np.zeros(len(ids)), groups=groups_page))
    suffix = "" if args.kept_from == "product" else f"-{args.kept_from}"
    proba = np.zeros(len(y))
    for train_pages, test_pages in page_folds:
        train = np.isin(page, train_pages)
        test = np.isin(page, test_pages)
        model = Model(args.model, args.C).fit(x[train], y[train], w[train])
        proba[test] = model.proba(x[test])
    np.save(CACHE / f"proba-wcxb-{args.model}{suffix}.npy", proba)
    product = load_cache(f"text-wcxb-{args.kept_from}")
    stock = load_cache("text-wcxb-stock")
    print(f"{'WCXB-dev F1 P/R':<22}" + "".join(f"{t[:11]:>17}" for t in ("all", *TYPES)))
    wcxb_report("stock", {k: v["text"] for k, v in stock.items()}, wpages)  # type: ignore[index]
    wcxb_report("product", {k: v["text"] for k, v in product.items()}, wpages)  # type: ignore[index]
    oracle = page_texts(ids, page, y, texts, product, 0.5, 0, n_tokens)
    wcxb_report("oracle blocks", oracle, wpages)
    kept_col = names.index("kept")
    kept = page_texts(
        ids, page, (x[:, kept_col] >= 0.5).astype(float), texts, product, 0.5, 0, n_tokens
    )
    wcxb_report("blocks kept by traf.", kept, wpages)
    for threshold in sorted({args.threshold, 0.4, 0.5, 0.6}):
        oof = page_texts(ids, page, proba, texts, product, threshold, args.min_tokens, n_tokens)
        oof = gate(oof, product, load_cache("pagetype-oof"), args.skip_types)
        wcxb_report(f"{args.model} OOF t={threshold}", oof, wpages)
        if threshold == args.threshold:
            save_cache(
                f"text-wcxb-blocks-{args.model}{suffix}", {k: {"text": v} for k, v in oof.items()}
            )

    # final model on all of WCXB-dev -> trafilatura-eval
    model = Model(args.model, args.C).fit(x, y, w)
    if (CACHE / f"blocks-trafeval{suffix}.npz").is_file():
        tdata, ttexts = load("trafeval", args.kept_from)
        tnames = [str(n) for n in tdata["names"]]
        tx = (
            np.array(
                [[r[tnames.index(n)] if n in tnames else 0.0 for n in names] for r in tdata["X"]]
            )
            if tnames != names
            else tdata["X"]
        )
        tproba = model.proba(tx)
        np.save(CACHE / f"proba-trafeval-{args.model}{suffix}.npy", tproba)
        tproduct = load_cache(f"text-trafeval-{args.kept_from}")
        ttext = page_texts(
            tdata["ids"],
            tdata["page"],
            tproba,
            ttexts,
            tproduct,
            args.threshold,
            args.min_tokens,
            tdata["n_tokens"],
        )
        ttext = gate(ttext, tproduct, load_cache("pagetype-trafeval"), args.skip_types)
        tpages = pages("trafeval")
        for label, source in (
            ("product", {k: v["text"] for k, v in tproduct.items()}),  # type: ignore[index]
            (f"{args.model} (fit on WCXB)", ttext),
        ):
            p, r, f = snippet_prf([snippet_counts(source.get(pg.id, ""), pg) for pg in tpages])
            print(f"trafilatura-eval {label:<22} P {p:.3f} R {r:.3f} F1 {f:.3f}")
        save_cache(
            f"text-trafeval-blocks-{args.model}{suffix}", {k: {"text": v} for k, v in ttext.items()}
        )
    if args.export and args.model == "lr":
        exported = {
            "kind": "logistic regression on standardised block features",
            "features": names,
            "mean": [round(float(v), 6) for v in model.scaler.mean_],
            "scale": [round(float(v), 6) for v in model.scaler.scale_],
            "coef": [round(float(v), 6) for v in model.model.coef_[0]],
            "intercept": round(float(model.model.intercept_[0]), 6),
            "threshold": args.threshold,
            "min_tokens": args.min_tokens,
            "trained_on": f"WCXB-dev, {len(set(page.tolist()))} pages, C={args.C}",
        }
        rng = np.random.default_rng(0)
        picks = rng.choice(len(y), size=8, replace=False)
        checks = [
            {
                "features": {n: float(x[i, j]) for j, n in enumerate(names)},
                "probability": float(model.proba(x[i : i + 1])[0]),
            }
            for i in picks
        ]
        EXPORT.parent.mkdir(parents=True, exist_ok=True)
        EXPORT.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
        (CHECKS / "content_model.checks.json").write_text(
            json.dumps(checks) + "\n", encoding="utf-8"
        )
        print(f"exported {EXPORT} and its check vectors to {CHECKS}")


if __name__ == "__main__":
    main()
