"""The system's Chromium, driven by Playwright (never a browser Playwright downloads): found on
PATH (or at $CHROMIUM), launched headless with nothing of its own reaching the network.

A machine without it skips the browser tests with a message saying how to get it; in CI
(`CI` set) a missing browser fails them instead, so a broken install is never a green run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ARTIFACTS = ROOT / ".artifacts"  # screenshots the browser tests keep (gitignored)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, and none of Chromium's own traffic (updates, sync, QUIC probes, first-run pages).
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "no Chromium found (install Debian's chromium: `make browser`; or set CHROMIUM)"


def chromium_path() -> str | None:
    """$CHROMIUM if set, else the first of the usual names on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if shutil.which(explicit) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    """The browser's path; skips the test without one, or fails it in CI."""
    path = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path, reason = None, "the playwright package is not installed (the dev extra has it)"
    else:
        reason = MISSING
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests")
        pytest.skip(reason)
    return path


@contextmanager
def launched(executable: str) -> Iterator[Browser]:
    """Chromium at `executable`, headless, closed on exit.

    Example::

        with launched(require_chromium()) as browser:
            browser.new_page().goto(review.as_uri())
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
