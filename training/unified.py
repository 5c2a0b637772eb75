"""Fit the text model and the block model on both development sets, out-of-fold by domain.

    /tmp/quality-venv/bin/python -m training.unified [--export]

Reads $QUALITY_CACHE/unified-<set>.pkl (`training.unified_data`). Steps:

1. Text model (`pipeline/model/text_model.py`): a logistic regression over each labelled
   block's hashed word, word-pair and char-gram means. Five fits, each on four folds, give every
   block an out-of-fold logit; a sixth on everything is the shipped one.
2. Block model (`content_model.py`): a logistic regression over the runtime's block features
   (`block_features`, `context_features`) and the text logits of the block and its neighbours.
   Out-of-fold per fold, then on everything.
3. The decision: a block trafilatura kept is removed below `t_remove`, one it left out is
   added from `t_add`; in between trafilatura's choice stands. Both thresholds are chosen on
   the training folds (the page texts rebuilt from the decisions, scored with each set's
   metric) and scored on the held-out fold.

Prints per set and page type the out-of-fold precision, recall and F1 against the product with
the model off. `--export` writes `text_model.json` and `content_model.json`, and each fold's
files under `training/folds/<k>/` (what `make bench` scores out-of-fold).
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from bench.datasets import normalize, tokens
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.preprocessing import StandardScaler

from article_extractor.pipeline.model import content_model, text_model
from training.data import CACHE, ROOT, TYPES
from training.unified_data import page_folds

MODEL_DIR = ROOT / "functions/article_extractor/article_extractor/pipeline/model"
FOLDS = ROOT / "training" / "folds"
CHECKS = ROOT / "tests" / "fixtures" / "models"
TEXT_FEATURES = ("text_logit", "text_prev", "text_next", "text_x_kept", "text_window")
K = 5


def load() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for name in ("wcxb", "trafeval"):
        records.extend(pickle.loads((CACHE / f"unified-{name}.pkl").read_bytes()))
    records = [r for r in records if r["blocks"]]
    for record in records:
        if record["declared"]:
            declared_types(record)
    return records


def declared_types(record: dict[str, Any]) -> None:
    """A page that declares an article is not classified (`content_model.refine`): its type
    features are an article's for sure, and so are their products with the block's."""
    names = record["names"]
    matrix = record["matrix"]
    column = {name: i for i, name in enumerate(names)}
    sure = content_model.DECLARED_TYPES
    for kind, p in sure.items():
        matrix[:, column[f"type_{kind}"]] = p
        for product, base in (
            ("kept_x", "kept"),
            ("link_x", "link_share"),
            ("tokens_x", "log_tokens"),
            ("repeat_x", "log_repeat"),
        ):
            matrix[:, column[f"{product}_type_{kind}"]] = matrix[:, column[base]] * p
    record["probabilities"] = dict(sure)


def text_matrix(texts: list[str]) -> sparse.csr_matrix:
    indptr, indices, values = [0], [], []
    for text in texts:
        words = text_model.words_of(text)
        for group in text_model.grams(words):
            if group:
                share = 1.0 / len(group)
                indices.extend(group)
                values.extend([share] * len(group))
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(values, dtype=np.float32), np.array(indices), np.array(indptr)),
        shape=(len(texts), text_model.BUCKETS),
    )
    matrix.sum_duplicates()
    return matrix


def fit_text(x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray, alpha: float) -> SGDClassifier:
    model = SGDClassifier(
        loss="log_loss", alpha=alpha, max_iter=8, tol=None, random_state=0, average=True
    )
    model.fit(x, y, sample_weight=w)
    return model


def neighbour_text(logits: np.ndarray, kept: np.ndarray, page: np.ndarray) -> np.ndarray:
    """The text features of every block (TEXT_FEATURES), as `content_model` computes them."""
    n = len(logits)
    out = np.zeros((n, len(TEXT_FEATURES)), dtype=np.float64)
    start = 0
    while start < n:
        end = start
        while end < n and page[end] == page[start]:
            end += 1
        z = logits[start:end]
        m = end - start
        for i in range(m):
            lo, hi = max(0, i - 2), min(m, i + 3)
            out[start + i] = (
                z[i],
                z[i - 1] if i else 0.0,
                z[i + 1] if i + 1 < m else 0.0,
                z[i] * kept[start + i],
                float(np.mean(z[lo:hi])),
            )
        start = end
    return out


def page_texts(record: dict[str, Any], keep: np.ndarray, changed: bool, added: bool) -> str:
    """The page's text after the decisions, as the runtime builds it."""
    if not changed:
        return record["baseline"]
    # added blocks go in among trafilatura's (bag-of-words metrics do not see where)
    adds = [
        shown
        for shown, k, was in zip(record["shown"], keep, record["kept"], strict=True)
        if k and was < 0.5
    ]
    # as `kept_blocks.without_removed`: a line goes when its words are a removed block's
    removed = {
        " ".join(text_model.words_of(t))
        for t, k, was in zip(record["texts"], keep, record["kept"], strict=True)
        if not k and was >= 0.5
    }
    lines = [
        line
        for line in record["baseline"].split("\n")
        if " ".join(text_model.words_of(line)) not in removed
    ]
    return "\n".join([*lines, *adds])


