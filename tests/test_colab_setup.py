"""A chapter run the way a Colab reader runs it, on the library versions Colab has.

`make test-colab` builds a venv from Colab's published package list
(tests/envs/colab-2026-08.txt) and points RESNEXT_COLAB_PYTHON at it. This test copies a chapter
alone into an empty folder and runs it with a kernel on that Python: the set-up cell must
install this package (from the checkout, through RESNEXT_HELPERS_SOURCE), every cell must
run (training, the live explorer and `interact`, on Colab's Keras and ipywidgets), and pip
must have changed nothing in the environment except adding this package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.envs]

# Chapter 6 trains networks and builds the live explorer; chapter 4 has an `interact` cell.
NOTEBOOKS = os.environ.get(
    "COLAB_TEST_NOTEBOOKS", "06_cardinality_experiments.ipynb 04_cardinality.ipynb"
).split()
DISTRIBUTION = "resnext-book-helpers"


def _colab_python() -> str:
    python = os.environ.get("RESNEXT_COLAB_PYTHON", "")
    if not python or not Path(python).exists():
        pytest.fail(
            f"RESNEXT_COLAB_PYTHON={python!r} is not a Python: run this test with "
            "`make test-colab`, which builds the Colab-like venv first"
        )
    return os.path.abspath(python)  # not resolve(): the venv's python is a symlink


def _freeze(python: str) -> dict[str, str]:
    """Installed distributions of ``python`` as {normalised name: pip freeze line}."""
    lines = subprocess.run(
        [python, "-m", "pip", "freeze", "--all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    packages = {}
    for line in lines:
        name = re.split(r"\s*(?:==|@)\s*", line, maxsplit=1)[0]
        packages[re.sub(r"[-_.]+", "-", name).lower()] = line
    return packages


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_alone_on_colab_versions_installs_only_this_package(
    name, tmp_path, monkeypatch
):
    notebook = ROOT / "chapters" / name
    python = _colab_python()
    subprocess.run(
        [python, "-m", "pip", "uninstall", "-y", "-q", DISTRIBUTION], check=False
    )
    check = subprocess.run(
        [python, "-c", "import helpers"], capture_output=True, cwd=tmp_path
    )
    assert check.returncode != 0, (
        "helpers must not be importable before the set-up cell runs"
    )
    before = _freeze(python)
    assert before.get("keras", "").startswith("keras==3.13"), before.get("keras")
    assert before.get("ipywidgets", "").startswith("ipywidgets==7."), before.get(
        "ipywidgets"
    )

    kernels = tmp_path / "jupyter" / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("RESNEXT_HELPERS_SOURCE", str(ROOT))
    monkeypatch.setenv("RESNEXT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(
        "RESNEXT_BOOK_BUILD", raising=False
    )  # a reader's kernel: live widgets
    monkeypatch.delenv("PYTHONPATH", raising=False)

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(notebook, alone / name)
    nb = nbformat.read(alone / name, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import helpers\nprint('HELPERS_AT', helpers.__file__)"
        )
    )
    client = NotebookClient(
        nb,
        kernel_name="colab-like",
        timeout=600,
        resources={"metadata": {"path": str(alone)}},
    )
    try:
        client.execute()  # raises CellExecutionError if any cell fails
        after = _freeze(python)
    finally:
        subprocess.run(
            [python, "-m", "pip", "uninstall", "-y", "-q", DISTRIBUTION], check=False
        )

    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    installed_at = last.split("HELPERS_AT", 1)[-1].strip()
    assert "site-packages" in installed_at, f"helpers came from {installed_at!r}"
    changed = {
        name
        for name in before.keys() | after.keys()
        if before.get(name) != after.get(name)
    }
    assert changed == {DISTRIBUTION}, {
        n: (before.get(n), after.get(n)) for n in changed
    }
    assert sorted(p.name for p in alone.iterdir() if not p.name.startswith(".")) == [
        name
    ]
