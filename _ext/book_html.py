"""Small fixes to the HTML that Jupyter Book 1.0.4 writes, so every page loads without errors.

1. Inline scripts added twice. sphinx-thebe and sphinx-togglebutton call ``app.add_js_file(None,
   body=...)`` after the HTML builder exists. Sphinx then stores the snippet twice: once in its
   registry (filename ``None``), from which the builder copies it, and once in the builder itself
   (filename ``''``). Its duplicate check compares filenames, so ``None != ''`` lets both through
   and every page carries each snippet twice. A repeated ``var`` is harmless, but sphinx-thebe's
   ``const THEBE_JS_URL = ...`` throws ``SyntaxError: Identifier 'THEBE_JS_URL' has already been
   declared`` when the second copy runs. We drop exact duplicates from each page's script list.
2. Empty theme mode. pydata-sphinx-theme logs ``Got invalid theme mode: .`` when no
   ``default_mode`` is set; the book's figures are drawn for a light background, so we set it.
3. Accessibility (axe-core, WCAG 2.1 A/AA), fixed in the written pages:
   - sphinxcontrib-bibtex writes the bibliography as ``role="list"`` holding entries with the
     deprecated ``role="doc-biblioentry"``, so the list has no list items (axe:
     ``aria-required-children``, critical). The entries become ``role="listitem"``.
   - The theme's search button is named "Search" by ``aria-label`` while it shows "Search
     Ctrl+K", and MyST-NB's "Show code cell source" toggles are named "Toggle hidden content":
     a spoken name that differs from the visible one (``label-content-name-mismatch``,
     serious). Both drop the ``aria-label`` and are named by what they show.
   - The icons inside the colour-mode and search buttons are marked ``aria-hidden`` and the
     colour-mode icons lose their ``title`` (Font Awesome would make it visible SVG text): the
     button's own label, "Color mode", names it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# (pattern, replacement) applied to every written HTML page; see item 3 above.
_A11Y_FIXES = [
    (
        re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"'),
        r'\1 role="listitem"',
    ),
    (
        re.compile(
            r'(<button class="btn search-button-field [^"]*"[^>]*?) aria-label="Search"'
        ),
        r"\1",
    ),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # Font Awesome turns each icon's title into an SVG <title>, which counts as visible text.
    (
        re.compile(r'(<i class="theme-switch [^"]*")([^>]*?) title="[^"]*"'),
        r'\1 aria-hidden="true"\2',
    ),
    (
        re.compile(r'<i class="fa-solid fa-magnifying-glass">'),
        '<i class="fa-solid fa-magnifying-glass" aria-hidden="true">',
    ),
]


def _fix_accessibility(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        if "_static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in _A11Y_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def _dedupe_scripts(
    app, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    scripts = context.get("script_files")
    if scripts:
        seen: set[tuple[str, str]] = set()
        unique = []
        for script in scripts:
            filename = str(getattr(script, "filename", script) or "")
            body = getattr(script, "attributes", {}).get("body", "")
            key = (filename, body)
            if key in seen:
                continue
            seen.add(key)
            unique.append(script)
        scripts[:] = unique
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app) -> dict[str, Any]:
    # Run after the themes and extensions have filled in the page context.
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _fix_accessibility)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
