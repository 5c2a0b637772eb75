"""Cold start from the built artifacts alone, with and without the bytecode they ship.

    python bench/artifacts_cold_start.py [--rounds 11]

Builds the function package and the dependencies layer with their own Makefiles (the layer for
this host's platform, as tests/deploy does, since an arm64 layer cannot load here), and installs
boto3 as the Lambda runtime provides it. Then times fresh `python -I -S -B` processes that see
only function + layer + runtime on `sys.path`:

- import: `import article_extractor.handler` (tracing off);
- import, tracing on: the same with LAMBDA_TASK_ROOT set (Lambda with `Tracing: Active`);
- import + first page: the import, the S3 client, one sample page processed (bytes to JSON).

Each is the median over interleaved rounds minus a bare `python -I -S -B -c pass`, once with the
artifacts as built and once with every `__pycache__` of function and layer removed: `-B` keeps
Python from writing bytecode, as Lambda's read-only /opt and /var/task do. The runtime's boto3
keeps its bytecode in both. Prints sizes (`du -sb`) of both variants.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "samples" / "english-news-article.html"
PREFIX = "import sys\nsys.path[:0] = sys.argv[1:4]\n"
CASES = {
    "import": (PREFIX + "import article_extractor.handler\n", {}),
    "import, tracing on": (
        PREFIX + "import article_extractor.handler\n",
        {"LAMBDA_TASK_ROOT": "/var/task", "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR"},
    ),
    "import + first page": (
        PREFIX + "import article_extractor.handler\n"
        "from article_extractor.inputs import FetchedObject, ObjectRef\n"
        "from article_extractor.aws.runtime import s3_client\n"
        "from article_extractor.pipeline import process_fetched\n"
        "s3_client()\n"
        f"body = open({str(PAGE)!r}, 'rb').read()\n"
        "fetched = FetchedObject(body=body, size=len(body))\n"
        f"document = process_fetched(ObjectRef(None, {PAGE.name!r}), fetched)\n"
        "assert document.status == 'ok', document.status\n"
        "document.to_bytes()\n",
        {},
    ),
}


def tree_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def build(workdir: Path) -> tuple[Path, Path, Path]:
    """Function package, host twin of the layer, and boto3 as the runtime has it."""
    machine = "aarch64" if platform.machine().lower() in ("aarch64", "arm64") else "x86_64"
    function, layer, runtime = workdir / "function", workdir / "layer", workdir / "runtime"
    make = ["make", "--no-print-directory", "-C"]
    function_build = [
        "build-ExtractorFunction",
        f"ARTIFACTS_DIR={function}",
        f"PYTHON={sys.executable}",
    ]
    subprocess.run(
        [*make, str(ROOT / "functions/article_extractor"), *function_build],
        check=True,
        capture_output=True,
    )
    layer_build = [
        "build-DependenciesLayer",
        f"ARTIFACTS_DIR={layer}",
        f"PLATFORM=manylinux2014_{machine}",
        f"PYTHON={sys.executable}",
    ]
    subprocess.run(
        [*make, str(ROOT / "layers/dependencies"), *layer_build], check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(runtime), "boto3"],
        check=True,
        capture_output=True,
    )
    return function, layer / "python", runtime


def without_bytecode(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def wall(code: str, paths: list[Path], environ: dict[str, str]) -> float:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "OUTPUT_BUCKET": "bench-output",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        **environ,
    }
    command = [sys.executable, "-I", "-S", "-B", "-c", code, *map(str, paths)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 13):
        print("needs Python 3.13 (the layer's bytecode is for it)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="artifacts-cold-start-") as tmp:
        workdir = Path(tmp)
        function, layer, runtime = build(workdir)
        variants = {
            "with bytecode": [function, layer, runtime],
            "without bytecode": [
                without_bytecode(function, workdir / "function-nopyc"),
                without_bytecode(layer, workdir / "layer-nopyc"),
                runtime,
            ],
        }
        for name, (function_dir, layer_dir, _) in variants.items():
            print(
                f"{name}: function {tree_bytes(function_dir)} bytes, "
                f"layer {tree_bytes(layer_dir)} bytes"
            )
        times: dict[tuple[str, str], list[float]] = {}
        bare: list[float] = []
        for paths in variants.values():  # warm the page cache once
            for code, environ in CASES.values():
                wall(code, paths, environ)
        for _ in range(args.rounds):
            bare.append(wall("pass", [], {}))
            for variant, paths in variants.items():
                for case, (code, environ) in CASES.items():
                    times.setdefault((variant, case), []).append(wall(code, paths, environ))
    floor = statistics.median(bare)
    print(f"bare python -I -S -B: {floor * 1000:.0f} ms (subtracted below); {args.rounds} rounds")
    print(f"{'':22}" + "".join(f"{variant:>18}" for variant in variants))
    for case in CASES:
        row = "".join(
            f"{(statistics.median(times[(variant, case)]) - floor) * 1000:>15.0f} ms"
            for variant in variants
        )
        print(f"{case:22}{row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
