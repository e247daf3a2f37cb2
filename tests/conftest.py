"""Shared fixtures: the project root, the built book, headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _skip_or_fail(message: str) -> None:
    """Skip locally with a clear message; in CI (CI=true) the same condition is a failure."""
    if IN_CI:
        pytest.fail(f"{message} (mandatory in CI)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The built HTML book; run `make book` first (make test does)."""
    if not (HTML / "intro.html").exists():
        _skip_or_fail(f"no built book in {HTML}: run `make book` first")
    return HTML


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright (Debian's /usr/bin/chromium)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _skip_or_fail(
            f"headless Chromium not found at {CHROMIUM}: apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def retrain(run: dict, cache: bool = True) -> dict:
    """Train again, with exactly the settings recorded in a shipped run, and return the new run.

    The tests that check shipped results reproduce call this, then compare with their own
    tolerances.
    """
    from helpers import training

    return training.retrain(run, cache=cache, progress=False)
