"""Every page of the built book opened in headless Chromium: nothing missing, no JavaScript error,
nothing fetched from outside the book. A screenshot of each page is saved under _build/screenshots.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.book, pytest.mark.browser]
SHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="module")
def server(built_html):
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def _pages(html: Path) -> list[str]:
    return sorted(
        str(p.relative_to(html))
        for p in html.rglob("*.html")
        if "_static" not in p.parts
    )


def test_book_has_pages(built_html):
    pages = _pages(built_html)
    assert "intro.html" in pages and any(p.startswith("chapters/") for p in pages)


def test_every_page_loads_cleanly(built_html, server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def outside(route):
        problems.append(f"request outside the book: {route.request.url}")
        route.abort()

    # Anything not served by the local server is a dependency on the network: block and report.
    context.route(lambda url: not url.startswith(server), outside)
    page = context.new_page()
    current = {"name": ""}
    page.on("pageerror", lambda e: problems.append(f"{current['name']}: JS error: {e}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and problems.append(f"{current['name']}: console: {m.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and problems.append(f"{current['name']}: {r.status} {r.url}")
        ),
    )
    page.on(
        "requestfailed", lambda r: problems.append(f"{current['name']}: failed {r.url}")
    )
    for name in _pages(built_html):
        current["name"] = name
        page.goto(f"{server}/{name}", wait_until="load")
        page.wait_for_timeout(300)
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.getAttribute('src'))"
        )
        problems += [f"{name}: image did not load: {src}" for src in broken]
        shot = SHOTS / (name.replace("/", "__").removesuffix(".html") + ".png")
        page.screenshot(path=str(shot), full_page=name != "genindex.html")
    context.close()
    assert not problems, "\n".join(problems)
    assert (SHOTS / "intro.png").stat().st_size > 10_000


def test_no_cdn_in_pages(built_html):
    """The book's own scripts and styles are local; only plain links may point outside."""
    import re

    offenders = []
    for name in _pages(built_html):
        text = (built_html / name).read_text(encoding="utf-8")
        for m in re.finditer(
            r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//[^\"]+\"", text
        ):
            tag = m.group(0)
            if m.group(1) == "link" and 'rel="canonical"' in tag:
                continue
            offenders.append(f"{name}: {tag[:120]}")
    assert not offenders, "\n".join(offenders)
