"""A chapter notebook run the way Colab meets it: alone in an empty folder, with a Python that has
TensorFlow and the other libraries but not `helpers`. Its set-up cell must install `helpers` (here
from this checkout, through RESNEXT_HELPERS_SOURCE) and the notebook must run to the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

pytestmark = pytest.mark.slow

# A quick chapter that also reads shipped results (helpers/precomputed), so the test shows
# that the package data installs with pip too.
NOTEBOOK = (
    ROOT
    / "chapters"
    / os.environ.get("COLAB_TEST_NOTEBOOK", "09_where_cardinality_went_next.ipynb")
)


def _python_without_helpers(tmp: Path) -> Path:
    """A fresh venv that sees this project's installed libraries, except `helpers` itself.

    The project's site-packages is linked in entry by entry through a .pth file, leaving out the
    editable install of `helpers` and its metadata, so that `import helpers` fails and pip does
    not believe it is installed.
    """
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    python = tmp / "venv" / "bin" / "python"
    libs = tmp / "libs"
    libs.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if "resnext_book_helpers" in name or name.startswith("__editable__") or name == "helpers":
            continue
        (libs / entry.name).symlink_to(entry)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "project_libs.pth").write_text(str(libs) + "\n")
    return python


def test_notebook_alone_installs_helpers_and_runs(tmp_path, monkeypatch):
    if not NOTEBOOK.exists():
        pytest.fail(f"{NOTEBOOK} is missing")
    python = _python_without_helpers(tmp_path)
    check = subprocess.run([str(python), "-c", "import helpers"], capture_output=True, cwd=tmp_path)
    assert check.returncode != 0, "helpers must not be importable before the set-up cell runs"
    check = subprocess.run([str(python), "-c", "import tensorflow, ipykernel"], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()[-2000:]

    # A kernel that runs that Python.
    kernels = tmp_path / "jupyter" / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("RESNEXT_HELPERS_SOURCE", str(ROOT))
    monkeypatch.setenv("RESNEXT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PYTHONPATH", raising=False)

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(NOTEBOOK, alone / NOTEBOOK.name)
    nb = nbformat.read(alone / NOTEBOOK.name, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell("import helpers\nprint('HELPERS_AT', helpers.__file__)")
    )
    client = NotebookClient(
        nb, kernel_name="colab-like", timeout=600, resources={"metadata": {"path": str(alone)}}
    )
    client.execute()  # raises CellExecutionError if any cell fails

    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "HELPERS_AT" in last
    installed_at = Path(last.split("HELPERS_AT", 1)[1].strip())
    assert str(tmp_path / "venv") in str(installed_at), f"helpers came from {installed_at}"
    assert sorted(p.name for p in alone.iterdir() if not p.name.startswith(".")) == [NOTEBOOK.name]
