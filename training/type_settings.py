"""Per-page-type trafilatura settings: for each page type, the setting (run_configs.py) with
the best mean WCXB F1 on the training folds' pages of that (true) type; applied to the test
fold's pages by their out-of-fold predicted type (page_type.py). Same 5 domain-grouped folds.
trafilatura-eval: settings chosen on all of WCXB-dev, applied by the final classifier's type.

    /tmp/quality-venv/bin/python -m training.type_settings [--configs product,recall,...]
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter, defaultdict

import numpy as np
from sklearn.model_selection import GroupKFold

from training.data import (
    TYPES,
    load_cache,
    pages,
    registered_domain,
    save_cache,
    snippet_counts,
    snippet_prf,
    word_scores,
)


def choose(train, f1: dict[str, dict[str, float]], configs: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    chosen = {}
    for t in TYPES:
        group = [p for p in train if p.page_type == t]
        chosen[t] = max(configs, key=lambda c: statistics.mean(f1[c][p.id] for p in group))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="product,recall,comments,recall_comments,precision")
    parser.add_argument("--oracle-type", action="store_true", help="use the true type (bound)")
    args = parser.parse_args()
    wpages = pages("wcxb")
    configs = [c for c in args.configs.split(",") if load_cache(f"text-wcxb-{c}")]
    texts = {c: {k: v["text"] for k, v in load_cache(f"text-wcxb-{c}").items()} for c in configs}  # type: ignore[index]
    f1 = {
        c: {p.id: word_scores(texts[c].get(p.id, ""), p.truth)[2] for p in wpages} for c in configs
    }
    types = load_cache("pagetype-oof")
    predicted = {pid: max(v, key=v.get) for pid, v in types.items()}  # type: ignore[attr-defined]
    groups = [registered_domain(p.url) for p in wpages]
    out: dict[str, str] = {}
    choices: Counter[str] = Counter()
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(wpages)), groups=groups):
        chosen = choose([wpages[i] for i in train], f1, configs)
        choices.update(f"{t}->{c}" for t, c in chosen.items())
        for i in test:
            p = wpages[i]
            t = p.page_type if args.oracle_type else predicted[p.id]
            out[p.id] = texts[chosen[t]].get(p.id, "")
    by_type: dict[str, list[float]] = defaultdict(list)
    for p in wpages:
        s = word_scores(out[p.id], p.truth)[2]
        by_type[p.page_type].append(s)
        by_type["all"].append(s)
    print("settings chosen per fold:", dict(choices))
    print(
        "WCXB-dev OOF F1 " + " ".join(f"{t}={statistics.mean(v):.3f}" for t, v in by_type.items())
    )
    for c in configs:
        means = {
            t: statistics.mean(f1[c][p.id] for p in wpages if t in ("all", p.page_type))
            for t in ("all", *TYPES)
        }
        print(f"  {c:<16} " + " ".join(f"{t}={m:.3f}" for t, m in means.items()))
    name = "typeset-oracle" if args.oracle_type else "typeset"
    save_cache(f"text-wcxb-{name}", {k: {"text": v} for k, v in out.items()})
    # trafilatura-eval
    final = choose(wpages, f1, configs)
    ttypes = load_cache("pagetype-trafeval")
    tpages = pages("trafeval")
    ttexts = {c: load_cache(f"text-trafeval-{c}") for c in configs}
    if all(ttexts.values()):
        chosen_text = {
            p.id: ttexts[final[max(ttypes[p.id], key=ttypes[p.id].get)]][p.id]["text"]  # type: ignore[index,attr-defined]
            for p in tpages
        }
        for label, src in (
            ("product", {p.id: ttexts["product"][p.id]["text"] for p in tpages}),  # type: ignore[index]
            ("per-type settings", chosen_text),
        ):
            p_, r_, f_ = snippet_prf([snippet_counts(src[p.id], p) for p in tpages])
            print(f"trafilatura-eval {label:<18} P {p_:.3f} R {r_:.3f} F1 {f_:.3f}")
        save_cache(f"text-trafeval-{name}", {k: {"text": v} for k, v in chosen_text.items()})
    print("final choice:", final)


if __name__ == "__main__":
    main()
