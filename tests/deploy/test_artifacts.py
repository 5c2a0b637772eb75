"""What `sam build` produced (`make build`, run by `make test` before pytest): a function package
with only the code, and an arm64/CPython 3.13 layer that holds every import the handler runs."""

from __future__ import annotations

import ast
import json
import os
import platform
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from article_extractor_tools.local import moto_server
from tests.conftest import ROOT, SAMPLES
from tests.unit.test_page_types import FORUM, FORUM_URL, POSTS

BUILD = ROOT / ".aws-sam" / "build"
FUNCTION_DIR = BUILD / "ExtractorFunction"
LAYER_DIR = BUILD / "DependenciesLayer" / "python"
PACKAGE_SOURCE = ROOT / "functions" / "article_extractor" / "article_extractor"
# Installed by the Lambda Python runtime next to the function's code and layers.
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath"}
TOOLS_SOURCE = ROOT / "tools"
ELF_MACHINE_AARCH64 = 183
# What `python3.13 -m compileall --invalidation-mode unchecked-hash` writes: the 3.13 magic
# number, and flags 0b01 (hash-based, source not checked).
CPYTHON_313_TAG = "cpython-313"
CPYTHON_313_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"
PYC_UNCHECKED_HASH = 0b01
LAMBDA_MARKERS = {
    **default_environment(),
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "platform_machine": "aarch64",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    if not (FUNCTION_DIR.is_dir() and LAYER_DIR.is_dir()):
        pytest.fail("no build artifacts in .aws-sam/build: run `make build` (make test does)")


def elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not an ELF file"
    machine: int = struct.unpack("<H", header[18:20])[0]
    return machine


def tree_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def test_layer_lxml_is_built_for_lambda_arm64_cpython_313() -> None:
    etree = LAYER_DIR / "lxml" / "etree.cpython-313-aarch64-linux-gnu.so"
    assert etree.is_file()
    assert elf_machine(etree) == ELF_MACHINE_AARCH64


def test_every_native_extension_is_aarch64() -> None:
    extensions = list(LAYER_DIR.rglob("*.so"))
    assert extensions
    assert {p.name: elf_machine(p) for p in extensions} == {
        p.name: ELF_MACHINE_AARCH64 for p in extensions
    }
    assert all("x86_64" not in p.name for p in extensions)


def bytecode_problems(root: Path) -> list[str]:
    """Every module under `root` must have CPython 3.13 bytecode that is never checked against
    its source (`unchecked-hash`): Lambda's /opt and /var/task are read-only, so a missing or
    stale-looking .pyc means compiling the module again at every cold start."""
    if sys.version_info[:2] != (3, 13) and shutil.which("python3.13") is None:
        pytest.skip("the build had no Python 3.13 to compile bytecode with (it warned)")
    problems = []
    sources = sorted(root.rglob("*.py"))
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.{CPYTHON_313_TAG}.pyc"
        if not compiled.is_file():
            problems.append(f"no bytecode for {source.relative_to(root)}")
            continue
        header = compiled.read_bytes()[:8]
        if header[:4] != CPYTHON_313_MAGIC:
            problems.append(f"{compiled.relative_to(root)} is not CPython 3.13 bytecode")
        if int.from_bytes(header[4:8], "little") != PYC_UNCHECKED_HASH:
            problems.append(f"{compiled.relative_to(root)} is not unchecked-hash bytecode")
    expected = {
        source.parent / "__pycache__" / f"{source.stem}.{CPYTHON_313_TAG}.pyc" for source in sources
    }
    problems += [f"stray {p.relative_to(root)}" for p in set(root.rglob("*.pyc")) - expected]
    return problems


def test_function_package_is_only_the_code_and_its_bytecode() -> None:
    assert sorted(p.name for p in FUNCTION_DIR.iterdir()) == ["article_extractor"]
    built_files = sorted(
        p.relative_to(FUNCTION_DIR / "article_extractor").as_posix()
        for p in (FUNCTION_DIR / "article_extractor").rglob("*")
        if p.is_file() and p.suffix != ".pyc"
    )
    source_files = sorted(  # the code, and the models it evaluates (pipeline/model/*.json)
        p.relative_to(PACKAGE_SOURCE).as_posix()
        for p in (*PACKAGE_SOURCE.rglob("*.py"), *PACKAGE_SOURCE.glob("pipeline/model/*.json"))
    )
    assert built_files == source_files
    assert bytecode_problems(FUNCTION_DIR) == []


def test_layer_ships_bytecode_for_the_runtime() -> None:
    assert bytecode_problems(LAYER_DIR) == []


def test_layer_is_trimmed() -> None:
    top_level = {p.name for p in LAYER_DIR.iterdir()}
    assert not top_level & RUNTIME_PROVIDED
    assert not [p for p in LAYER_DIR.rglob("*") if p.is_dir() and p.name in ("tests", "test")]
    assert tree_bytes(LAYER_DIR) < 30_000_000  # 81 MB before trimming; bytecode adds ~6 MB
    # Sources and bytecode of the function and its two model files (the README states their
    # size, tests/deploy/test_sizes.py holds it to the build); this bound only catches a tool or
    # dependency that leaked in, which adds megabytes.
    assert tree_bytes(FUNCTION_DIR) < 2_000_000


def imported_top_level_modules(package: Path) -> set[str]:
    """Absolute imports anywhere in the package (lazy ones too), minus TYPE_CHECKING blocks."""
    names: set[str] = set()
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        type_checking_only = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
            for child in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in type_checking_only:
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"article_extractor"}


