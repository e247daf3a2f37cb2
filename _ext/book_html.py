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
"""

from __future__ import annotations

from typing import Any


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
