"""Score cached texts of each setting (run_configs.py) on both sets: WCXB precision / recall /
F1 per page type, trafilatura-eval snippet precision / recall / F1, and time per page.

    .venv/bin/python -m training.score_configs [--configs stock,product,...]
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict

from training.data import TYPES, load_cache, pages, snippet_counts, snippet_prf, word_scores


def wcxb_table(texts: dict[str, str], wpages) -> dict[str, tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    by_type: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for page in wpages:
        s = word_scores(texts.get(page.id, ""), page.truth)
        by_type[page.page_type].append(s)
        by_type["all"].append(s)
    return {
        t: tuple(statistics.mean(x[i] for x in v) for i in range(3))  # type: ignore[misc]
        for t, v in by_type.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--configs",
        default="stock,product,recall,precision,comments,recall_comments,fast,recall_fast",
    )
    args = parser.parse_args()
    wpages, tpages = pages("wcxb"), pages("trafeval")
    cols = ("all", *TYPES)
    print(f"{'WCXB-dev F1 (P/R)':<18}" + "".join(f"{c[:11]:>17}" for c in cols))
    rows = []
    for config in args.configs.split(","):
        w, t = load_cache(f"text-wcxb-{config}"), load_cache(f"text-trafeval-{config}")
        if not w:
            continue
        table = wcxb_table({k: v["text"] for k, v in w.items()}, wpages)  # type: ignore[index]
        print(
            f"{config:<18}"
            + "".join(f"{table[c][2]:>7.3f} {table[c][0]:.2f}/{table[c][1]:.2f}" for c in cols)
        )
        if t:
            counts = [snippet_counts(t[p.id]["text"], p) for p in tpages]  # type: ignore[index]
            ms = [v["ms"] for v in w.values()] + [v["ms"] for v in t.values()]  # type: ignore[index]
            rows.append((config, snippet_prf(counts), statistics.median(ms)))
    print(f"\n{'trafilatura-eval':<18} {'P':>6} {'R':>6} {'F1':>6}  median ms (both sets, 2 jobs)")
    for config, (p, r, f), ms in rows:
        print(f"{config:<18} {p:>6.3f} {r:>6.3f} {f:>6.3f}  {ms:>6.1f}")


if __name__ == "__main__":
    main()
