"""The set-up cell that opens every chapter notebook, with the repository URL from _config.yml.

Run ``python tools/setup_cell.py`` after changing the repository URL in ``_config.yml`` or the
template below: it rewrites the first code cell of every notebook in ``chapters/``. The test
``tests/test_sources.py`` fails when a notebook's set-up cell differs from this template.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "setup"

TEMPLATE = """\
# Set-up: install the book's `helpers` package when it is missing (on Colab, or when this
# notebook runs on its own). RESNEXT_HELPERS_SOURCE may name another source (a path or URL).
import importlib
import importlib.util
import os
import subprocess
import sys

HELPERS_SOURCE = "git+{url}"

if importlib.util.find_spec("helpers") is None:
    source = os.environ.get("RESNEXT_HELPERS_SOURCE", HELPERS_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()"""


def repository_url() -> str:
    """The repository URL named once in _config.yml."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", text, flags=re.MULTILINE)
    if not match:
        raise ValueError("_config.yml has no repository.url")
    return match.group(1)


def setup_source() -> str:
    """The exact source of the set-up cell."""
    return TEMPLATE.format(url=repository_url())


def update(path: Path) -> bool:
    """Make the first code cell of ``path`` the set-up cell; return True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(setup_source(), metadata={"tags": [SETUP_TAG, "hide-input"]})
    codes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if codes and SETUP_TAG in nb.cells[codes[0]].metadata.get("tags", []):
        if nb.cells[codes[0]].source == cell.source:
            return False
        nb.cells[codes[0]].source = cell.source
    else:
        # After the title cell (the first markdown cell), before everything else.
        nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, cell)
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    changed = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if update(p)]
    print("\n".join(f"updated {p.relative_to(ROOT)}" for p in changed) or "all up to date")
    sys.exit(0)
