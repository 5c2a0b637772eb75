"""The README's picture of a review page, made from a page written for it
(tests/fixtures/review/article.html) by the system's Chromium.

    python -m tests.e2e.review_screenshot [docs/review.png]
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from contextlib import chdir
from pathlib import Path

from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor_tools.files import LocalFileReader
from article_extractor_tools.review import review_document, review_html
from tests.conftest import ROOT
from tests.e2e.browser import MISSING, chromium_path, launched

PAGE = Path("tests") / "fixtures" / "review" / "article.html"
URL = "https://harbour.example/news/2025/new-quay"
VIEWPORT = {"width": 1180, "height": 820}  # the top of the page: metadata, filters, blocks


def main(argv: Sequence[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "review.png"
    executable = chromium_path()
    if executable is None:
        print(MISSING, file=sys.stderr)
        return 1
    with chdir(ROOT):  # the review names the page by this relative path
        document = review_document(
            ObjectRef(None, str(PAGE)), LocalFileReader(source_url=URL), ProcessingOptions()
        )
    with tempfile.TemporaryDirectory() as folder, launched(executable) as browser:
        review = Path(folder) / "article.review.html"
        review.write_text(review_html(document), encoding="utf-8")
        page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
        page.goto(review.as_uri())
        page.screenshot(path=str(target))
    print(f"{target}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
