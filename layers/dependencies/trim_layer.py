"""Remove from the built layer what the function never loads, keeping every import that runs.

Usage: python3 trim_layer.py LAYER_PYTHON_DIR

Each rule says why its files can go. tests/deploy/test_artifacts.py imports the handler from the
trimmed artifacts and runs it over every event kind, so a rule that removes something needed
fails the build's tests.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# Shipped by the Lambda Python runtime next to boto3: a second copy only costs size.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
# Never imported at run time: build helpers, type information, C sources and headers; and any
# bytecode (the Makefile compiles the trimmed layer afresh, for Python 3.13, after this step).
DEAD_FILE_PATTERNS = ("*.pyc", "*.pyi", "py.typed", "*.pyx", "*.pxd", "*.pxi", "*.h", "*.c")
DEAD_DIR_NAMES = ("__pycache__", "tests", "test", "includes")
# Unused parts of used packages (the handler's imports were traced over every event kind).
UNUSED_PATHS = (
    "bin",  # console scripts
    "wrapt-stubs",
    "lxml/objectify*.so",  # lxml.objectify, lxml.html.diff and ISO Schematron are never used
    "lxml/html/diff*.so",
    "lxml/html/_difflib*.so",
    "lxml/isoschematron",
    "aws_lambda_powertools/event_handler",  # Powertools utilities this function does not use
    "aws_lambda_powertools/utilities/parser",
    "aws_lambda_powertools/utilities/auth_alpha",
    "aws_lambda_powertools/utilities/idempotency",
    "aws_lambda_powertools/utilities/parameters",
    "aws_lambda_powertools/utilities/kafka",
    "aws_lambda_powertools/utilities/circuit_breaker",
    "aws_lambda_powertools/utilities/feature_flags",
    "aws_lambda_powertools/utilities/data_masking",
    "aws_lambda_powertools/utilities/streaming",
    "aws_lambda_powertools/utilities/validation",
)
# courlan imports babel for a URL language filter that extraction never calls; babel loads a
# locale's data only when asked for it, so only the root and English locales are kept.
BABEL_LOCALES_KEPT = ("root.dat", "en.dat")


def remove(path: Path) -> int:
    """Delete a file or directory tree; returns the bytes freed."""
    if path.is_dir() and not path.is_symlink():
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        shutil.rmtree(path)
        return size
    size = path.stat().st_size
    path.unlink()
    return size


def trim(root: Path) -> int:
    freed = 0
    for name in RUNTIME_PROVIDED:
        for path in [*root.glob(name), *root.glob(f"{name}-*.dist-info")]:
            freed += remove(path)
    for pattern in UNUSED_PATHS:
        for path in root.glob(pattern):
            freed += remove(path)
    for directory in sorted(root.rglob("*"), reverse=True):
        if directory.is_dir() and directory.name in DEAD_DIR_NAMES:
            freed += remove(directory)
    for pattern in DEAD_FILE_PATTERNS:
        for path in list(root.rglob(pattern)):
            if path.is_file():
                freed += remove(path)
    locale_data = root / "babel" / "locale-data"
    if locale_data.is_dir():
        for path in locale_data.iterdir():
            if path.name not in BABEL_LOCALES_KEPT:
                freed += remove(path)
    return freed


def tree_size(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[1])
    before = tree_size(root)
    freed = trim(root)
    print(f"layer trimmed: {before / 1e6:.1f} MB -> {tree_size(root) / 1e6:.1f} MB "
          f"({freed / 1e6:.1f} MB removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
