"""Review pages in a real browser (headless Chromium): every decision shown with its `data-*`,
removed blocks visibly distinct, the filters working without script, and, for a hostile page,
no request beyond the file itself and none of the page's scripts run, with the review's
Content-Security-Policy and without it. Each page leaves a screenshot in .artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from article_extractor.document import Decision
from article_extractor.inputs import ObjectRef
from article_extractor.options import ProcessingOptions
from article_extractor_tools.files import LocalFileReader
from article_extractor_tools.review import review_document, review_html
from tests.conftest import FIXTURES
from tests.e2e.browser import ARTIFACTS, launched, require_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

pytestmark = pytest.mark.e2e
PAGES = ("article", "hostile")
# What the hostile page's scripts, handlers and links would do, had any of them run.
RAN_SCRIPT = "() => [typeof window.pwned, document.title]"


@dataclass
class Review:
    decisions: tuple[Decision, ...]
    path: Path


@dataclass
class Visit:
    """A review page open in the browser, and what it asked for and logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched(require_chromium()) as opened:
        yield opened


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Review]:
    folder = tmp_path_factory.mktemp("reviews")
    made = {}
    for name in PAGES:
        ref = ObjectRef(None, str(FIXTURES / "review" / f"{name}.html"))
        document = review_document(ref, LocalFileReader(), ProcessingOptions())
        assert document.extraction.decisions
        path = folder / f"{name}.review.html"
        path.write_text(review_html(document), encoding="utf-8")
        made[name] = Review(document.extraction.decisions, path)
    return made


def visit(browser: Browser, review: Review, bypass_csp: bool = False) -> Visit:
    """Open the review with a listener on every request; anything but the file is aborted, so
    a leak is reported and never reaches a server."""
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened = Visit(page)
    own = review.path.as_uri()

    def route(route: Route) -> None:
        if route.request.url == own:
            route.continue_()
        else:
            route.abort()

    def on_request(request: Request) -> None:
        opened.requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        opened.console.append(f"{message.type}: {message.text}")

    context.route("**/*", route)
    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(own, wait_until="load")
    return opened


def blocks_shown(page: Page) -> list[list[str]]:
    shown: list[list[str]] = page.eval_on_selector_all(
        ".block",
        "blocks => blocks.map(b => [b.dataset.decision, b.dataset.by, b.dataset.block,"
        " b.innerText])",
    )
    return shown


def style_of(page: Page, selector: str) -> dict[str, Any]:
    style: dict[str, Any] = page.eval_on_selector(
        selector,
        "e => { const s = getComputedStyle(e); return {opacity: s.opacity, color: s.color,"
        " decoration: s.textDecorationLine, background: s.backgroundColor}; }",
    )
    return style


@pytest.mark.parametrize("name", PAGES)
def test_every_decision_is_a_block_with_its_data_attributes(
    browser: Browser, reviews: dict[str, Review], name: str
) -> None:
    review = reviews[name]
    opened = visit(browser, review)
    shown = blocks_shown(opened.page)
    assert [row[:3] for row in shown] == [[d.decision, d.by, d.block] for d in review.decisions]
    for (*_, text), decision in zip(shown, review.decisions, strict=True):
        assert " ".join(decision.text.split()) in " ".join(text.split())
    assert all(opened.page.locator(".block").nth(i).is_visible() for i in range(len(shown)))
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / f"review-{name}.png"
    opened.page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    opened.page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_removed_blocks_look_removed(
    browser: Browser, reviews: dict[str, Review], name: str
) -> None:
    opened = visit(browser, reviews[name])
    kept = style_of(opened.page, '.block[data-decision="kept"]')
    removed = style_of(opened.page, '.block[data-decision="removed"]')
    assert "line-through" in removed["decoration"] and "line-through" not in kept["decoration"]
    assert removed["color"] != kept["color"]
    assert removed["background"] != kept["background"]
    assert float(removed["opacity"]) < float(kept["opacity"]) == 1
    opened.page.context.close()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_the_hostile_page_runs_nothing_and_loads_nothing(
    browser: Browser, reviews: dict[str, Review], bypass_csp: bool
) -> None:
    """Without the policy too: the review holds nothing that could run or load."""
    review = reviews["hostile"]
    opened = visit(browser, review, bypass_csp=bypass_csp)
    page = opened.page
    for label in page.locator("nav.filters label").all():
        label.click()  # anything that would react to the page being used
    page.click('label[for="show-all"]')
    for index in range(page.locator(".block").count()):
        page.locator(".block").nth(index).hover()
    assert page.evaluate(RAN_SCRIPT) == ["undefined", "Review: Quay works"]
    assert opened.requests == [review.path.as_uri()]
    assert opened.console == [] and opened.errors == []
    assert page.url == review.path.as_uri()  # no refresh, no navigation
    page.context.close()


def test_the_policy_refuses_scripts_and_remote_loads(
    browser: Browser, reviews: dict[str, Review]
) -> None:
    """The review's own Content-Security-Policy is in force: an inline script added to it and
    a remote image are refused, each with the browser's report."""
    opened = visit(browser, reviews["article"])
    with opened.page.expect_event("requestfailed") as failed:
        injected = opened.page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = 1'; document.body.appendChild(s);"
            " const i = document.createElement('img'); i.src = 'http://127.0.0.1:9/x.png';"
            " document.body.appendChild(i); return typeof window.injected; }"
        )
    assert injected == "undefined"
    assert (failed.value.url, failed.value.failure) == ("http://127.0.0.1:9/x.png", "csp")
    refused = " ".join(opened.console)
    assert "Content Security Policy" in refused and "script" in refused and "img-src" in refused
    opened.page.context.close()


def test_the_filters_show_only_removed_only_kept_or_one_source(
    browser: Browser, reviews: dict[str, Review]
) -> None:
    review = reviews["article"]
    page = visit(browser, review).page
    blocks = page.locator(".block")

    def visible() -> list[tuple[str, str]]:
        return [
            (d.decision, d.by) for i, d in enumerate(review.decisions) if blocks.nth(i).is_visible()
        ]

    everything = [(d.decision, d.by) for d in review.decisions]
    assert visible() == everything
    page.click('label[for="show-removed"]')
    assert visible() == [entry for entry in everything if entry[0] == "removed"]
    page.click('label[for="show-kept"]')
    assert visible() == [entry for entry in everything if entry[0] == "kept"]
    sources = list(dict.fromkeys(d.by for d in review.decisions))
    lede = sources.index("lede")
    page.click(f'label[for="show-by-{lede}"]')
    assert visible() == [entry for entry in everything if entry[1] == "lede"]
    page.click('label[for="show-all"]')
    assert visible() == everything
    page.context.close()
