"""The sliders in the built book work with no kernel and no network: every explorer on every
chapter page starts, and moving each of its sliders changes what it shows. Chapter 6's
cardinality explorer must be there and swap its training curves.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.book, pytest.mark.browser]

# For one root: move each slider to another position; report what changed on screen.
PROBE = """(root) => {
  const snapshot = () => Array.from(root.querySelectorAll(
      '[data-rnx=chart] polyline, [data-rnx=panel]'))
    .map(e => e.tagName === 'polyline' ? e.getAttribute('points')
                                       : getComputedStyle(e).display).join('|')
    + '#' + (root.querySelector('[data-rnx=readout]') || {textContent: ''}).textContent;
  const results = [];
  for (const slider of root.querySelectorAll('input[type=range]')) {
    const before = snapshot();
    const start = slider.value;
    slider.value = String(Number(start) === Number(slider.max) ? slider.min : slider.max);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    results.push({label: slider.id, changed: snapshot() !== before,
                  same: Number(slider.max) === Number(slider.min)});
  }
  return results;
}"""


def _chapter_pages(html):
    return sorted(p for p in (html / "chapters").glob("*.html"))


def test_every_slider_in_the_book_changes_its_figure(built_html, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    context.route(
        lambda url: not url.startswith("file:"),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = {}
    for path in _chapter_pages(built_html):
        page.goto(path.as_uri(), wait_until="load")
        roots = page.locator("[data-rnx-root]")
        count = roots.count()
        if not count:
            continue
        page.wait_for_function(
            f"document.querySelectorAll('[data-rnx-root][data-rnx-ready]').length === {count}",
            timeout=5000,
        )
        found[path.name] = count
        for i in range(count):
            for result in roots.nth(i).evaluate(PROBE):
                label = f"{path.name}: slider {result['label']}"
                assert result["changed"] or result["same"], f"{label} changed nothing"
    context.close()
    assert not errors and not outside, errors + outside
    assert any(name.startswith("06_") for name in found), (
        f"no explorer in chapter 6: {found}"
    )
