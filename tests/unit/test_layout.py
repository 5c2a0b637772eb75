"""The package boundaries the layout promises, read off the source (module-level imports only:
an import inside a function runs when that function does).

- `article_extractor.pipeline` is the only part that imports lxml, trafilatura and their kin;
- nothing outside it imports it at module level (so the handler's cold start never loads it);
- boto3 is imported only inside functions (created with the first S3 call);
- the function's package never imports the tools (CLI, backfill, local stack);
- its floors, counting every import (in functions too): the modules at the package's root
  (settings, inputs, keys, the document...) import neither `aws` nor `pipeline`; `pipeline`
  never imports `aws`; neither imports the handler. So no arrow runs back up and no loop hides
  inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "functions" / "article_extractor" / "article_extractor"
TOOLS = ROOT / "tools" / "article_extractor_tools"
EXTRACTION_LIBRARIES = {
    "lxml",
    "trafilatura",
    "justext",
    "htmldate",
    "courlan",
    "charset_normalizer",
    "dateparser",
    "webencodings",
}


def module_level_imports(path: Path) -> set[str]:
    """Modules imported by the statements at a module's top level (not in functions or
    `if TYPE_CHECKING:` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def every_import(path: Path) -> set[str]:
    """Every module a module's source imports, wherever the statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            assert node.module is not None
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def importing(path: Path, *packages: str) -> set[str]:
    return {
        name
        for name in every_import(path)
        if any(name == p or name.startswith(p + ".") for p in packages)
    }


def modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def outside_pipeline() -> list[Path]:
    return [p for p in modules(PACKAGE) if "pipeline" not in p.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("path", outside_pipeline(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_pipeline_imports_extraction_libraries(path: Path) -> None:
    imported = module_level_imports(path)
    assert not {name.split(".")[0] for name in imported} & EXTRACTION_LIBRARIES
    assert not {name for name in imported if name.startswith("article_extractor.pipeline")}


@pytest.mark.parametrize("path", modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_boto3_loads_with_the_first_s3_call_and_tools_never(path: Path) -> None:
    imported = {name.split(".")[0] for name in module_level_imports(path)}
    assert "boto3" not in imported
    source = path.read_text(encoding="utf-8")
    assert "article_extractor_tools" not in source


def test_the_pipeline_does_not_reach_for_aws_services() -> None:
    for path in modules(PACKAGE / "pipeline"):
        imported = {name.split(".")[0] for name in module_level_imports(path)}
        assert not imported & {"boto3", "botocore", "aws_lambda_powertools"}, path


def test_tools_live_outside_the_function_package() -> None:
    assert (TOOLS / "cli.py").is_file()
    assert not {"cli.py", "backfill.py", "local.py"} & {p.name for p in PACKAGE.rglob("*.py")}


ROOT_MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name not in ("handler.py",))


@pytest.mark.parametrize("path", ROOT_MODULES, ids=lambda p: p.name)
def test_the_root_modules_stand_below_aws_and_the_pipeline(path: Path) -> None:
    assert not importing(
        path,
        "article_extractor.aws",
        "article_extractor.pipeline",
        "article_extractor.handler",
    )


@pytest.mark.parametrize("path", modules(PACKAGE / "pipeline"), ids=lambda p: p.name)
def test_the_pipeline_never_imports_aws_or_the_handler(path: Path) -> None:
    assert not importing(path, "article_extractor.aws", "article_extractor.handler")


@pytest.mark.parametrize("path", modules(PACKAGE / "aws"), ids=lambda p: p.name)
def test_aws_never_imports_the_handler(path: Path) -> None:
    assert not importing(path, "article_extractor.handler")


def test_the_pipeline_is_grouped_by_stage() -> None:
    """Each stage a room of its own; at the pipeline's top only what runs them in order."""
    pipeline = PACKAGE / "pipeline"
    rooms = {p.name for p in pipeline.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == {"read", "upstream", "metadata", "blocks", "model"}
    top = {p.name for p in pipeline.glob("*.py")}
    assert top == {"__init__.py", "process.py", "extract.py", "deadline.py", "literal_prefilter.py"}
