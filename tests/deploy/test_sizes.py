"""The README's artifact sizes are the build's (`make build`, run by `make test` before pytest):
the bytes of the files in `.aws-sam/build`, with and without their bytecode, within 5%."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.unit.test_docs import README, section, table_rows

BUILD = ROOT / ".aws-sam" / "build"
ARTIFACTS = {
    "DependenciesLayer": BUILD / "DependenciesLayer",
    "ExtractorFunction": BUILD / "ExtractorFunction",
}
TOLERANCE = 0.05  # the README rounds ("about 27 MB"); a code change moves the function a little


def stated_sizes() -> dict[str, tuple[float, float]]:
    """Artifact -> (MB without bytecode, MB shipped) as the README's table states them."""
    sizes = {}
    for row in table_rows(section(README, "### Build artifacts")):
        names = re.findall(r"`(\w+)`", row[0])
        stated = [re.search(r"about ([\d.]+) MB", cell) for cell in row[1:3]]
        if names and all(stated):
            without, shipped = (float(match[1]) for match in stated if match)
            sizes[names[0]] = (without, shipped)
    return sizes


def megabytes(root: Path, bytecode: bool) -> float:
    files = [f for f in root.rglob("*") if f.is_file() and (bytecode or f.suffix != ".pyc")]
    return sum(f.stat().st_size for f in files) / 1e6


@pytest.mark.parametrize("name", sorted(ARTIFACTS))
def test_the_readme_states_the_built_sizes(name: str) -> None:
    root = ARTIFACTS[name]
    if not root.is_dir():
        pytest.fail("no build artifacts in .aws-sam/build: run `make build` (make test does)")
    assert sorted(stated_sizes()) == sorted(ARTIFACTS)
    without, shipped = stated_sizes()[name]
    assert megabytes(root, bytecode=False) == pytest.approx(without, rel=TOLERANCE)
    assert megabytes(root, bytecode=True) == pytest.approx(shipped, rel=TOLERANCE)
