"""What `extraction.decisions` (OUTPUT_DECISIONS) costs: bytes of JSON and time per page, and
the size of a review page, over both development sets.

    python bench/decisions.py [--limit 300] [--seed 20]

Pages drawn at random (seeded) from trafilatura-eval and WCXB-dev, read by path. Per page, in
one run and interleaved (off, on, off, on), the time of bytes -> JSON string (`process_fetched`
and `to_json`), the least of each pair; then the JSON's size off and on and the review page's
size (`review_html`). Prints medians (and the median of the per-page ratios).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_fetched
from article_extractor_tools.review import review_html

ROOT = Path(__file__).resolve().parents[1]
# shared/ beside the checkout (a worktree one level deeper: beside its parent)
SHARED = next(
    (
        path
        for path in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data")
        if path.is_dir()
    ),
    ROOT.parent / "shared" / "data",
)
MAX_INPUT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Measure:
    """One page: JSON bytes and ms with decisions off and on, and its review page's bytes."""

    bytes_off: int
    bytes_on: int
    ms_off: float
    ms_on: float
    review_bytes: int


def dataset_pages(shared: Path) -> Iterator[tuple[Path, str | None]]:
    """(path, URL) of every page of trafilatura-eval and WCXB-dev found under `shared`."""
    evaluation = shared / "trafilatura-eval"
    for url, item in sorted(json.loads((evaluation / "evaldata.json").read_text()).items()):
        found = [evaluation / sub / item["file"] for sub in ("eval", "cache")]
        path = next((p for p in found if p.is_file()), None)
        if path is not None:
            yield path, url
    for truth in sorted((shared / "wcxb-dev" / "ground-truth").glob("*.json")):
        path = shared / "wcxb-dev" / "html" / f"{truth.stem}.html.gz"
        if path.is_file():
            yield path, json.loads(truth.read_text()).get("url") or None


def measure(body: bytes, url: str | None) -> Measure:
    """The page processed off, on, off, on; each side's time the least of its two runs."""
    fetched = FetchedObject(body=body, size=len(body), metadata={"source-url": url} if url else {})
    ref = ObjectRef(None, "page.html")
    off = ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES)
    on = ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES, explain=True)
    times: dict[bool, list[float]] = {False: [], True: []}
    texts: dict[bool, str] = {}
    for explain in (False, True, False, True):
        started = time.perf_counter()
        document = process_fetched(ref, fetched, on if explain else off)
        texts[explain] = document.to_json()
        times[explain].append((time.perf_counter() - started) * 1000)
    review = review_html(process_fetched(ref, fetched, on))
    return Measure(
        bytes_off=len(texts[False].encode("utf-8")),
        bytes_on=len(texts[True].encode("utf-8")),
        ms_off=min(times[False]),
        ms_on=min(times[True]),
        review_bytes=len(review.encode("utf-8")),
    )


def report(measures: list[Measure]) -> str:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    added = [m.bytes_on - m.bytes_off for m in measures]
    return "\n".join(
        [
            f"pages: {len(measures)}",
            f"JSON bytes, median: off {median([m.bytes_off for m in measures]):.0f}, "
            f"on {median([m.bytes_on for m in measures]):.0f}; added {median(added):.0f} "
            f"(x{median([m.bytes_on / m.bytes_off for m in measures]):.2f} per page)",
            f"ms per page, median: off {median([m.ms_off for m in measures]):.1f}, "
            f"on {median([m.ms_on for m in measures]):.1f}; "
            f"added {median([m.ms_on - m.ms_off for m in measures]):.1f} "
            f"(x{median([m.ms_on / m.ms_off for m in measures]):.3f} per page)",
            f"review page bytes, median: {median([m.review_bytes for m in measures]):.0f} "
            f"(p90 {statistics.quantiles([m.review_bytes for m in measures], n=10)[-1]:.0f})",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    pages = list(dataset_pages(args.shared))
    chosen = random.Random(args.seed).sample(pages, min(args.limit, len(pages)))
    measures = []
    for path, url in chosen:
        measures.append(measure(path.read_bytes(), url))  # gzip as the function reads it
    print(report(measures))


if __name__ == "__main__":
    main()
