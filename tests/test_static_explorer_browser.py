"""The static explorer in headless Chromium: a page with two explorers and a choice slider,
opened from a file with the network blocked. Moving a slider swaps the curves, the two
explorers do not interfere, a missing combination shows a message, and the page logs no error
and requests nothing. How fast a slider updates is measured by `make bench`, not asserted here.

Needs /usr/bin/chromium (or $CHROMIUM): skipped without it, a failure when CI=true.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from helpers import diagrams, widgets  # noqa: E402

pytestmark = pytest.mark.browser


def fake_run(cardinality: int, seed: int, epochs: int = 6) -> dict:
    t = np.arange(1, epochs + 1)
    level = 0.55 + 0.05 * np.log2(cardinality) + 0.01 * seed
    accuracy = level * (1 - np.exp(-t / 2))
    loss = 2.0 * np.exp(-t / (2 + np.log2(cardinality))) + 0.05 * seed
    return {
        "config": {
            "model": {"cardinality": cardinality},
            "epochs": epochs,
            "seed": seed,
        },
        "history": {
            "loss": loss.tolist(),
            "val_loss": (loss + 0.1).tolist(),
            "accuracy": accuracy.tolist(),
            "val_accuracy": (accuracy - 0.03).tolist(),
        },
        "test_accuracy": float(accuracy[-1]),
        "params": 1000 * cardinality,
        "key": f"{cardinality}-{seed}",
    }


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    runs = [fake_run(c, s) for c in (1, 2, 4, 8, 32) for s in (0, 1, 2)]
    runs = [
        r
        for r in runs
        if (r["config"]["model"]["cardinality"], r["config"]["seed"]) != (8, 2)
    ]
    first = widgets.static_explorer(runs, title="first", initial={"cardinality": 4})
    second = widgets.static_explorer(
        runs, sliders=("seed", "cardinality"), metrics=("loss",)
    )
    choice = widgets.static_choice(
        {c: diagrams.block_diagram("resnext_c", cardinality=c) for c in (1, 32)},
        label="C",
    )
    path = tmp_path_factory.mktemp("explorer") / "page.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        f"<body>{first.html}<p>between</p>{second.html}{choice.html}</body></html>",
        encoding="utf-8",
    )
    return path, first.id, second.id, choice.id


@pytest.fixture
def page(browser, page_file):
    path, *_ = page_file
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1000, "height": 900})

    def only_files(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            problems.append(f"network request: {url}")
            route.abort()

    context.route("**/*", only_files)
    pg = context.new_page()
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on(
        "console", lambda m: m.type in ("error", "warning") and problems.append(m.text)
    )
    pg.on(
        "request",
        lambda r: (
            not r.url.startswith(("file:", "data:", "about:"))
            and problems.append(f"request: {r.url}")
        ),
    )
    pg.goto(path.as_uri(), wait_until="load")
    pg.wait_for_function(
        "document.querySelectorAll('[data-rnx-root][data-rnx-ready]').length === 3",
        timeout=5000,
    )
    yield pg
    context.close()
    assert not problems, "\n".join(problems)


# Move slider `index` of root `rootId` to `value` (an input event, as a drag sends) and time
# the update, layout included; return the validation polyline of chart 0 before and after.
MOVE = """([rootId, index, value]) => {
  const root = document.getElementById(rootId);
  const slider = root.querySelectorAll('[data-rnx=slider]')[index];
  const line = root.querySelector('[data-rnx=chart] [data-rnx-curve=validation]');
  const before = line.getAttribute('points');
  const t0 = performance.now();
  slider.value = String(value);
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  root.querySelector('[data-rnx=chart]').getBoundingClientRect();  // force layout
  document.body.offsetHeight;
  const ms = performance.now() - t0;
  return {before, after: line.getAttribute('points'), ms,
          message: root.querySelector('[data-rnx=message]').textContent,
          messageShown: root.querySelector('[data-rnx=message]').style.display !== 'none',
          readout: root.querySelector('[data-rnx=readout]').textContent};
}"""

POINTS = """(rootId) => Array.from(document.getElementById(rootId)
  .querySelectorAll('[data-rnx=chart] polyline')).map(p => p.getAttribute('points'))"""


def test_slider_swaps_curves_and_explorers_are_independent(page, page_file):
    _, first, second, _ = page_file
    second_before = page.evaluate(POINTS, second)
    result = page.evaluate(MOVE, [first, 0, 0])  # cardinality 4 -> 1
    assert result["before"] and result["after"] and result["before"] != result["after"]
    assert result["readout"].startswith("C=1, seed=0")
    curves = {page.evaluate(MOVE, [first, 0, i % 5])["after"] for i in range(10)}
    assert len(curves) == 5 and "" not in curves  # one distinct curve per cardinality
    # The other explorer on the page did not move.
    assert page.evaluate(POINTS, second) == second_before


def test_keyboard_moves_the_slider(page, page_file):
    _, _, second, _ = page_file
    before = page.evaluate(POINTS, second)
    slider = page.locator(f"#{second} [data-rnx=slider]").first
    slider.focus()
    page.keyboard.press("ArrowRight")  # seed 0 -> 1
    assert page.locator(f"#{second} [data-rnx=value]").first.text_content() == "1"
    assert page.evaluate(POINTS, second) != before


def test_missing_combination_shows_a_message(page, page_file):
    _, first, _, _ = page_file
    page.evaluate(MOVE, [first, 0, 3])  # C=8
    result = page.evaluate(MOVE, [first, 1, 2])  # seed 2: not precomputed
    assert result["after"] == ""
    assert (
        result["messageShown"]
        and "No precomputed run for C=8, seed=2" in result["message"]
    )
    result = page.evaluate(MOVE, [first, 1, 1])
    assert result["after"] and not result["messageShown"]


def test_epochs_slider_truncates_and_context_curves_are_drawn(page, page_file):
    _, first, _, _ = page_file
    count = """(rootId) => {
      const root = document.getElementById(rootId);
      const line = root.querySelector('[data-rnx=chart] [data-rnx-curve=validation]');
      const context = Array.from(root.querySelectorAll('[data-rnx=chart] [data-rnx-curve=context]'))
        .filter(p => p.getAttribute('points'));
      return [line.getAttribute('points').split(' ').length, context.length];
    }"""
    assert page.evaluate(count, first) == [6, 4 * 2]  # 4 other cardinalities, 2 charts
    page.evaluate(
        """(rootId) => { const s = document.querySelector('#' + rootId + ' [data-rnx=epochs]');
        s.value = '2'; s.dispatchEvent(new Event('input', {bubbles: true})); }""",
        first,
    )
    assert page.evaluate(count, first)[0] == 2
    assert (
        "after epoch 2" in page.locator(f"#{first} [data-rnx=readout]").text_content()
    )


def test_choice_slider_swaps_panels(page, page_file):
    *_, choice = page_file
    visible = f"""() => Array.from(document.querySelectorAll('#{choice} [data-rnx=panel]'))
        .map(p => getComputedStyle(p).display !== 'none')"""
    assert page.evaluate(visible) == [True, False]
    page.evaluate(
        f"""() => {{ const s = document.querySelector('#{choice} [data-rnx=slider]');
        s.value = '1'; s.dispatchEvent(new Event('input', {{bubbles: true}})); }}"""
    )
    assert page.evaluate(visible) == [False, True]
    assert page.locator(f"#{choice} [data-rnx=value]").text_content() == "32"


def test_every_key_moves_the_slider_and_stops_there(page, page_file):
    """Arrows, Page Up/Down, Home and End move a slider, and the keys do not travel on to the
    page (in JupyterLab they would also move the notebook's active cell)."""
    _, first, _, _ = page_file
    page.evaluate(
        """() => { window.leaked = [];
        document.addEventListener('keydown', e => window.leaked.push(e.key)); }"""
    )
    slider = page.locator(f"#{first} [data-rnx=slider]").first  # C: 1, 2, 4, 8, 32
    value = page.locator(f"#{first} [data-rnx=value]").first
    slider.focus()
    seen = []
    for key in ("Home", "ArrowRight", "ArrowUp", "End", "ArrowLeft", "ArrowDown"):
        page.keyboard.press(key)
        seen.append(value.text_content())
    page.keyboard.press("PageDown")
    seen.append(value.text_content())
    page.keyboard.press("PageUp")
    seen.append(value.text_content())
    assert seen == ["1", "2", "4", "32", "8", "4", "2", "4"]
    assert page.evaluate("window.leaked") == []
    page.keyboard.press("Tab")  # other keys still reach the page
    assert page.evaluate("window.leaked") == ["Tab"]


def test_figures_in_explorers_have_a_text_alternative(page, page_file):
    """Every SVG figure is an image with an accessible name: the charts name what they plot,
    the panels of a choice slider carry the <title>/<desc> read off the matplotlib figure."""
    *_, choice = page_file
    names = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg[role=img]')).map(svg => {
          const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
          const text = ids.map(id => (document.getElementById(id) || {}).textContent || '');
          return (svg.getAttribute('aria-label') || '') + text.join(' / ');
        })"""
    )
    unnamed = page.evaluate(
        """() => Array.from(document.querySelectorAll('.rnx-root svg'))
          .filter(s => s.getAttribute('role') !== 'img' && s.getAttribute('aria-hidden') !== 'true')
          .length"""
    )
    assert unnamed == 0
    assert len(names) >= 2 + 1 + 2 and all(n.strip() for n in names), names
    panel = page.locator(f"#{choice} [data-rnx=panel] svg").first
    title = panel.locator("title").first.text_content()
    desc = panel.locator("desc").first.text_content()
    assert title == "ResNeXt block (c): grouped convolution"  # the diagram's own title
    assert "C=1" in desc and "256-d in" in desc  # and the labels it draws
