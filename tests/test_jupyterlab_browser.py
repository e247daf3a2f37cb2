"""A chapter in JupyterLab, as `make lab` shows it to a reader: JupyterLab from the project's
environment on a free loopback port (no token, no browser), one chapter opened and run in
headless Chromium. The book's MyST renders (jupyterlab-myst), a live ipywidgets slider and a
static slider both answer the keyboard and change what they show, and the arrow keys on a
static slider do not move the notebook's active cell.

The chapter is copied to a temporary folder first, so JupyterLab's autosave cannot write
outputs into chapters/. Needs /usr/bin/chromium (or $CHROMIUM): skipped without it, a
failure when CI=true. A screenshot is saved as _build/screenshots/jupyterlab__04.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHAPTER = (
    "04_cardinality.ipynb"  # a static slider, a live ipywidgets slider, quick to run
)
SHOTS = ROOT / "_build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    work = folder / "chapters"
    work.mkdir()
    shutil.copy(ROOT / "chapters" / CHAPTER, work / CHAPTER)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "settings"),
        "RESNEXT_BOOK_BUILD": "",  # a reader's kernel: live widgets, not the book build's
    }
    env.pop("RESNEXT_BOOK_BUILD")
    # Kernels from the project's environment: the data dir above hides ~/.local's kernelspecs.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    # Do not ask about news or updates (a pop-up, and a request to the internet).
    settings = folder / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8"
    )
    # Render every cell, not only those in view, so the whole chapter can be read back.
    tracker = folder / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}', encoding="utf-8"
    )
    port = _free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    log = open(folder / "lab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--expose-app-in-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={work}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail(
                    "JupyterLab did not start:\n"
                    + (folder / "lab.log").read_text()[-3000:]
                )
            time.sleep(0.5)
    yield url, work
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def notebook(lab, browser):
    """The chapter open in JupyterLab, every cell run."""
    url, _ = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def block(route):
        outside.append(route.request.url)
        route.abort()

    context.route(lambda u: not u.startswith(url), block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/lab/tree/{CHAPTER}", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(
        """() => window.jupyterapp && window.jupyterapp.shell.currentWidget
             && window.jupyterapp.shell.currentWidget.sessionContext
             && window.jupyterapp.shell.currentWidget.sessionContext.session
             && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
             && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                === 'idle'""",
        timeout=120_000,
    )
    ran = page.evaluate(
        "async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')",
    )
    page.wait_for_function(
        """() => { const p = Array.from(document.querySelectorAll(
                 '.jp-CodeCell .jp-InputPrompt')).map(e => e.textContent);
               return p.length && p.every(t => /\\[\\d+\\]/.test(t)); }""",
        timeout=300_000,
    )
    page.wait_for_timeout(1000)
    yield page, ran, errors, outside
    SHOTS.mkdir(parents=True, exist_ok=True)
    context.close()


def test_the_chapter_runs_without_errors(notebook):
    page, ran, errors, _ = notebook
    assert ran is not False
    failed = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
           .map(e => e.textContent).filter(t => /Traceback|Error/.test(t))"""
    )
    assert not failed, failed
    assert not [e for e in errors if "ResNeXtExplorer" in e], errors