def layer_top_level_modules() -> set[str]:
    return {p.name.split(".")[0] for p in LAYER_DIR.iterdir() if not p.name.endswith(".dist-info")}


def test_layer_holds_every_module_the_handler_imports() -> None:
    needed = imported_top_level_modules(PACKAGE_SOURCE) - RUNTIME_PROVIDED
    assert needed >= {"trafilatura", "lxml", "charset_normalizer", "aws_lambda_powertools"}
    assert needed - layer_top_level_modules() == set()


def test_layer_distributions_have_their_requirements() -> None:
    installed = {canonicalize_name(p.name.split("-")[0]) for p in LAYER_DIR.glob("*.dist-info")}
    runtime = {canonicalize_name(name) for name in RUNTIME_PROVIDED}
    missing = []
    for metadata in LAYER_DIR.glob("*.dist-info/METADATA"):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            requirement = Requirement(line.removeprefix("Requires-Dist:").strip())
            if requirement.marker and not requirement.marker.evaluate(
                {**LAMBDA_MARKERS, "extra": ""}
            ):
                continue
            name = canonicalize_name(requirement.name)
            if name not in installed | runtime:
                missing.append(f"{metadata.parent.name} needs {requirement}")
    assert missing == []


# --------------------------------------------------------------------------- import for real
RUN_FROM_ARTIFACTS = r"""
import json, sys
function_dir, layer_dir, runtime_dir, tools_dir, endpoint, samples, forum, forum_url = sys.argv[1:9]
# The function and its layer as Lambda has them; the tools (from source, after them) only drive
# the local stack: they are not part of the artifact.
sys.path[:0] = [function_dir, layer_dir, runtime_dir, tools_dir]
from pathlib import Path
from article_extractor.handler import lambda_handler
from article_extractor_tools.local import (
    create_pipeline, drain, lambda_environment, read_results, upload
)

stack = create_pipeline(endpoint, "artifact-in", "artifact-out", queue_name="artifact-q")
with lambda_environment(stack):
    for path in sorted(Path(samples).iterdir()):
        upload(stack, path.name, path.read_bytes(), {})
    # A page that declares no article: the page-type, text and block models are read and scored.
    upload(stack, "forum/thread.html", Path(forum).read_bytes(), {"source-url": forum_url})
    drain(stack, lambda_handler)
    results = read_results(stack)
from article_extractor.pipeline.model import content_model, page_type, text_model
forum_result = results.pop("forum/thread.html")
origins = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())})
print(json.dumps({
    "statuses": {k: v["status"] for k, v in results.items()},
    "origins": origins,
    "forum": {
        "page_type": forum_result["document"]["page_type"],
        "content_model": forum_result["extraction"]["content_model"],
        "text": forum_result["document"]["text"],
    },
    "models": [str(m.MODEL_PATH) for m in (content_model, page_type, text_model)],
    "models_loaded": [
        *(m._model.cache_info().currsize for m in (content_model, page_type)),
        text_model.shipped.cache_info().currsize,
    ],
}))
"""