def score_page(record: dict[str, Any], text: str) -> tuple[float, float, float]:
    """WCXB's word precision, recall, F1 (as `bench.datasets.word_scores`), or the snippet
    counts tp, fn, fp of a trafilatura-eval page."""
    if record["set"] == "wcxb":
        truth = record.get("_truth_tokens")
        if truth is None:
            truth = record["_truth_tokens"] = tokens(record["truth"])
        predicted = tokens(text)
        if not truth:
            return (1.0, 1.0, 1.0) if not predicted else (0.0, 0.0, 0.0)
        if not predicted:
            return 0.0, 0.0, 0.0
        overlap = sum((predicted & truth).values())
        precision = overlap / sum(predicted.values())
        recall = overlap / sum(truth.values())
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1
    found = normalize(text)
    tp = sum(normalize(s) in found for s in record["with"])
    fp = sum(normalize(s) in found for s in record["without"])
    return float(tp), float(len(record["with"]) - tp), float(fp)


def article_share(record: dict[str, Any]) -> float:
    """As `content_model.add_threshold` weighs the article threshold."""
    return 1.0 if record["declared"] else float(record["probabilities"].get("article", 0.0))


def decisions(
    record: dict[str, Any], p: np.ndarray, t_remove: float, t_add: float
) -> tuple[np.ndarray, bool, bool]:
    kept = np.array(record["kept"]) >= 0.5
    remove = kept & (p < t_remove)
    add = ~kept & (p >= t_add)
    keep = (kept & ~remove) | add
    return keep, bool(remove.any() or add.any()), bool(add.any())


Config = tuple[float, float, float]  # t_remove, t_add_article, t_add_other
T_REMOVE = (0.05, 0.1, 0.2, 0.3, 0.4)
T_ADD_ARTICLE = (0.8, 0.9, 1.01)
T_ADD_OTHER = (0.6, 0.7, 0.8, 0.9)


def page_results(
    records: list[dict[str, Any]], probs: list[np.ndarray], configs: list[Config]
) -> np.ndarray:
    """(config, page, 3): WCXB (precision, recall, F1) or trafilatura-eval (tp, fn, fp)."""
    out = np.zeros((len(configs), len(records), 3))
    for c, (t_remove, t_article, t_other) in enumerate(configs):
        for i, (record, p) in enumerate(zip(records, probs, strict=True)):
            share = article_share(record)
            keep, changed, added = decisions(
                record, p, t_remove, share * t_article + (1 - share) * t_other
            )
            if not changed and "_base" in record:
                out[c, i] = record["_base"]
                continue
            out[c, i] = score_page(record, page_texts(record, keep, changed, added))
            if not changed:
                record["_base"] = out[c, i]
    return out


