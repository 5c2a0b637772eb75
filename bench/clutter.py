"""In-body clutter, by kind and language: what the product and stock trafilatura leave.

    python -m bench.clutter [--dev-set ../shared/data/clutter-dev] [--leaks] [--write-pages DIR]

(from the repository's root). Two sets of pages, scored the same way:

- the clutter pages the tests use (tests/fixtures/clutter/kinds/): one box of one clutter kind
  per page, in four languages and three wordings per kind and language;
- with --dev-set, the clutter development set (its pages/NN.html and truth/NN.json), by the
  scoring recipe of its README.

Each page's text is normalised (`" ".join(text.split())`); a clutter string is left when it
occurs in it, an article paragraph or subheading is recalled when it occurs in it. Reported per
clutter kind and per language: pages, pages with no clutter left, clutter strings left of all,
and mean recall, for stock trafilatura (`trafilatura.extract` with its defaults) and for the
product (`process_object`, as the function runs it). --leaks lists, per page, what the product
left and which article text it lost. --write-pages writes the clutter pages as .html files (to
read them, or to run `article-extractor extract --explain` on one).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from tests.fixtures.clutter.kinds import KIND_NAMES, PAGES

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor.pipeline.process import process_object
from article_extractor_tools.files import StreamReader

EXTRACTORS = ("stock", "product")
MAX_INPUT_BYTES = 10 * 1024 * 1024
DEV_SET = Path("../shared/data/clutter-dev")

Extract = Callable[[str, str | None], str]


@dataclass(frozen=True)
class Scored:
    """One page's truth: what must survive, and each clutter string with its kind."""

    name: str
    language: str
    html: str
    url: str | None
    expected: tuple[str, ...]
    clutter: tuple[tuple[str, str], ...]  # (kind, string)


@dataclass(frozen=True)
class Outcome:
    left: tuple[tuple[str, str], ...]  # the clutter (kind, string) found in the text
    lost: tuple[str, ...]  # the expected text not found in it
    recall: float


def squash(text: str) -> str:
    return " ".join(text.split())


def stock(html: str, url: str | None) -> str:
    return trafilatura.extract(html, url=url) or ""


def product(html: str, url: str | None) -> str:
    document = process_object(
        ObjectRef(bucket=None, key="page.html"),
        StreamReader(io.BytesIO(html.encode("utf-8")), source_url=url),
        ProcessingOptions(max_input_bytes=MAX_INPUT_BYTES),
    )
    return document.article.text if document.article else ""


EXTRACT: dict[str, Extract] = {"stock": stock, "product": product}


def outcome(page: Scored, text: str) -> Outcome:
    out = squash(text)
    lost = tuple(e for e in page.expected if squash(e) not in out)
    left = tuple((kind, s) for kind, s in page.clutter if s in out)
    recall = 1 - len(lost) / len(page.expected) if page.expected else 1.0
    return Outcome(left=left, lost=lost, recall=recall)


def written_pages() -> Iterator[Scored]:
    for page in PAGES:
        yield Scored(
            name=page.name,
            language=page.language,
            html=page.html,
            url=None,
            expected=page.expected,
            clutter=tuple((page.kind, s) for s in page.clutter),
        )


def dev_pages(folder: Path) -> Iterator[Scored]:
    for path in sorted((folder / "pages").glob("*.html")):
        truth = json.loads((folder / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
        yield Scored(
            name=path.stem,
            language=truth["language"],
            html=path.read_text(encoding="utf-8"),
            url=truth.get("url"),
            expected=tuple(truth["article_paragraphs"]),
            clutter=tuple((c["kind"], c["text"]) for c in truth["clutter"]),
        )


def run(pages: Iterable[Scored]) -> list[tuple[Scored, dict[str, Outcome]]]:
    return [
        (page, {name: outcome(page, EXTRACT[name](page.html, page.url)) for name in EXTRACTORS})
        for page in pages
    ]


def _row(label: str, group: list[tuple[Scored, dict[str, Outcome]]], kind: str | None) -> str:
    """One table row: pages, then clean pages, clutter left and mean recall per extractor.
    With `kind`, only that kind's clutter counts (a dev page holds several kinds)."""
    total = sum(1 for page, _ in group for k, _ in page.clutter if kind in (None, k))
    cells = [f"{label:<22} {len(group):>5} {total:>6}"]
    for name in EXTRACTORS:
        left = [[k for k, _ in results[name].left if kind in (None, k)] for _, results in group]
        clean = sum(not kinds for kinds in left)
        recall = sum(results[name].recall for _, results in group) / len(group)
        cells.append(f"{clean:>6} {sum(map(len, left)):>5} {recall:>7.3f}")
    return "   ".join(cells)


def report(title: str, results: list[tuple[Scored, dict[str, Outcome]]], by_language: bool) -> None:
    print(f"\n{title}")
    print(f"{'':<36}" + "".join(f"   {name:^20}" for name in EXTRACTORS))
    print(
        f"{'':<22} {'pages':>5} {'strings':>6}"
        + "".join(f"   {'clean':>6} {'left':>5} {'recall':>7}" for _ in EXTRACTORS)
    )
    kinds = sorted({k for page, _ in results for k, _ in page.clutter})
    for kind in kinds:
        group = [(p, r) for p, r in results if any(k == kind for k, _ in p.clutter)]
        print(_row(kind, group, kind))
    if by_language:
        print()
        for language in sorted({page.language for page, _ in results}):
            group = [(p, r) for p, r in results if p.language == language]
            print(_row(f"language {language}", group, None))
    print(_row("all", results, None))


def show_leaks(results: list[tuple[Scored, dict[str, Outcome]]]) -> None:
    for page, outcomes in results:
        got = outcomes["product"]
        if got.left or got.lost:
            print(f"  {page.name}:")
            for kind, text in got.left:
                print(f"    left  [{kind}] {text}")
            for text in got.lost:
                print(f"    lost  {text[:90]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dev-set", type=Path, help=f"also score this set (e.g. {DEV_SET})")
    parser.add_argument("--leaks", action="store_true", help="per page: what the product left")
    parser.add_argument("--write-pages", type=Path, help="write the clutter pages here and stop")
    args = parser.parse_args(argv)
    if args.write_pages:
        args.write_pages.mkdir(parents=True, exist_ok=True)
        for page in PAGES:
            (args.write_pages / f"{page.name}.html").write_text(page.html, encoding="utf-8")
        print(f"{len(PAGES)} pages written to {args.write_pages}")
        return 0
    if args.dev_set and not (args.dev_set / "truth").is_dir():
        print(f"no truth/ under {args.dev_set}", file=sys.stderr)
        return 2
    print("clean: pages with no clutter string left; left: clutter strings left;")
    print("recall: mean share of article paragraphs and subheadings kept; a kind's row counts")
    print("the pages holding that kind, and only that kind's strings in clean and left")
    written = run(written_pages())
    report(
        f"clutter pages by kind ({len(written)} pages, tests/fixtures/clutter/kinds)", written, True
    )
    print("\nkinds: " + "; ".join(f"{kind}: {name}" for kind, name in KIND_NAMES.items()))
    if args.leaks:
        show_leaks(written)
    if args.dev_set:
        dev = run(dev_pages(args.dev_set))
        report(f"clutter-dev ({len(dev)} pages, {args.dev_set})", dev, True)
        if args.leaks:
            show_leaks(dev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
