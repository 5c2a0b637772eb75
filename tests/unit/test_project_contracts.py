"""The set-up contracts the README promises: make targets and the CI entry point."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("target", ["install", "test", "demo", "bench", "serve"])
def test_make_target_exists(target: str) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert dry_run.returncode == 0, dry_run.stderr


def test_ci_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "set -euo pipefail" in script


def test_sam_cli_stays_out_of_the_project_venv() -> None:
    """aws-sam-cli requires boto3[crt]: in .venv, awscrt would make boto3 import unlike the
    Lambda runtime (which has none), so the SAM CLI gets its own .venv-sam."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += extra
    assert not [r for r in requirements if r.lower().startswith(("aws-sam-cli", "awscrt"))]
    assert "pip install --quiet 'aws-sam-cli==" in (ROOT / "Makefile").read_text()


def test_make_help_lists_every_target() -> None:
    """`make help` is how a newcomer finds the targets: each phony target has a `## ` line."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    makefile = (ROOT / "Makefile").read_text()
    [phony] = [line for line in makefile.splitlines() if line.startswith(".PHONY:")]
    targets = set(phony.removeprefix(".PHONY:").split())
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("  make ")}
    assert listed == targets
    assert all(len(line.split()) > 2 for line in shown.splitlines())  # each with what it does


def test_ci_installs_the_browser_before_the_suite() -> None:
    """The review page's browser tests fail in CI without Chromium: `make browser` comes first."""
    script = (ROOT / ".ci" / "run").read_text()
    assert "make browser" in script
    assert script.index("make browser") < script.index("make test")
    if shutil.which("make") is not None:
        dry_run = subprocess.run(
            ["make", "-n", "browser"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert dry_run.returncode == 0, dry_run.stderr
        assert "apt-get install -y -qq chromium" in dry_run.stdout
