"""Development data, read by path (never copied into the repository), and the WCXB metric.

WCXB-dev: ../shared/data/wcxb-dev (ground-truth/<id>.json + html/<id>.html.gz).
trafilatura-eval: ../shared/data/trafilatura-eval (evaldata.json + eval/ or cache/<file>).
Both roots can be overridden with WCXB_DIR / TRAFEVAL_DIR.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/, whose WCXB metric training scores with

from bench.wcxb import TOKEN as TOKEN  # noqa: E402
from bench.wcxb import load_pages  # noqa: E402
from bench.wcxb import tokens as tokens  # noqa: E402
from bench.wcxb import word_scores as word_scores  # noqa: E402

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
        for page in load_pages(WCXB_DIR)
    ]


def trafeval_pages() -> list[Page]:
    evaldata = json.loads((TRAFEVAL_DIR / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in evaldata.items():
        path = next(
            (
                TRAFEVAL_DIR / d / item["file"]
                for d in ("eval", "cache")
                if (TRAFEVAL_DIR / d / item["file"]).is_file()
            ),
            None,
        )
        if path is None:
            continue
        pages.append(
            Page(
                dataset="trafeval",
                id=item["file"],
                path=path,
                url=url,
                page_type=None,
                truth="",
                with_snippets=tuple(s for s in item.get("with", []) if s),
                without_snippets=tuple(s for s in item.get("without", []) if s),
            )
        )
    return pages


def pages(dataset: str) -> list[Page]:
    return wcxb_pages() if dataset == "wcxb" else trafeval_pages()


# ----------------------------------------------------------------------------- metric
# tokens and word_scores: the benchmark's own (bench/wcxb.py), imported above.


def normalize(text: str | None) -> str:
    return " ".join((text or "").split())


def snippet_counts(text: str, page: Page) -> tuple[int, int, int, int]:
    """trafilatura-eval (bench/quality.py): tp, fn, fp, tn of one page."""
    found = normalize(text)
    tp = sum(normalize(s) in found for s in page.with_snippets)
    fp = sum(normalize(s) in found for s in page.without_snippets)
    return tp, len(page.with_snippets) - tp, fp, len(page.without_snippets) - fp


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
