"""What the README and docs/ say that the code can check: links and anchors resolve, the layout
names every module, the example documents are valid, every setting and status is listed with
its default, and the cost tables are bench/cost.py's arithmetic on the measured figures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bench import cost
from cfnlint.decode import decode

from article_extractor.config import Settings
from article_extractor.errors import ErrorCode
from article_extractor.handler import DOCUMENT_METRICS, RESULT_METRICS
from article_extractor.pipeline.process import STATUS_BY_ERROR
from tests.conftest import ROOT, assert_valid_output

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS, ROOT / "training" / "README.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(`{3,})")


def prose(path: Path) -> list[str]:
    """The page's lines outside fenced code blocks."""
    lines, fence = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None and line.startswith(fence):
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces -."""
    found = set()
    for line in prose(path):
        if match := re.match(r"#{1,6} (.+)", line):
            found.add(re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-"))
    return found


def section(path: Path, heading: str) -> list[str]:
    """The lines under `heading` (a whole heading line) up to the next heading of its level."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(heading)
    level = heading.split(" ")[0]
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if re.match(r"#+ ", lines[i]) and len(lines[i].split(" ")[0]) <= len(level)
        ),
        len(lines),
    )
    return lines[start + 1 : end]


def code_blocks(lines: list[str], language: str = "") -> list[str]:
    blocks, current, fence = [], [], None
    for line in lines:
        if fence is None and line.startswith("```") and line.strip("`") == language:
            fence, current = line, []
        elif fence is not None and line == "```":
            blocks.append("\n".join(current))
            fence = None
        elif fence is not None:
            current.append(line)
    return blocks


