"""Chapter 9: the cardinality axis sweep (C from 1 to depthwise) and training.step_seconds."""

from __future__ import annotations

import pytest

from conftest import retrain
from helpers import cache, models, sweep, training


@pytest.fixture(scope="module", autouse=True)
def session_cache(tmp_path_factory):
    """A run cache of this session (the same folder test_sweep uses), never the project's."""
    previous = cache.set_cache_dir(tmp_path_factory.getbasetemp() / "run-cache")
    yield cache.cache_dir()
    cache.set_cache_dir(previous)


def tiny(cardinality: int = 2, bottleneck_width: int = 2):
    return models.build_model(
        stages=[1],
        width=16,
        stem_width=8,
        cardinality=cardinality,
        bottleneck_width=bottleneck_width,
        input_shape=[8, 8, 3],
        seed=0,
    )


def test_the_axis_keeps_the_grouped_width_and_ends_depthwise():
    spec = sweep.SWEEPS["cardinality_axis"]()
    shapes = [(s["cardinality"], s["bottleneck_width"]) for s in spec.grid["model"]]
    group_width = (
        training.DEFAULT_MODEL["cardinality"]
        * training.DEFAULT_MODEL["bottleneck_width"]
    )
    assert shapes[0] == (1, group_width)  # a ResNet bottleneck block
    assert shapes[-1] == (group_width, 1)  # one channel per group: depthwise
    assert all(c * d == group_width for c, d in shapes)
    assert [c for c, _ in shapes] == [2**i for i in range(len(shapes))]
    assert len(spec.seeds) >= 3 and spec.data == {}


def test_step_seconds_times_every_model_in_order():
    times = training.step_seconds(
        {"C=1": tiny(1, 4), "C=4": tiny(4, 1)}, batch_size=4, rounds=2, warmup=1
    )
    assert list(times) == ["C=1", "C=4"]
    assert all(isinstance(t, float) and t > 0 for t in times.values())
    fastest = training.step_seconds(
        {"C=1": tiny(1, 4)}, batch_size=4, rounds=3, statistic="min"
    )
    assert fastest["C=1"] > 0


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"models": {}}, "models"),
        ({"models": {"x": "not a model"}}, "models"),
        ({"batch_size": 0}, "batch_size"),
        ({"rounds": 0}, "rounds"),
        ({"warmup": -1}, "warmup"),
        ({"seed": -1}, "seed"),
        ({"statistic": "mean"}, "statistic"),
    ],
)
def test_step_seconds_rejects_bad_arguments(kwargs, param):
    arguments = {"models": {"tiny": tiny()}, **kwargs}
    with pytest.raises(ValueError, match=param):
        training.step_seconds(**arguments)


@pytest.mark.slow
def test_a_shipped_axis_run_reproduces():
    """Re-run the ResNet end of the axis (C=1), seed 0, of the shipped sweep."""
    shipped = sweep.load_precomputed("cardinality_axis")
    [run] = [
        r
        for r in shipped["runs"]
        if r["config"]["model"]["cardinality"] == 1 and r["config"]["seed"] == 0
    ]
    config = run["config"]
    again = retrain(run)
    assert again["config"] == config
    assert again["params"] == run["params"]
    assert again["history"]["val_accuracy"][-1] == pytest.approx(
        run["history"]["val_accuracy"][-1], abs=0.03
    )
    assert again["test_accuracy"] == pytest.approx(run["test_accuracy"], abs=0.03)
