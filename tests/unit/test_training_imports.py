"""training/ is a package run from the repository's root (`python -m training.<script>`): its
scripts reach each other and bench/ by imports, never by editing `sys.path`, and every name they
import exists. numpy and scikit-learn are training-only (training/requirements.txt, not in the
project's .venv or CI): the scripts that need them are checked by reading their imports, and
imported whole where those packages are installed."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRAINING = sorted(path for path in (ROOT / "training").glob("*.py") if path.name != "__init__.py")
TRAINING_ONLY = ("numpy", "sklearn", "scipy")
PROJECT = ("training", "bench")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(module: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, names) of every import, at the top or inside functions."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def _defined(module: ast.Module) -> set[str]:
    """The names a module binds at its top level."""
    names: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _needs_training_only_packages(name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether importing training.<name> imports numpy or scikit-learn, directly or through
    another training module."""
    for module, _ in _imports(_tree(ROOT / "training" / f"{name}.py")):
        if module.split(".")[0] in TRAINING_ONLY:
            return True
        if module.startswith("training.") and module not in seen:
            inner = module.removeprefix("training.")
            if _needs_training_only_packages(inner, seen | {module}):
                return True
    return False


@pytest.mark.parametrize("path", TRAINING, ids=lambda path: path.name)
def test_no_script_edits_sys_path(path: Path) -> None:
    assert "sys.path" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", TRAINING, ids=lambda path: path.name)
def test_every_project_name_a_script_imports_exists(path: Path) -> None:
    for module, names in _imports(_tree(path)):
        if module.split(".")[0] not in PROJECT:
            continue
        if module in PROJECT:  # `from bench import datasets`: submodules
            for name in names:
                assert (ROOT / module / f"{name}.py").is_file(), f"{module}.{name}"
            continue
        target = ROOT / f"{module.replace('.', '/')}.py"
        assert target.is_file(), f"{path.name} imports {module}, which is not there"
        missing = set(names) - _defined(_tree(target))
        assert not missing, f"{path.name}: {module} has no {sorted(missing)}"


def test_the_scripts_without_numpy_import() -> None:
    imported = []
    for path in TRAINING:
        if not _needs_training_only_packages(path.stem):
            importlib.import_module(f"training.{path.stem}")
            imported.append(path.stem)
    assert {"data", "page_features", "trees"} <= set(imported)


def test_the_scripts_with_numpy_import_where_it_is_installed() -> None:
    needing = [path.stem for path in TRAINING if _needs_training_only_packages(path.stem)]
    assert {"page_type", "unified", "unified_data"} <= set(needing)
    missing = [name for name in TRAINING_ONLY if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed: training-only (training/requirements.txt); "
            "these scripts' project imports are checked by reading them"
        )
    for name in needing:
        importlib.import_module(f"training.{name}")
