"""Development data, read by path (never copied into the repository), as the training scripts
see it: both sets' pages in one shape, scored with the benchmarks' metrics (bench/datasets.py
reads the sets and holds the metrics).

WCXB-dev: ../shared/data/wcxb-dev (ground-truth/<id>.json + html/<id>.html.gz).
trafilatura-eval: ../shared/data/trafilatura-eval (evaldata.json + eval/ or cache/<file>).
Both roots can be overridden with WCXB_DIR / TRAFEVAL_DIR.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import datasets
from bench.datasets import TOKEN as TOKEN
from bench.datasets import tokens as tokens
from bench.datasets import word_scores as word_scores

ROOT = Path(__file__).resolve().parents[1]
WCXB_DIR = Path(os.environ.get("WCXB_DIR", ROOT.parent / "shared/data/wcxb-dev"))
TRAFEVAL_DIR = Path(os.environ.get("TRAFEVAL_DIR", ROOT.parent / "shared/data/trafilatura-eval"))
CACHE = Path(os.environ.get("QUALITY_CACHE", "/tmp/quality-cache"))
TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")


@dataclass(frozen=True)
class Page:
    dataset: str  # "wcxb" | "trafeval"
    id: str
    path: Path
    url: str
    page_type: str | None  # WCXB only
    truth: str  # WCXB main_content ("" for trafilatura-eval)
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]

    def html_bytes(self) -> bytes:
        body = self.path.read_bytes()
        return gzip.decompress(body) if self.path.suffix == ".gz" else body


def wcxb_pages() -> list[Page]:
    """The WCXB-dev pages as the benchmark reads them (bench/wcxb.py)."""
    return [
        Page(
            dataset="wcxb",
            id=str(page.file_id),
            path=page.path,
            url=page.url,
            page_type=page.page_type,
            truth=page.main_content,
            with_snippets=page.with_snippets,
            without_snippets=page.without_snippets,
        )
        for page in datasets.wcxb_pages(WCXB_DIR)
    ]


def trafeval_pages() -> list[Page]:
    """The trafilatura-eval pages as the benchmark reads them (bench/quality.py)."""
    return [
        Page(
            dataset="trafeval",
            id=page.file,
            path=page.path,
            url=page.url,
            page_type=None,
            truth="",
            with_snippets=page.with_snippets,
            without_snippets=page.without_snippets,
        )
        for page in datasets.trafilatura_eval_pages(TRAFEVAL_DIR)
    ]


def pages(dataset: str) -> list[Page]:
    return wcxb_pages() if dataset == "wcxb" else trafeval_pages()


# ----------------------------------------------------------------------------- metric
def snippet_counts(text: str, page: Page) -> tuple[int, int, int, int]:
    """trafilatura-eval (bench/quality.py): tp, fn, fp, tn of one page."""
    missed, leaked = datasets.snippet_matches(text, page.with_snippets, page.without_snippets)
    tp, fp = len(page.with_snippets) - len(missed), len(leaked)
    return tp, len(missed), fp, len(page.without_snippets) - fp


def snippet_prf(counts: list[tuple[int, int, int, int]]) -> tuple[float, float, float]:
    tp = sum(c[0] for c in counts)
    fn = sum(c[1] for c in counts)
    fp = sum(c[2] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------------------- grouping
# Second-level labels under which a country-code TLD registers names (co.uk, com.au, ...).
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic"}


def registered_domain(url: str) -> str:
    """A registered-domain approximation for grouping folds: example.co.uk, example.com."""
    host = (urlsplit(url).hostname or url or "").lower().rstrip(".")
    labels = [label for label in host.split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def load_cache(name: str) -> dict[str, object]:
    path = CACHE / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save_cache(name: str, data: dict[str, object]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = CACHE / f"{name}.json.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(CACHE / f"{name}.json")