def host_layer(tmp_path: Path) -> Path | None:
    """A layer this interpreter can load: the built one on arm64, else the same Makefile and
    trimming for this host's platform."""
    if sys.version_info[:2] != (3, 13):
        return None
    machine = platform.machine().lower()
    if machine in ("aarch64", "arm64"):
        return LAYER_DIR
    if machine not in ("x86_64", "amd64"):
        return None
    artifacts = tmp_path / "host-layer"
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT / "layers" / "dependencies"),
            "build-DependenciesLayer",
            f"ARTIFACTS_DIR={artifacts}",
            "PLATFORM=manylinux2014_x86_64",
            f"PYTHON={sys.executable}",
        ],
        check=True,
        capture_output=True,
    )
    return artifacts / "python"


def test_handler_runs_from_the_built_artifacts_alone(tmp_path: Path) -> None:
    layer = host_layer(tmp_path)
    if layer is None:
        pytest.skip(
            f"{platform.machine()} / Python {sys.version_info[:2]} cannot load the layer; "
            "its contents are checked against the handler's imports above"
        )
    forum = tmp_path / "forum-thread.html"
    forum.write_text(FORUM, encoding="utf-8")
    runtime = tmp_path / "runtime"  # what the Lambda runtime provides: boto3 and its deps
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(runtime),
            "boto3",
        ],
        check=True,
        capture_output=True,
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_LAMBDA_FUNCTION_NAME": "article-extractor",  # Lambda-like: tracing enabled
        "LAMBDA_TASK_ROOT": str(FUNCTION_DIR),
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    with moto_server() as endpoint:
        completed = subprocess.run(
            [
                sys.executable,
                "-I",
                "-S",
                "-B",  # no __pycache__ written into the build artifacts
                "-c",
                RUN_FROM_ARTIFACTS,
                str(FUNCTION_DIR),
                str(layer),
                str(runtime),
                str(TOOLS_SOURCE),
                endpoint,
                str(SAMPLES),
                str(forum),
                FORUM_URL,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["statuses"] == {
        "broken-upload.html.gz": "failed",
        "compressed-blog-post.html.gz": "ok",
        "deutscher-artikel.html": "ok",
        "empty.html": "empty",
        "english-news-article.html": "ok",
        "russian-windows-1251.html": "ok",
    }
    # The model files are read from the built function, on first use, and every block scored.
    assert report["models_loaded"] == [1, 1, 1]
    assert all(Path(model).is_relative_to(FUNCTION_DIR) for model in report["models"])
    assert report["forum"]["page_type"] == "forum"
    assert report["forum"]["content_model"]["outcome"] in ("applied", "filtered", "unchanged")
    assert report["forum"]["content_model"]["blocks"] > 0
    assert all(post in report["forum"]["text"].splitlines() for post in POSTS)
    venv = str(ROOT / ".venv")
    assert [origin for origin in report["origins"] if origin.startswith(venv)] == []
    function_code = [o for o in report["origins"] if "/article_extractor/" in o]
    assert function_code and all(o.startswith(str(FUNCTION_DIR)) for o in function_code)


def test_the_function_artifact_holds_only_what_the_lambda_runs() -> None:
    """No command line, backfill or local stack (with its fake credentials) in the function."""
    shipped = sorted(str(path.relative_to(FUNCTION_DIR)) for path in FUNCTION_DIR.rglob("*.py"))
    assert shipped and all(path.startswith("article_extractor/") for path in shipped)
    names = {Path(path).stem for path in shipped}
    assert not names & {"cli", "backfill", "local", "files"}
    # training/ fits the models; only their JSON ships, evaluated without numpy or scikit-learn
    assert not names & {"fold_models", "oof_product", "block_data", "check_runtime", "run_configs"}
    models = {p.name for p in FUNCTION_DIR.rglob("*.json")}
    assert models == {"page_type.json", "content_model.json", "text_model.json"}
    sources = "\n".join((FUNCTION_DIR / path).read_text(encoding="utf-8") for path in shipped)
    for tool_only in ("article_extractor_tools", "moto", "werkzeug", "AWS_SECRET_ACCESS_KEY"):
        assert tool_only not in sources, tool_only
    imported = imported_top_level_modules(FUNCTION_DIR / "article_extractor")
    tool_modules = {"moto", "werkzeug", "article_extractor_tools", "tqdm", "sklearn", "numpy"}
    assert not imported & tool_modules
