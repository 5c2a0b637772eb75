"""Decision rules on the block model's out-of-fold probabilities (blocks.py), chosen per
predicted page type inside each training fold and applied to the test fold (same 5 domain-
grouped folds): a block trafilatura kept stays if p >= t_keep, another is added if
p >= t_add; or the type keeps the product's text unchanged ("off"). trafilatura-eval: the
rules chosen on all of WCXB-dev, with the final model's probabilities.

    /tmp/quality-venv/bin/python -m training.rules [--model lr] [--types all|non-article]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
from collections import Counter, defaultdict

import numpy as np
from sklearn.model_selection import GroupKFold

from training.blocks import load
from training.data import (
    CACHE,
    TOKEN,
    TYPES,
    load_cache,
    pages,
    registered_domain,
    save_cache,
    snippet_counts,
    snippet_prf,
    tokens,
)

GRID = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01]
OFF = ("off", "off")


def f1_counts(p: Counter[str], g: Counter[str]) -> float:
    gp, gg = sum(p.values()), sum(g.values())
    if not gg:
        return 1.0 if not gp else 0.0
    if not gp:
        return 0.0
    overlap = sum((p & g).values())
    return 2 * overlap / (gp + gg)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="lr")
    parser.add_argument("--min-tokens", type=int, default=10)
    parser.add_argument(
        "--cheap-gate",
        action="store_true",
        help="pages that declare an article (og:type, schema.org, date in URL) keep the "
        "product's text",
    )
    parser.add_argument(
        "--export", action="store_true", help="write the final rules into the model JSON"
    )
    parser.add_argument(
        "--off-types", default="", help="predicted types that keep the product's text"
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        help="pages whose top type probability is lower keep the product's text",
    )
    args = parser.parse_args()
    wpages = pages("wcxb")
    by_id = {p.id: p for p in wpages}
    data, texts = load("wcxb")
    proba = np.load(CACHE / f"proba-wcxb-{args.model}.npy")
    names = [str(n) for n in data["names"]]
    kept = data["X"][:, names.index("kept")] >= 0.5
    page, ids = data["page"], [str(i) for i in data["ids"]]
    product = {k: v["text"] for k, v in load_cache("text-wcxb-product").items()}  # type: ignore[index]
    types = load_cache("pagetype-oof")
    predicted = {pid: max(v, key=v.get) for pid, v in types.items()}  # type: ignore[attr-defined]
    combos = [(a, b) for a, b in itertools.product(GRID, GRID)] + [OFF]
    off_types = {t for t in args.off_types.split(",") if t}

    def allowed(t: str) -> list:  # type: ignore[type-arg]
        return [OFF] if t in off_types else combos

    def confident(probs: dict[str, float]) -> bool:
        return max(probs.values()) >= args.min_confidence

    def declared_article(features: dict[str, float]) -> bool:
        return args.cheap_gate and any(
            features.get(k, 0.0) > 0 for k in ("og_article", "schema_article", "url_date")
        )

    wfeats = load_cache("pagefeat-wcxb")
    tfeats = load_cache("pagefeat-trafeval")
    declared = {pid for pid in ids if declared_article(wfeats[pid])}  # type: ignore[arg-type]
    tdeclared = {pid for pid, f in tfeats.items() if declared_article(f)}  # type: ignore[arg-type]
    starts = np.searchsorted(page, np.arange(len(ids)))
    ends = np.searchsorted(page, np.arange(len(ids)), side="right")
    scores: dict[str, dict[tuple, float]] = {}  # type: ignore[type-arg]
    for idx, pid in enumerate(ids):
        truth = tokens(by_id[pid].truth)
        s, e = starts[idx], ends[idx]
        block_tokens = [Counter(TOKEN.findall(t.lower())) for t in texts[pid]]
        pp, kk = proba[s:e], kept[s:e]
        row = {OFF: f1_counts(tokens(product[pid]), truth)}
        for t_keep, t_add in combos[:-1]:
            keep = np.where(kk, pp >= t_keep, pp >= t_add)
            total: Counter[str] = Counter()
            for c, k in zip(block_tokens, keep, strict=True):
                if k:
                    total.update(c)
            row[(t_keep, t_add)] = (
                row[OFF] if sum(total.values()) < args.min_tokens else f1_counts(total, truth)
            )
        scores[pid] = row
    groups = [registered_domain(by_id[i].url) for i in ids]
    chosen_all: Counter[str] = Counter()
    result: dict[str, float] = {}
    choice_of: dict[str, tuple] = {}  # type: ignore[type-arg]
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(ids)), groups=groups):
        for t in TYPES:
            members = [ids[i] for i in train if predicted[ids[i]] == t]
            members = [m for m in members if confident(types[m]) and m not in declared]  # type: ignore[arg-type]
            best = max(allowed(t), key=lambda c: statistics.mean(scores[m][c] for m in members))
            chosen_all[f"{t}:{best}"] += 1
            for i in test:
                if predicted[ids[i]] == t:
                    rule = best if confident(types[ids[i]]) and ids[i] not in declared else OFF  # type: ignore[arg-type]
                    result[ids[i]] = scores[ids[i]][rule]
                    choice_of[ids[i]] = best
    by_type: dict[str, list[float]] = defaultdict(list)
    for pid in ids:
        by_type[by_id[pid].page_type].append(result[pid])
        by_type["all"].append(result[pid])
    print("rules chosen (type:(t_keep,t_add) x folds):", dict(chosen_all))
    print(
        "WCXB-dev OOF F1: "
        + "  ".join(f"{t} {statistics.mean(by_type[t]):.3f}" for t in ("all", *TYPES))
    )
    # final rules on all of WCXB-dev -> trafilatura-eval
    final = {}
    for t in TYPES:
        members = [
            i for i in ids if predicted[i] == t and confident(types[i]) and i not in declared
        ]  # type: ignore[arg-type]
        final[t] = max(allowed(t), key=lambda c: statistics.mean(scores[m][c] for m in members))
    print("final rules:", final)
    tdata, ttexts = load("trafeval")
    tproba = np.load(CACHE / f"proba-trafeval-{args.model}.npy")
    tnames = [str(n) for n in tdata["names"]]
    tkept = tdata["X"][:, tnames.index("kept")] >= 0.5
    tpage, tids = tdata["page"], [str(i) for i in tdata["ids"]]
    tstarts = np.searchsorted(tpage, np.arange(len(tids)))
    tends = np.searchsorted(tpage, np.arange(len(tids)), side="right")
    tproduct = {k: v["text"] for k, v in load_cache("text-trafeval-product").items()}  # type: ignore[index]
    ttypes = load_cache("pagetype-trafeval")
    tout = {}
    for idx, pid in enumerate(tids):
        label = max(ttypes[pid], key=ttypes[pid].get)  # type: ignore[attr-defined]
        rule = final[label]
        s, e = tstarts[idx], tends[idx]
        if rule == OFF or s == e or not confident(ttypes[pid]) or pid in tdeclared:  # type: ignore[arg-type]
            tout[pid] = tproduct[pid]
            continue
        keep = np.where(tkept[s:e], tproba[s:e] >= rule[0], tproba[s:e] >= rule[1])
        chosen = [t for t, k in zip(ttexts[pid], keep, strict=True) if k]
        n = sum(len(TOKEN.findall(t)) for t in chosen)
        tout[pid] = tproduct[pid] if n < args.min_tokens else "\n".join(chosen)
    tpages = pages("trafeval")
    for label, src in (("product", tproduct), ("rules", tout)):
        p, r, f = snippet_prf([snippet_counts(src[pg.id], pg) for pg in tpages])
        print(f"trafilatura-eval {label:<8} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    save_cache(f"text-trafeval-rules-{args.model}", {k: {"text": v} for k, v in tout.items()})
    save_cache(f"rules-{args.model}", {t: list(v) for t, v in final.items()})
    if args.export:
        from training.blocks import EXPORT

        exported = json.loads(EXPORT.read_text(encoding="utf-8"))
        exported["rules"] = {t: (None if v == OFF else list(v)) for t, v in final.items()}
        exported["min_confidence"] = args.min_confidence
        exported["declared_article_gate"] = args.cheap_gate
        exported["min_tokens"] = args.min_tokens
        EXPORT.write_text(json.dumps(exported) + "\n", encoding="utf-8")
        print(f"rules written to {EXPORT}")


if __name__ == "__main__":
    main()
