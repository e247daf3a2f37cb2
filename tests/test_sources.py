"""The book's sources: clean notebooks, one set-up cell, a table of contents that matches."""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import setup_cell  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
TOC = (ROOT / "_toc.yml").read_text(encoding="utf-8")
CONFIG = (ROOT / "_config.yml").read_text(encoding="utf-8")


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapter notebooks in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts (nbstripout)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_the_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    # The first cell is the title, optionally preceded by its label line, e.g. `(ch-cardinality)=`.
    lines = [
        ln for ln in nb.cells[0].source.splitlines() if not re.fullmatch(r"\(.+\)=", ln)
    ]
    assert nb.cells[0].cell_type == "markdown" and lines[0].startswith("# "), (
        f"{path.name}: the first cell must be the chapter title"
    )
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == setup_cell.setup_source(), (
        f"{path.name}: first code cell is not the set-up cell; run `python tools/setup_cell.py`"
    )


def test_book_offers_colab_and_download():
    assert re.search(
        r"launch_buttons:(.|\n)*colab_url: https://colab.research.google.com", CONFIG
    )
    assert "use_download_button: true" in CONFIG


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_is_in_the_toc(path):
    assert f"file: chapters/{path.stem}\n" in TOC, (
        f"{path.name} is not listed in _toc.yml"
    )


def test_every_toc_entry_exists():
    for entry in re.findall(r"file:\s*(\S+)", TOC):
        candidates = [ROOT / f"{entry}{ext}" for ext in (".ipynb", ".md")]
        assert any(c.exists() for c in candidates), (
            f"_toc.yml lists missing file {entry}"
        )


def test_build_is_strict_and_cached():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "BOOK_FLAGS := -W -n --keep-going" in makefile
    assert re.search(r"execute_notebooks:\s*cache", CONFIG)
    assert re.search(r"allow_errors:\s*false", CONFIG)
    assert re.search(r"timeout:\s*\d+", CONFIG)


def test_bibliography_has_the_core_papers():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for key in (
        "he2016deep",
        "xie2017aggregated",
        "zagoruyko2016wide",
        "szegedy2015going",
        "ioffe2015batch",
    ):
        assert f"{{{key}," in bib, f"references.bib lacks {key}"


def test_jupyter_book_is_kept_below_2():
    reqs = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^jupyter-book>=1\.0\.4,<2$", reqs, flags=re.MULTILINE)


# --- the shape of helpers ------------------------------------------------------------------
HELPERS = ROOT / "helpers"
MODULES = sorted(p.stem for p in HELPERS.glob("*.py") if p.stem != "__init__")


def _imports(module: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The helpers modules ``module`` imports (anywhere in it), and the (module, name) pairs of
    other modules' attributes it reads (``plots.color_for`` or ``from helpers.x import y``)."""
    import ast

    tree = ast.parse((HELPERS / f"{module}.py").read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    imported: set[str] = set()
    names: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "helpers":
            for alias in node.names:
                if alias.name in MODULES:
                    imported.add(alias.name)
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "helpers."
        ):
            other = node.module.split(".")[1]
            imported.add(other)
            names.update((other, alias.name) for alias in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in aliases:
                names.add((aliases[node.value.id], node.attr))
    return imported - {module}, names


def test_helpers_has_no_import_cycle():
    graph = {m: _imports(m)[0] for m in MODULES}

    def reach(start: str, seen: set[str]) -> set[str]:
        for other in graph[start] - seen:
            seen.add(other)
            reach(other, seen)
        return seen

    cycles = [m for m in MODULES if m in reach(m, set())]
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_no_module_reads_another_modules_private_names():
    private = {
        (m, f"{o}.{name}")
        for m in MODULES
        for o, name in _imports(m)[1]
        if name.startswith("_") and not name.startswith("__")
    }
    assert not private, f"private names used across modules: {sorted(private)}"


@pytest.mark.parametrize("module", MODULES)
def test_no_module_is_over_800_lines(module):
    lines = (HELPERS / f"{module}.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 800, f"helpers/{module}.py has {lines} lines: split it by concern"


# The sibling folder a session's tools live in; spelt in two parts so this file is not a hit.
OUTSIDE = "../" + "shared"


def test_nothing_points_outside_the_repository():
    sources = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("tools/*.py")]
    sources += list(HELPERS.glob("*.py"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert OUTSIDE not in text and "/tmp/" not in text, path.name
