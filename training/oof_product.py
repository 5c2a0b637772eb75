"""The whole product out-of-fold on WCXB-dev: each page is processed by `process_object` (the
Lambda's path) with the model files of the fold it is held out of (training/fold_models.py),
and once more with the content model off (trafilatura's content: main's output). Scored with
bench/datasets.py's word metric, per page type. Also checks that every page the model did not
apply to has the same text and Markdown as with the model off.

    .venv/bin/python -m training.oof_product [--folds training/folds] [--limit N]

With --trafeval: trafilatura-eval (never used for fitting), the shipped model files, on and
off, scored with bench/quality.py's snippet counts (precision, recall, F1), same check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench import datasets, quality, wcxb

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import LocalFileReader

ROOT = Path(__file__).resolve().parents[1]

TRAFEVAL = ROOT.parent / "shared/data/trafilatura-eval"
TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")


def run(page: datasets.WcxbPage, model_on: bool):  # type: ignore[no-untyped-def]
    return process_object(
        ObjectRef(bucket=None, key=str(page.path)),
        LocalFileReader(source_url=page.url or None),
        ProcessingOptions(max_input_bytes=wcxb.MAX_INPUT_BYTES, content_model=model_on),
    )


def trafeval(dataset: Path, limit: int) -> None:
    pages = list(datasets.trafilatura_eval_pages(dataset))[: limit or None]
    totals = {"off": quality.Score(), "on": quality.Score()}
    outcomes: Counter[str] = Counter()
    changed, changed_not_applied = 0, []
    for page in pages:
        texts = {}
        for arm in ("on", "off"):
            document = process_object(
                ObjectRef(bucket=None, key=str(page.path)),
                LocalFileReader(source_url=page.url),
                ProcessingOptions(max_input_bytes=wcxb.MAX_INPUT_BYTES, content_model=arm == "on"),
            )
            article = document.article
            texts[arm] = (article.text, article.markdown) if article else ("", "")
            totals[arm].add(quality.score(texts[arm][0], page)[0])
            if arm == "on":
                report = document.extraction.content_model
                outcome = report.outcome if report else "none"
                outcomes[outcome] += 1
        if texts["on"] != texts["off"]:
            changed += 1
            if outcome != "applied":
                changed_not_applied.append(page.url)
    for arm, label in (("off", "model off (= main)"), ("on", "product (shipped model)")):
        t = totals[arm]
        print(f"trafilatura-eval {label:<24} P {t.precision:.4f} R {t.recall:.4f} F1 {t.f1:.4f}")
    print("outcomes:", dict(outcomes))
    print(
        f"text or markdown changed on {changed} pages; not where the model applied: "
        f"{len(changed_not_applied)} {changed_not_applied[:10]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/data/wcxb-dev")
    parser.add_argument("--folds", type=Path, default=ROOT / "training/folds")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--dump", type=Path, help="per-page scores and outcomes as JSON")
    parser.add_argument("--trafeval", type=Path, nargs="?", const=TRAFEVAL, default=None)
    args = parser.parse_args()
    if args.trafeval:
        trafeval(args.trafeval, args.limit)
        return
    fold_of = wcxb.fold_of_pages(args.folds)
    pages = list(datasets.wcxb_pages(args.dataset))
    if args.limit:
        pages = pages[: args.limit]
    scores: dict[str, dict[str, list[float]]] = {arm: defaultdict(list) for arm in ("off", "oof")}
    outcomes: Counter[str] = Counter()
    changed_not_applied: list[str] = []
    changed = 0
    dump = {}
    started = time.time()
    for fold in sorted(set(fold_of.values())):
        wcxb.use_fold(args.folds / str(fold))
        for page in (p for p in pages if fold_of[p.file_id] == fold):
            on, off = run(page, True), run(page, False)
            texts = {}
            for arm, document in (("oof", on), ("off", off)):
                text = document.article.text if document.article else ""
                texts[arm] = (text, document.article.markdown if document.article else "")
                f1 = datasets.word_scores(text, page.main_content)[2]
                scores[arm][page.page_type].append(f1)
                scores[arm]["all"].append(f1)
            report = on.extraction.content_model
            outcome = report.outcome if report else "none"
            outcomes[outcome] += 1
            if texts["oof"] != texts["off"]:
                changed += 1
                if outcome != "applied":
                    changed_not_applied.append(page.file_id)
            dump[page.file_id] = {
                "type": page.page_type,
                "predicted": on.article.page_type if on.article else None,
                "outcome": outcome,
                "f1_off": scores["off"]["all"][-1],
                "f1_oof": scores["oof"]["all"][-1],
            }
        print(f"fold {fold} done, {time.time() - started:.0f}s", flush=True)
    print(f"{'WCXB-dev F1':<26}" + "".join(f"{t[:11]:>13}" for t in ("all", *TYPES)))
    for arm, label in (("off", "model off (= main)"), ("oof", "product, out-of-fold")):
        print(
            f"{label:<26}"
            + "".join(
                f"{statistics.mean(scores[arm][t] or [float('nan')]):>13.3f}"
                for t in ("all", *TYPES)
            )
        )
    print("pages:", {t: len(scores["oof"][t]) for t in ("all", *TYPES)})
    print("outcomes:", dict(outcomes))
    print(
        f"text or markdown changed on {changed} pages; not where the model applied: "
        f"{len(changed_not_applied)} {changed_not_applied[:10]}"
    )
    better = sum(1 for v in dump.values() if v["f1_oof"] > v["f1_off"] + 1e-9)
    worse = sum(1 for v in dump.values() if v["f1_oof"] < v["f1_off"] - 1e-9)
    print(f"pages better {better}, worse {worse}")
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
