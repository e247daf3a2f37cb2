"""The set-up cell that opens every chapter notebook, with the repository URL from _config.yml.

Run ``python tools/setup_cell.py`` after changing the repository URL or release in
``_config.yml``, ``helpers.__version__`` or the template below: it rewrites the first code cell of
every notebook in ``chapters/``. ``tests/test_sources.py`` fails when a notebook's set-up cell
differs from this template; ``tests/test_setup_cell.py`` runs the cell against impostors.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "setup"

TEMPLATE = """\
# Set-up: make sure `import helpers` finds this book's package. On Colab, or when this
# notebook runs on its own, it installs the book's release {ref} with pip; nothing else
# in your environment changes. RESNEXT_HELPERS_SOURCE may name another source (a path or
# a pip URL such as git+https://github.com/you/fork@branch).
import importlib
import os
import subprocess
import sys

HELPERS_SOURCE = "git+{url}@{ref}"
HELPERS_VERSION = "{version}"  # the oldest release of `helpers` these chapters work with


def helpers_status():
    \"\"\"'ok', 'missing', 'old', or the place a different `helpers` module comes from.\"\"\"
    for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    try:
        import helpers
    except ImportError:
        return "missing"
    if getattr(helpers, "BOOK", None) != "resnext-book":
        return getattr(helpers, "__file__", None) or " ".join(helpers.__path__)
    have = tuple(int(part) for part in helpers.__version__.split(".")[:3])
    return "ok" if have >= tuple(map(int, HELPERS_VERSION.split("."))) else "old"


if helpers_status() in ("missing", "old"):
    source = os.environ.get("RESNEXT_HELPERS_SOURCE", HELPERS_SOURCE)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", source]
    subprocess.run(pip, check=True)
status = helpers_status()
if status != "ok":
    raise RuntimeError(
        f"`import helpers` finds {{status}}, which is not this book's package "
        f"(version {{HELPERS_VERSION}} or newer). If it is a helpers.py file or a "
        "helpers folder of your own, rename it; if it is another package called "
        "`helpers`, run `pip uninstall -y helpers`. Then restart the kernel and run "
        "this cell again."
    )"""


def book_release() -> tuple[str, str]:
    """The repository URL and the release (tag or commit) named once in _config.yml."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^repository:\s*\n((?:[ \t]+.*\n?)+)", text, flags=re.MULTILINE)
    if not block:
        raise ValueError("_config.yml has no repository section")
    fields = dict(re.findall(r"^\s+(\w+):\s*(\S+)", block.group(1), flags=re.MULTILINE))
    missing = [key for key in ("url", "helpers_ref") if key not in fields]
    if missing:
        raise ValueError(f"_config.yml's repository section lacks {missing}")
    return fields["url"], fields["helpers_ref"]


def helpers_version() -> str:
    """helpers.__version__, read from the source without importing the package."""
    text = (ROOT / "helpers" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([0-9.]+)"', text, flags=re.MULTILINE)
    if not match:
        raise ValueError("helpers/__init__.py has no __version__")
    return match.group(1)


def setup_source() -> str:
    """The exact source of the set-up cell."""
    url, ref = book_release()
    return TEMPLATE.format(url=url, ref=ref, version=helpers_version())


def update(path: Path) -> bool:
    """Make the first code cell of ``path`` the set-up cell; return True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(
        setup_source(), metadata={"tags": [SETUP_TAG, "hide-input"]}
    )
    codes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if codes and SETUP_TAG in nb.cells[codes[0]].metadata.get("tags", []):
        if nb.cells[codes[0]].source == cell.source:
            return False
        nb.cells[codes[0]].source = cell.source
    else:
        # After the title cell (the first markdown cell), before everything else.
        nb.cells.insert(
            1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, cell
        )
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    changed = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if update(p)]
    print(
        "\n".join(f"updated {p.relative_to(ROOT)}" for p in changed) or "all up to date"
    )
    sys.exit(0)
