"""Chapter 6's second sweep: the equal-complexity shapes on harder data, and its shipped file."""

from __future__ import annotations

import pytest

from conftest import retrain
from helpers import cache, sweep


@pytest.fixture(scope="module", autouse=True)
def session_cache(tmp_path_factory):
    """A run cache of this session (the same folder test_sweep uses), never the project's."""
    previous = cache.set_cache_dir(tmp_path_factory.getbasetemp() / "run-cache")
    yield cache.cache_dir()
    cache.set_cache_dir(previous)


def test_the_hard_sweep_changes_only_the_data():
    plain, hard = sweep.SWEEPS["cardinality"](), sweep.SWEEPS["cardinality_hard"]()
    assert hard.grid == plain.grid
    assert hard.base_config == plain.base_config
    assert hard.seeds == plain.seeds and len(hard.seeds) >= 3
    assert hard.train == plain.train
    assert hard.data == {"variation": 1.0} and plain.data == {}


def test_the_shipped_sweeps_of_chapter_6_share_their_shapes():
    plain = sweep.load_precomputed("cardinality")
    hard = sweep.load_precomputed("cardinality_hard")

    def shapes(result):
        return sorted(
            (
                r["config"]["model"]["cardinality"],
                r["config"]["model"]["bottleneck_width"],
            )
            for r in result["runs"]
        )

    assert shapes(plain) == shapes(hard)
    assert {r["config"]["data"]["variation"] for r in hard["runs"]} == {1.0}
    assert {r["config"]["data"]["variation"] for r in plain["runs"]} == {0.5}


@pytest.mark.slow
def test_a_shipped_hard_run_reproduces():
    """Re-run the default shape (C=4, d=4), seed 0, of the shipped harder sweep."""
    shipped = sweep.load_precomputed("cardinality_hard")
    [run] = [
        r
        for r in shipped["runs"]
        if (
            r["config"]["model"]["cardinality"],
            r["config"]["model"]["bottleneck_width"],
        )
        == (4, 4)
        and r["config"]["seed"] == 0
    ]
    config = run["config"]
    again = retrain(run)
    assert again["config"] == config
    assert again["params"] == run["params"]
    # Same machine: identical; another CPU or library build: small floating-point differences.
    assert again["history"]["val_accuracy"][-1] == pytest.approx(
        run["history"]["val_accuracy"][-1], abs=0.04
    )
    assert again["test_accuracy"] == pytest.approx(run["test_accuracy"], abs=0.04)
