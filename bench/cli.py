"""Whole-process speed of the command line against plain scripts, in turn A B C A B C ...

    python bench/cli.py [--dataset ../shared/data/trafilatura-eval ...] [--runs 5]

By default both development sets, one after the other: trafilatura-eval (its `cache` and `eval`
folders, 1,032 pages) and WCXB-dev (its `html` folder, 1,497 gzipped pages); `--dataset` (which
may be repeated) names others, and `--pages` the folders of each to extract (by default the
ones it has of `cache`, `eval` and `html`).

A is `article-extractor extract DIR... --output-dir OUT`. B, the reference, is
`bench/plain_extract.py --extractor stock`: stock `trafilatura.extract(include_comments=False,
with_metadata=True)` per file, the files found, read and written the same way. C is
`bench/plain_extract.py --extractor product`: the product's `process_fetched` per file without
the command line, so A/C is what the command line itself costs and C/B what the processing
does. Each runs as a fresh process into an emptied output directory, after one warm-up each.
Prints, per set and command, the median CPU seconds (the process's user + system time, as the
kernel accounts it) and wall seconds, then the median of the ratios of runs made back to back
(they hold when the machine's speed drifts). The same with public tools: `/usr/bin/time -v`
around each command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = [
    ROOT.parent / "shared" / "data" / "trafilatura-eval",
    ROOT.parent / "shared" / "data" / "wcxb-dev",
]
PAGE_FOLDERS = ("cache", "eval", "html")  # trafilatura-eval's two folders, WCXB's one


@dataclass(frozen=True)
class Run:
    cpu_seconds: float
    wall_seconds: float


def timed(command: list[str], output_dir: Path) -> Run:
    """Run `command` once as a child process: its own CPU time and its wall time."""
    shutil.rmtree(output_dir, ignore_errors=True)
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: some page ended `failed`, as it may
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}")
    return Run(usage.ru_utime + usage.ru_stime, wall)


def paired_ratio(a: list[Run], b: list[Run], cpu: bool) -> float:
    """The median of the ratios of runs made back to back."""
    pick = (lambda run: run.cpu_seconds) if cpu else (lambda run: run.wall_seconds)
    return statistics.median(pick(x) / pick(y) for x, y in zip(a, b, strict=True))


def page_folders(dataset: Path, names: list[str] | None) -> list[str]:
    """The folders of `dataset` to extract: `names`, or those it has of PAGE_FOLDERS."""
    if names:
        return names
    found = [name for name in PAGE_FOLDERS if (dataset / name).is_dir()]
    if not found:
        raise SystemExit(f"{dataset}: none of the folders {', '.join(PAGE_FOLDERS)}")
    return found


def bench_dataset(dataset: Path, folders: list[str], runs: int) -> None:
    """Time A, B and C in turn over the folders of one dataset and print the figures."""
    directories = [str(dataset / name) for name in folders]
    cli = [str(Path(sys.executable).with_name("article-extractor")), "extract"]
    plain = [sys.executable, str(ROOT / "bench" / "plain_extract.py")]
    with tempfile.TemporaryDirectory() as scratch:
        outputs = [Path(scratch) / name for name in "ABC"]
        commands = {
            "A article-extractor extract": cli,
            "B stock trafilatura script": [*plain, "--extractor", "stock"],
            "C product, no command line": [*plain, "--extractor", "product"],
        }
        argvs = [
            [*command, *directories, "--output-dir", str(output)]
            for command, output in zip(commands.values(), outputs, strict=True)
        ]
        for argv_, output in zip(argvs, outputs, strict=True):  # warm-up: file cache, .pyc
            timed(argv_, output)
        done_runs: list[list[Run]] = [[] for _ in commands]
        for _ in range(runs):
            for done, argv_, output in zip(done_runs, argvs, outputs, strict=True):
                done.append(timed(argv_, output))
    pages = sum(1 for d in directories for p in Path(d).rglob("*.htm*") if p.is_file())
    listed = ", ".join(folders)
    print(f"{dataset.name}: {pages} pages ({listed}), {runs} runs each, A B C A B C ...")
    for name, done in zip(commands, done_runs, strict=True):
        cpu = statistics.median(run.cpu_seconds for run in done)
        wall = statistics.median(run.wall_seconds for run in done)
        print(f"  {name:<28} median cpu {cpu:7.2f} s   wall {wall:7.2f} s")
    a, b, c = done_runs
    for label, x, y in (("A/B", a, b), ("C/B", c, b), ("A/C", a, c)):
        cpu_ratio, wall_ratio = paired_ratio(x, y, cpu=True), paired_ratio(x, y, cpu=False)
        print(f"  ratio {label} (median of pairs)   cpu {cpu_ratio:.3f}   wall {wall_ratio:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="a set to time (repeatable; default: both development sets)",
    )
    parser.add_argument(
        "--pages", nargs="+", help="folders of each dataset to extract (default: those it has)"
    )
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each command")
    args = parser.parse_args(argv)
    for dataset in args.dataset or DEFAULT_DATASETS:
        bench_dataset(dataset, page_folders(dataset, args.pages), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
