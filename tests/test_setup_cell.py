"""The chapters' set-up cell (tools/setup_cell.py) tells this book's `helpers` from others.

Each case runs the cell's exact source in a fresh Python whose working folder holds what a
reader might have there. RESNEXT_HELPERS_SOURCE points at a folder that does not exist, so a
test that reached pip sees pip fail instead of installing anything.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import setup_cell  # noqa: E402

# The Python this venv was made from: the standard library only, no `helpers` installed.
BARE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def _run_cell(cwd: Path, python: str = BARE_PYTHON) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "RESNEXT_HELPERS_SOURCE": str(cwd / "no-such-source"),
    }
    if python == sys.executable and "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ[
            "PYTHONPATH"
        ]  # make test-colab imports the checkout
    return subprocess.run(
        [python, "-c", setup_cell.setup_source()],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_installed_package_is_accepted_without_pip(tmp_path):
    result = _run_cell(tmp_path, python=sys.executable)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no-such-source" not in result.stderr  # pip was not called


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda d: (d / "helpers.py").write_text("x = 1\n"), id="helpers.py"
        ),
        pytest.param(lambda d: (d / "helpers").mkdir(), id="empty-folder"),
        pytest.param(
            lambda d: (
                (d / "helpers").mkdir()
                or (d / "helpers" / "__init__.py").write_text("")
            ),
            id="other-package",
        ),
    ],
)
def test_a_foreign_helpers_gets_a_clear_message(tmp_path, make):
    make(tmp_path)
    result = _run_cell(tmp_path)
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr, result.stderr[-2000:]
    assert "not this book's package" in result.stderr
    assert str(tmp_path / "helpers") in result.stderr  # says where the impostor lives
    assert "no-such-source" not in result.stderr  # and did not try to install over it


def test_an_old_release_of_this_package_is_upgraded(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text(
        'BOOK = "resnext-book"\n__version__ = "0.0.1"\n'
    )
    result = _run_cell(tmp_path)
    assert result.returncode != 0
    # It asked pip for the configured source (which does not exist here, so pip failed).
    assert "no-such-source" in result.stderr, result.stderr[-2000:]


def test_setup_cell_installs_the_configured_release():
    url, ref = setup_cell.book_release()
    assert url.startswith("https://github.com/")
    assert re.fullmatch(r"v\d+\.\d+\.\d+|[0-9a-f]{40}", ref), ref
    source = setup_cell.setup_source()
    assert f'HELPERS_SOURCE = "git+{url}@{ref}"' in source
    assert f'HELPERS_VERSION = "{setup_cell.helpers_version()}"' in source
    import helpers

    assert helpers.__version__ == setup_cell.helpers_version()
    assert ref in (f"v{helpers.__version__}",) or len(ref) == 40, (
        f"_config.yml names release {ref} but helpers is version {helpers.__version__}"
    )
