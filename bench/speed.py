"""Speed: the product's processing path against stock trafilatura, interleaved, same run.

    python bench/speed.py [--dataset ../shared/data/trafilatura-eval] [--limit N]
    python bench/speed.py --dataset ../shared/data/wcxb-dev --limit 300

Per document, in rotating order: (a) the product, bytes -> JSON string (`process_object` and
`to_json`), also with `OUTPUT_BLOCKS` on and with `CONTENT_MODEL` off; (b) stock
`trafilatura.extract(include_comments=False, with_metadata=True)` on the same bytes; (c)
`lxml.html.fromstring` alone, the parse floor. Prints median and p95 ms per document, docs/s on
one core, the ratios product/stock and product/floor, peak RSS, peak RSS while processing the
largest page, and the cold-start import cost (median wall time of a fresh
`python -c "import article_extractor.handler"` minus a bare `python -c pass`), the same with
tracing on, and the honest total of a fresh process that imports the handler, creates the S3
client and processes one sample page (modules imported on first use are not free).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura

from article_extractor.inputs import FetchedObject, ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline import process_object

MAX_INPUT_BYTES = 10 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]


class MemoryReader:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self, ref: ObjectRef, max_bytes: int) -> FetchedObject:
        return FetchedObject(body=self.body, size=len(self.body))


def product(body: bytes) -> str:
    document = process_object(
        ObjectRef(None, "page.html"),
        MemoryReader(body),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES),
    )
    return document.to_json()


def product_without_model(body: bytes) -> str:
    document = process_object(
        ObjectRef(None, "page.html"),
        MemoryReader(body),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES, content_model=False),
    )
    return document.to_json()


def product_with_blocks(body: bytes) -> str:
    document = process_object(
        ObjectRef(None, "page.html"),
        MemoryReader(body),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES, include_blocks=True),
    )
    return document.to_json()


def structure_costs(bodies: list[bytes]) -> dict[str, list[float]]:
    """Milliseconds per page of the content model's steps, timed inside the product: building
    the blocks from trafilatura's tree, the page type and block model (`refine`: the declared-
    article gate, the classifier, the blocks' scores where a rule applies), the kept blocks made
    typed blocks (on the pages where the model applied), cleaning them, writing the text,
    writing the Markdown."""
    import article_extractor.pipeline.extract as extract_module
    import article_extractor.pipeline.process as process_module

    # (module, function, label): the steps timed inside the product
    steps = (
        (extract_module, "blocks_from_result", "blocks"),
        (extract_module, "refine", "refine"),
        (extract_module, "revised", "revised"),
        (process_module, "clean_blocks", "clean"),
        (process_module, "to_text", "text"),
        (process_module, "to_markdown", "markdown"),
    )
    costs: dict[str, list[float]] = {label: [] for _, _, label in steps}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                costs[name].append((time.perf_counter() - started) * 1000)

        return run

    saved = [(module, name, getattr(module, name)) for module, name, _ in steps]
    for module, name, label in steps:
        setattr(module, name, timed(label, getattr(module, name)))
    try:
        for body in bodies:
            product(body)
    finally:
        for module, name, original in saved:
            setattr(module, name, original)
    return costs


def stock(body: bytes) -> str:
    return trafilatura.extract(body, include_comments=False, with_metadata=True) or ""


def floor(body: bytes) -> object:
    try:
        return lxml.html.fromstring(body)
    except Exception:  # the floor of an unparsable page is its failure
        return None


CANDIDATES: dict[str, Callable[[bytes], object]] = {
    "product": product,
    "product+blocks": product_with_blocks,
    "model off": product_without_model,
    "stock": stock,
    "parse floor": floor,
}


def pages(dataset: Path | None) -> list[Path]:
    """The pages of a set: trafilatura-eval's eval/ and cache/, WCXB-dev's gzipped html/, else
    samples/."""
    if dataset and dataset.is_dir():
        found = (
            sorted((dataset / "eval").glob("*.html"))
            + sorted((dataset / "cache").glob("*.html"))
            + sorted((dataset / "html").glob("*.html.gz"))
        )
        if found:
            return found
    return sorted(p for p in (ROOT / "samples").iterdir() if p.is_file())


def page_bytes(path: Path) -> bytes:
    """A page's HTML (a set's gzipped page unzipped, as stock trafilatura reads no gzip)."""
    body = path.read_bytes()
    return gzip.decompress(body) if path.suffix == ".gz" and path.parent.name == "html" else body


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


COLD_START_PAGE = ROOT / "samples" / "english-news-article.html"
# The handler's import alone, as the issue defines the cold start.
IMPORT_HANDLER = "import article_extractor.handler"
# What the first document of a container waits for: the import, the S3 client and every module
# imported on first use, and one page processed (bytes to JSON; no S3 call).
IMPORT_AND_FIRST_PAGE = (
    "import article_extractor.handler\n"
    "from article_extractor.inputs import FetchedObject, ObjectRef\n"
    "from article_extractor.aws.runtime import s3_client\n"
    "from article_extractor.options import ProcessingOptions\n"
    "from article_extractor.pipeline import process_object\n"
    "s3_client()\n"
    f"body = open({str(COLD_START_PAGE)!r}, 'rb').read()\n"
    "class Reader:\n"
    "    def read(self, ref, max_bytes):\n"
    "        return FetchedObject(body=body, size=len(body))\n"
    "options = ProcessingOptions(max_input_bytes=" + str(MAX_INPUT_BYTES) + ")\n"
    "process_object(ObjectRef(None, 'page.html'), Reader(), options).to_bytes()\n"
)


def cold_start_ms(code: str = IMPORT_HANDLER, runs: int = 7, **environ: str) -> float:
    """Median wall time of a fresh `python -c code` minus a bare `python -c pass`, interleaved.

    `environ` is added to this process's environment, e.g. LAMBDA_TASK_ROOT to turn tracing on
    as Lambda with `Tracing: Active` does."""
    env = {"AWS_DEFAULT_REGION": "us-east-1", **os.environ, **environ}
    # The Lambda artifacts ship bytecode: the warm-up run below must be free to write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def wall(source: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", source], check=True, capture_output=True, env=env)
        return time.perf_counter() - started

    wall(code)  # the first run writes bytecode caches; the Lambda artifacts ship them
    imports, bare = [], []
    for _ in range(runs):
        imports.append(wall(code))
        bare.append(wall("pass"))
    return (statistics.median(imports) - statistics.median(bare)) * 1000


def largest_page_peak_rss_mb(path: Path) -> float:
    """Peak RSS of a fresh process that imports the handler and processes one page.

    Read from /proc/self/status (VmHWM), which starts afresh at exec: `ru_maxrss` does not,
    a child started from this process would report this process's peak as its own.
    """
    code = (
        "import article_extractor.handler\n"
        "from bench.speed import product, peak_rss_mb\n"
        f"product(open({str(path)!r}, 'rb').read())\n"
        "print(peak_rss_mb())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (VmHWM where /proc exists)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", type=Path, default=ROOT.parent / "shared/data/trafilatura-eval"
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="at most N pages, spread evenly over the set"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    paths = pages(args.dataset)
    if args.limit:
        paths = paths[:: max(1, len(paths) // args.limit)][: args.limit]
    bodies = [page_bytes(p) for p in paths]
    for body in bodies[:5]:  # warm-up: imports and lazy loads happen once per process
        for run in CANDIDATES.values():
            run(body)
    times: dict[str, list[float]] = {name: [] for name in CANDIDATES}
    names = list(CANDIDATES)
    for index, body in enumerate(bodies):
        order = names[index % len(names) :] + names[: index % len(names)]  # rotate: fair caches
        for name in order:
            started = time.perf_counter()
            CANDIDATES[name](body)
            times[name].append((time.perf_counter() - started) * 1000)
    costs = structure_costs(bodies)
    sizes = [
        (len(product(body).encode()), len(product_with_blocks(body).encode())) for body in bodies
    ]
    rss_mb = peak_rss_mb()
    largest = max(paths, key=lambda p: p.stat().st_size)
    figures = {
        name: {
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 0.95),
            "docs_per_s": len(values) / (sum(values) / 1000),
        }
        for name, values in times.items()
    }
    cold = cold_start_ms()
    cold_traced = cold_start_ms(LAMBDA_TASK_ROOT=str(ROOT))
    first_page = cold_start_ms(IMPORT_AND_FIRST_PAGE)
    largest_rss = largest_page_peak_rss_mb(largest)
    origin = args.dataset if paths[0].parent.parent == args.dataset else "samples/"
    print(f"pages: {len(paths)} from {origin}")
    print(f"{'':14}{'median ms':>10}{'p95 ms':>10}{'docs/s':>9}")
    for name, f in figures.items():
        print(f"{name:14}{f['median_ms']:>10.2f}{f['p95_ms']:>10.2f}{f['docs_per_s']:>9.1f}")
    ratio_stock = figures["product"]["median_ms"] / figures["stock"]["median_ms"]
    ratio_floor = figures["product"]["median_ms"] / figures["parse floor"]["median_ms"]
    print(f"product/stock (median): {ratio_stock:.2f}    product/floor (median): {ratio_floor:.1f}")
    ratio_off = figures["model off"]["median_ms"] / figures["stock"]["median_ms"]
    print(f"with CONTENT_MODEL=off, product/stock (median): {ratio_off:.2f}")
    print("content model, median ms per page (inside the product):")
    for name, values in costs.items():
        if values:
            median, p95 = statistics.median(values), percentile(values, 0.95)
            print(f"  {name:10}{median:>8.3f}   p95 {p95:.3f}   ({len(values)} pages)")
    with_blocks = statistics.median(b / a for a, b in sizes if a)
    print(
        f"result JSON median {statistics.median(a for a, _ in sizes) / 1024:.1f} KiB; "
        f"with document.blocks {with_blocks:.2f}x that"
    )
    print(
        f"peak RSS of this run: {rss_mb:.0f} MB; processing the largest page "
        f"({largest.name}, {largest.stat().st_size / 1e6:.1f} MB) alone: {largest_rss:.0f} MB"
    )
    print(f"cold start (import article_extractor.handler minus bare python): {cold:.0f} ms")
    print(f"  the same with tracing on (Tracing: Active, the default): {cold_traced:.0f} ms")
    print(
        f"  import + S3 client + first page ({COLD_START_PAGE.name}, modules imported on first "
        f"use included), minus bare python: {first_page:.0f} ms"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "figures": figures,
                    "product_over_stock": ratio_stock,
                    "product_over_floor": ratio_floor,
                    "peak_rss_mb": rss_mb,
                    "largest_page_rss_mb": largest_rss,
                    "cold_start_ms": cold,
                    "cold_start_traced_ms": cold_traced,
                    "import_and_first_page_ms": first_page,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