def table_rows(lines: list[str]) -> list[list[str]]:
    """The cells of each row of the Markdown tables in `lines` (header and rule rows left out)."""
    rows = [line for line in lines if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]
    return [row for row in cells if not set(row[0]) <= set("-: ")]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    broken = []
    for line in prose(page):
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto
            file_part, _, anchor = target.partition("#")
            linked = (page.parent / file_part).resolve() if file_part else page
            if not linked.exists():
                broken.append(f"{target}: no {linked.relative_to(ROOT)}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    assert broken == []


def test_the_readme_keeps_to_what_a_user_does() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 520  # it was 824, with 400 lines of internals
    headings = [line for line in prose(README) if line.startswith("## ")]
    assert headings == [
        "## Contents",
        "## Try it (no AWS account needed)",
        "## Command line",
        "## Deploy",
        "## What it costs",
        "## Configure",
        "## Operate",
        "## Output",
        "## Quality and speed",
        "## Develop",
    ]
    contents = section(README, "## Contents")
    for heading in headings[1:]:
        anchor = re.sub(r"[^\w\- ]", "", heading[3:].lower()).replace(" ", "-")
        assert any(f"](#{anchor})" in line for line in contents), heading
    # The two set-up commands of a fresh clone, first thing in "Try it".
    [first] = code_blocks(section(README, "## Try it (no AWS account needed)"), "bash")[:1]
    assert [line.split()[:2] for line in first.splitlines()] == [["make", "demo"], ["make", "test"]]


def layout_modules() -> set[str]:
    """The .py files the layout tree of docs/how-it-works.md names, as paths."""
    [tree] = code_blocks(section(ROOT / "docs" / "how-it-works.md", "## Layout"))
    listed, stack = set(), []
    for line in tree.splitlines():
        indent = len(line) - len(line.lstrip())
        name = line.split()[0]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = (stack[-1][1] if stack else "") + name
        if name.endswith("/"):
            stack.append((indent, path))
        elif name.endswith(".py"):
            listed.add(path)
    return listed


def test_the_layout_names_every_module_and_only_those() -> None:
    packages = [ROOT / "functions/article_extractor/article_extractor", ROOT / "tools"]
    modules = {
        path.relative_to(ROOT / "functions/article_extractor").as_posix()
        if "functions" in path.parts
        else path.relative_to(ROOT / "tools").as_posix()
        for package in packages
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    named = {
        path.removeprefix("functions/article_extractor/").removeprefix("tools/")
        for path in layout_modules()
    }
    assert named == modules


@pytest.mark.parametrize("page", [README, ROOT / "docs" / "output.md"], ids=lambda p: p.name)
def test_the_example_document_is_valid(page: Path) -> None:
    example = code_blocks(page.read_text(encoding="utf-8").splitlines(), "json")[0]
    assert_valid_output(json.loads(example))


def template() -> dict[str, Any]:
    decoded, errors = decode(str(ROOT / "template.yaml"))
    assert not errors, errors
    loaded: dict[str, Any] = json.loads(json.dumps(decoded))
    return loaded


def test_configure_lists_every_parameter_with_its_default() -> None:
    rows = {row[0].strip("`"): row for row in table_rows(section(README, "## Configure"))}
    parameters = template()["Parameters"]
    assert set(parameters) <= set(rows)
    for name, parameter in parameters.items():
        default = str(parameter["Default"])
        shown = rows[name][1]
        assert shown == "(none)" if default == "" else shown.startswith(f"`{default}`"), name


def test_configure_names_every_setting_the_function_reads() -> None:
    source = (ROOT / "functions/article_extractor/article_extractor/config.py").read_text()
    read = set(re.findall(r'environ(?:\.get\(|,)\s*"([A-Z_]+)"', source))
    assert {"OUTPUT_BUCKET", "READ_CONCURRENCY", "CONTENT_MODEL"} <= read  # the pattern works
    configure = "\n".join(section(README, "## Configure"))
    assert [name for name in sorted(read) if f"`{name}`" not in configure] == []
    defaults = Settings.from_environ({"OUTPUT_BUCKET": "out"})
    assert f"`READ_CONCURRENCY` (default `{defaults.read_concurrency}`" in configure


def test_output_lists_every_error_code_under_its_status() -> None:
    rows = {row[0].strip("`"): row[2] for row in table_rows(section(README, "## Output"))}
    for code in ErrorCode:
        status = str(STATUS_BY_ERROR.get(code, "failed"))
        assert f"`{code}`" in rows[status], code
    detailed = "\n".join(section(ROOT / "docs" / "output.md", "## Status and error codes"))
    assert [code for code in ErrorCode if f"| `{code}` |" not in detailed] == []


def test_develop_names_every_make_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    [phony] = [line for line in makefile.splitlines() if line.startswith(".PHONY:")]
    develop = "\n".join(section(README, "## Develop"))
    assert [t for t in phony.split()[1:] if f"`make {t}" not in develop] == []


def test_the_cost_tables_are_bench_costs_arithmetic() -> None:
    lines = section(README, "## What it costs")
    shown = "\n".join(line for line in lines if line.startswith("|") or not line.strip())
    expected = cost.tables(cost.Inputs(), [1_000_000, 10_000_000])
    assert re.sub(r"\n{2,}", "\n\n", shown.strip()) == expected


def test_the_cost_model_uses_the_measured_and_deployed_figures() -> None:
    performance = ROOT / "docs" / "performance.md"
    speed = section(performance, "## Speed, memory and cost")
    [row] = [line for line in speed if line.startswith("| article-extractor |")]
    docs_per_second = float(row.strip("|").split("|")[3])
    assert round(1000 / docs_per_second, 1) == cost.MS_PER_PAGE
    assert f"The result JSON is {cost.RESULT_KIB} KiB at the median" in " ".join(
        " ".join(speed).split()
    )
    parameters = template()["Parameters"]
    assert parameters["MemorySize"]["Default"] == cost.MEMORY_MB
    resources = template()["Resources"]
    uploads = resources["ExtractorFunction"]["Properties"]["Events"]["Uploads"]["Properties"]
    assert uploads["BatchSize"] == cost.BATCH_SIZE
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == cost.ALARMS
    assert len(DOCUMENT_METRICS) + len(RESULT_METRICS) + 2 == cost.METRIC_NAMES  # + duration, own