def test_the_book_myst_renders(notebook):
    """Admonitions, dropdowns, math, cross-references and citations are rendered: none of
    their markup is left as text."""
    page, *_ = notebook
    text = page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown,'
             + '.jp-MarkdownCell .myst'))
           .map(e => e.innerText).join('\\n')"""
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "jupyterlab__04.txt").write_text(
        text, encoding="utf-8"
    )  # what a reader sees
    assert "Three forms of one block" in text  # the markdown is there
    for raw in (
        ":::{admonition}",
        ":class: dropdown",
        "{ref}`",
        "{cite}`",
        "{numref}`",
        "$$",
    ):
        assert raw not in text, f"raw MyST markup {raw!r} is visible"
    # Each dropdown solution is a closed <details>: rendered, and not given away.
    source = (ROOT / "chapters" / CHAPTER).read_text(encoding="utf-8")
    dropdowns = source.count(":class: dropdown")
    assert dropdowns >= 3
    assert page.locator(".jp-MarkdownCell details:not([open])").count() == dropdowns
    assert page.locator(
        ".jp-MarkdownCell .katex, .jp-MarkdownCell mjx-container"
    ).count()
    page.screenshot(path=str(SHOTS / "jupyterlab__04.png"))


@pytest.mark.xfail(
    reason="{glue:text} resolves only in the book build: jupyterlab-myst renders the role's "
    "text, e.g. 'ch4_block_params:,', where the book shows the number. Passes once the "
    "chapters show their glued numbers in a way a live notebook can (issue 13, item 3)",
    strict=True,
)
def test_no_raw_glue_in_the_prose(notebook):
    """Neither the role nor the name of a glued value is visible where the book shows a
    number."""
    import json
    import re

    page, *_ = notebook
    text = page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-MarkdownCell'))
           .map(e => e.innerText).join('\\n')"""
    )
    cells = json.loads((ROOT / "chapters" / CHAPTER).read_text(encoding="utf-8"))[
        "cells"
    ]
    source = "".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )
    names = set(re.findall(r"\{glue(?::text)?\}`([A-Za-z0-9_]+)", source))
    assert len(names) > 5  # the chapter does quote glued numbers
    assert "Three forms of one block" in text
    visible = sorted(n for n in names if n in text)
    assert "{glue" not in text and not visible, f"glue names shown as text: {visible}"


def _active_cell(page) -> int:
    return page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"
    )


def test_static_slider_answers_the_keyboard_and_keeps_the_active_cell(notebook):
    page, *_ = notebook
    root = page.locator(".rnx-root[data-rnx-ready]").first
    root.scroll_into_view_if_needed()
    slider = root.locator("input[type=range]").first
    value = root.locator("[data-rnx=value]").first
    slider.focus()
    page.keyboard.press("Escape")  # command mode, where the arrows would move the cell
    slider.focus()
    cell = _active_cell(page)
    shown = """(root) => Array.from(root.querySelectorAll('[data-rnx=panel]'))
                 .findIndex(p => getComputedStyle(p).display !== 'none')"""
    before = (value.text_content(), root.evaluate(shown))
    page.keyboard.press("ArrowLeft")
    after = (value.text_content(), root.evaluate(shown))
    assert after != before and after[1] == before[1] - 1
    page.keyboard.press("Home")
    assert value.text_content() == "1"
    page.keyboard.press("End")
    assert value.text_content() == "64"
    page.keyboard.press("ArrowDown")
    assert value.text_content() == "32"
    assert _active_cell(page) == cell, "the arrow keys moved JupyterLab's active cell"
    page.screenshot(path=str(SHOTS / "jupyterlab__04_slider.png"))


def test_live_slider_answers_the_keyboard(notebook):
    page, *_ = notebook
    slider = page.locator(".jp-OutputArea .widget-slider").first
    slider.scroll_into_view_if_needed()
    area = slider.locator(
        "xpath=ancestor::div[contains(@class, 'widget-interact')]"
    ).first
    image = """(area) => { const img = area.querySelector('.jp-OutputArea img');
                           return img ? img.getAttribute('src') : null; }"""
    before = area.evaluate(image)
    assert before, "the live slider shows no figure"
    readout = slider.locator(".widget-readout").first
    start = readout.text_content().strip()
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    cell = _active_cell(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, v]) => el.textContent.trim() !== v",
        arg=[readout.element_handle(), start],
        timeout=10_000,
    )
    page.wait_for_function(
        "([area, src]) => { const img = area.querySelector('.jp-OutputArea img');"
        " return img && img.getAttribute('src') !== src; }",
        arg=[area.element_handle(), before],
        timeout=60_000,
    )
    assert readout.text_content().strip() == str(int(start) + 1)
    assert _active_cell(page) == cell, "the arrow key moved JupyterLab's active cell"