def summary(records: list[dict[str, Any]], results: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Per WCXB page type (and "all") mean P, R, F1; "trafeval": snippet P, R, F1."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record["set"] == "wcxb":
            groups[record["type"]].append(i)
            groups["all"].append(i)
        else:
            groups["trafeval"].append(i)
    out: dict[str, tuple[float, ...]] = {}
    for name, index in groups.items():
        if name == "trafeval":
            tp, fn, fp = results[index].sum(axis=0)
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            out[name] = (precision, recall, 2 * precision * recall / (precision + recall or 1))
        else:
            out[name] = tuple(float(v) for v in results[index].mean(axis=0))
    return out


def objective(result: dict[str, tuple[float, ...]], base: dict[str, tuple[float, ...]]) -> float:
    """Precision first: F1 of both sets, less twice every page type's (and trafilatura-eval's)
    loss of precision against trafilatura's content."""
    gain = result["all"][2] + result["trafeval"][2]
    for name, values in result.items():
        if name != "all":
            gain -= 2.0 * max(0.0, base[name][0] - values[0])
    # a gain on one set is no gain when the other loses: each set's F1, and the recall of
    # trafilatura-eval (whose snippets are the articles' sentences), may not fall
    for name in ("all", "trafeval"):
        gain -= 2.0 * max(0.0, base[name][2] - result[name][2])
    gain -= 2.0 * max(0.0, base["trafeval"][1] - result["trafeval"][1])
    return gain


def print_table(title: str, result: dict[str, tuple[float, ...]]) -> None:
    print(f"\n{title}:")
    for name in ("all", *TYPES, "trafeval"):
        if name in result:
            p, r, f = result[name]
            print(f"  {name:<14} P {p:.4f} R {r:.4f} F1 {f:.4f}")


def fit_all(
    texts: list[str],
    x_dense: np.ndarray,
    y: np.ndarray,
    fold: np.ndarray,
    page: np.ndarray,
    kept: np.ndarray,
    weight: np.ndarray,
    labelled: np.ndarray,
    args: Any,
) -> dict[str, Any]:
    """Both models per fold (out-of-fold scores of every block) and on everything."""
    if args.reuse_text:  # the text models of the last run (they read the texts only)
        earlier = pickle.loads((CACHE / "unified-models.pkl").read_bytes())
        logits, (*text_models, full_text) = earlier["logits"], earlier["text_models"]
    else:
        x_text = text_matrix(texts)
        print(f"text matrix: {x_text.nnz} entries", flush=True)
        logits = np.zeros(len(y))
        text_models = []
        for k in range(K):
            train = labelled & (fold != k)
            model = fit_text(x_text[train], y[train], weight[train], args.alpha)
            logits[fold == k] = model.decision_function(x_text[fold == k])
            text_models.append(model)
        full_text = fit_text(x_text[labelled], y[labelled], weight[labelled], args.alpha)
    x_all = np.hstack([x_dense, neighbour_text(logits, kept, page)])
    probs = np.zeros(len(y))
    block_models = []
    for k in range(K + 1):  # the last: on everything (the shipped one)
        train = labelled & (fold != k)
        scaler = StandardScaler().fit(x_all[train])
        lr = LogisticRegression(C=args.C, max_iter=2000)
        lr.fit(scaler.transform(x_all[train]), y[train], sample_weight=weight[train])
        if k < K:
            probs[fold == k] = lr.predict_proba(scaler.transform(x_all[fold == k]))[:, 1]
        block_models.append((scaler, lr))
    return {
        "logits": logits,
        "probs": probs,
        "text_models": [*text_models, full_text],
        "block_models": block_models,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--alpha", type=float, default=2e-6)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="the fits of the last run")
    parser.add_argument("--reuse-text", action="store_true", help="its text models only")
    args = parser.parse_args()
    from training.data import pages

    records = load()
    truth = {p.id: p for p in pages("wcxb")}
    snippets = {p.id: p for p in pages("trafeval")}
    for r in records:
        if r["set"] == "wcxb":
            r["truth"] = truth[r["id"]].truth
        else:
            r["with"] = snippets[r["id"]].with_snippets
            r["without"] = snippets[r["id"]].without_snippets
    names = records[0]["names"]
    texts, ys, folds, pages_of, kept = [], [], [], [], []
    for index, r in enumerate(records):
        assert r["names"] == names, r["id"]
        texts.extend(r["texts"])
        ys.extend(r["y"])
        folds.extend([r["fold"]] * r["blocks"])
        pages_of.extend([index] * r["blocks"])
        kept.extend(r["kept"])
    x_dense = np.vstack([r["matrix"] for r in records]).astype(np.float64)
    y = np.array(ys)
    fold = np.array(folds)
    page = np.array(pages_of)
    kept_a = np.array(kept)
    labelled = y >= 0
    n_tokens = x_dense[:, names.index("n_tokens")]
    weight = 1.0 + np.log1p(n_tokens)
    print(f"{len(records)} pages, {len(y)} blocks, {labelled.sum()} labelled", flush=True)
    saved = CACHE / "unified-models.pkl"
    if args.reuse:  # the fits of an earlier run on the same data: choose and export again
        fitted = pickle.loads(saved.read_bytes())
    else:
        fitted = fit_all(texts, x_dense, y, fold, page, kept_a, weight, labelled, args)
        saved.write_bytes(pickle.dumps(fitted))
    probs = fitted["probs"]
    lab = labelled
    print(
        "text model OOF accuracy",
        float(np.mean((fitted["logits"][lab] > 0) == (y[lab] > 0.5))),
        "block model OOF accuracy",
        float(np.mean((probs[lab] > 0.5) == (y[lab] > 0.5))),
        flush=True,
    )
    page_probs = [probs[page == i] for i in range(len(records))]
    configs = [(a, b, c) for a in T_REMOVE for b in T_ADD_ARTICLE for c in T_ADD_OTHER]
    results = page_results(records, page_probs, configs)
    base = page_results(records, page_probs, [(0.0, 1.01, 1.01)])[0]
    page_fold = np.array([r["fold"] for r in records])
    chosen: list[Config] = []
    oof_pages = np.zeros_like(base)
    for k in range(K):
        train = [i for i in range(len(records)) if page_fold[i] != k]
        train_records = [records[i] for i in train]
        reference = summary(train_records, base[train])
        scores = [objective(summary(train_records, r[train]), reference) for r in results]
        best = int(np.argmax(scores))
        chosen.append(configs[best])
        print(f"fold {k}: t_remove, t_add_article, t_add_other = {configs[best]}", flush=True)
        oof_pages[page_fold == k] = results[best][page_fold == k]
    print_table("trafilatura's content (the model off)", summary(records, base))
    print_table("out-of-fold, thresholds chosen in-fold", summary(records, oof_pages))
    (CACHE / "unified-oof.pkl").write_bytes(
        pickle.dumps({"probs": probs, "logits": fitted["logits"], "chosen": chosen})
    )
    if args.export:
        export(fitted, texts, x_dense, page, kept_a, labelled, names, chosen)


def _block_json(
    scaler: StandardScaler, lr: LogisticRegression, names: list[str], config: Config
) -> dict[str, Any]:
    return {
        "kind": "logistic regression on standardised block features, one decision for every page",
        "features": names,
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [round(float(v), 6) for v in lr.coef_[0]],
        "intercept": round(float(lr.intercept_[0]), 6),
        "t_remove": config[0],
        "t_add_article": config[1],
        "t_add_other": config[2],
    }


def export(
    fitted: dict[str, Any],
    texts: list[str],
    x_dense: np.ndarray,
    page: np.ndarray,
    kept: np.ndarray,
    labelled: np.ndarray,
    names: list[str],
    chosen: list[Config],
) -> None:
    """The shipped files (models on everything, the thresholds most folds chose), each fold's
    files, the check vectors, and trafilatura-eval's folds."""
    all_names = [*names, *TEXT_FEATURES]
    *fold_texts, text = fitted["text_models"]
    *fold_blocks, (scaler, lr) = fitted["block_models"]
    text_model.export(float(text.intercept_[0]), text.coef_[0], MODEL_DIR / "text_model.json")
    shipped = Counter(chosen).most_common(1)[0][0]
    (MODEL_DIR / "content_model.json").write_text(
        json.dumps(_block_json(scaler, lr, all_names, shipped)), encoding="utf-8"
    )
    x_all = np.hstack([x_dense, neighbour_text(fitted["logits"], kept, page)])
    rng = np.random.default_rng(0)
    picks = rng.choice(np.flatnonzero(labelled), 40, replace=False)
    probabilities = lr.predict_proba(scaler.transform(x_all[picks]))[:, 1]
    checks = [
        {
            "features": dict(zip(all_names, map(float, x_all[i]), strict=True)),
            "probability": float(p),
        }
        for i, p in zip(picks, probabilities, strict=True)
    ]
    (CHECKS / "content_model.checks.json").write_text(json.dumps(checks) + "\n", encoding="utf-8")
    picked = [texts[i] for i in picks]
    logits = text.decision_function(text_matrix(picked))
    text_checks = [{"text": t, "logit": float(z)} for t, z in zip(picked, logits, strict=True)]
    (CHECKS / "text_model.checks.json").write_text(
        json.dumps(text_checks, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for k in range(K):
        folder = FOLDS / str(k)
        folder.mkdir(parents=True, exist_ok=True)
        text_k = fold_texts[k]
        text_model.export(float(text_k.intercept_[0]), text_k.coef_[0], folder / "text_model.json")
        scaler_k, lr_k = fold_blocks[k]
        (folder / "content_model.json").write_text(
            json.dumps(_block_json(scaler_k, lr_k, all_names, chosen[k])), encoding="utf-8"
        )
    fold_of = {page: k for (name, page), k in page_folds().items() if name == "trafeval"}
    (FOLDS / "trafeval-folds.json").write_text(
        json.dumps(fold_of, sort_keys=True), encoding="utf-8"
    )
    print("exported", flush=True)


if __name__ == "__main__":
    main()
