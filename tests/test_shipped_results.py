"""Every shipped sweep reproduces: re-train its smallest configuration and compare.

tests/test_sweep.py, test_ch06_sweeps.py and test_ch09_axis.py already re-run one configuration
of the cardinality sweeps; this file covers the other sweeps the chapters load.
"""

from __future__ import annotations

import pytest

from conftest import retrain
from helpers import sweep

pytestmark = pytest.mark.slow

OTHER_SWEEPS = ["depth", "width_depth", "toy_example", "real_data"]


@pytest.mark.parametrize("name", OTHER_SWEEPS)
def test_smallest_shipped_run_reproduces(name):
    assert name in sweep.SWEEPS, f"{name} is no longer a registered sweep"
    shipped = sweep.load_precomputed(name)
    run = min(shipped["runs"], key=lambda r: (r["params"], r["config"]["seed"]))
    config = run["config"]
    again = retrain(run, cache=False)
    assert again["config"] == config
    assert again["params"] == run["params"]
    # Same machine: identical; another CPU or library build: small floating-point differences.
    assert again["history"]["val_accuracy"][-1] == pytest.approx(
        run["history"]["val_accuracy"][-1], abs=0.03
    )
    assert again["test_accuracy"] == pytest.approx(run["test_accuracy"], abs=0.03)
    assert again["history"]["loss"][0] == pytest.approx(
        run["history"]["loss"][0], rel=0.1
    )
