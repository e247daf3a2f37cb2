"""helpers.sweep: grids through the cache, the registry, the CLI, and the shipped results."""

from __future__ import annotations

import json

import pytest

import helpers
from helpers import cache, complexity, sweep, training

TINY = {
    "stem_width": 8,
    "width": 16,
    "cardinality": 2,
    "bottleneck_width": 2,
    "stages": [1],
}
TINY_DATA = {"n_train": 64, "n_val": 20, "n_test": 20}


@pytest.fixture(scope="module", autouse=True)
def session_cache(tmp_path_factory):
    """The cache test_training uses too (same folder in one session), empty at the start."""
    previous = cache.set_cache_dir(tmp_path_factory.getbasetemp() / "run-cache")
    yield cache.cache_dir()
    cache.set_cache_dir(previous)


def test_expand_grid_covers_the_product_with_the_last_key_fastest():
    points = sweep.expand_grid(
        {"width": 16},
        {"cardinality": [1, 2], "data.noise": [0.0, 0.2], "epochs": [3]},
    )
    assert [(m["cardinality"], d["noise"], t["epochs"]) for m, d, t in points] == [
        (1, 0.0, 3),
        (1, 0.2, 3),
        (2, 0.0, 3),
        (2, 0.2, 3),
    ]
    assert all(m["width"] == 16 for m, _, _ in points)


def test_dict_values_set_several_model_keys_together():
    shapes = [
        {"cardinality": 1, "bottleneck_width": 8},
        {"cardinality": 4, "bottleneck_width": 2},
    ]
    points = sweep.expand_grid({"width": 32}, {"model": shapes})
    assert [(m["cardinality"], m["bottleneck_width"]) for m, _, _ in points] == [
        (1, 8),
        (4, 2),
    ]
    assert "model" not in points[0][0]


def test_run_grid_trains_each_point_and_seed_once_then_reads_the_cache(monkeypatch):
    def grid() -> list[dict]:
        return sweep.run_grid(
            TINY,
            {"cardinality": [1, 2]},
            seeds=[0, 1],
            data=TINY_DATA,
            epochs=1,
            progress=False,
        )

    runs = grid()
    assert [
        (r["config"]["model"]["cardinality"], r["config"]["seed"]) for r in runs
    ] == [
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert all(r["config"]["data"]["n_train"] == 64 for r in runs)
    assert all(r["config"]["epochs"] == 1 for r in runs)

    monkeypatch.setattr(
        training, "_fit", lambda *a, **k: pytest.fail("not read from cache")
    )
    again = grid()
    assert again == runs


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"grid": {}}, "grid"),
        ({"grid": {"cardinality": []}}, "cardinality"),
        ({"grid": {"cardinality": 4}}, "cardinality"),
        ({"grid": {"cardinalty": [1, 2]}}, "cardinalty"),
        ({"grid": {"data.noise": [-1.0]}}, "noise"),
        ({"grid": {"epochs": [0]}}, "epochs"),
        ({"seeds": []}, "seeds"),
        ({"seeds": [0, -1]}, "seeds"),
        ({"momentum": 0.9}, "momentum"),
    ],
)
def test_bad_grids_raise_value_error_before_training(kwargs, param, monkeypatch):
    monkeypatch.setattr(
        training, "_fit", lambda *a, **k: pytest.fail("validated too late")
    )
    arguments = {"grid": {"cardinality": [1]}, "data": TINY_DATA, **kwargs}
    with pytest.raises(ValueError, match=param):
        sweep.run_grid(TINY, **arguments)


def test_the_cardinality_sweep_keeps_complexity_equal_and_includes_the_default():
    spec = sweep.SWEEPS["cardinality"]()
    shapes = spec.grid["model"]
    width = training.DEFAULT_MODEL["width"]
    default = (
        training.DEFAULT_MODEL["cardinality"],
        training.DEFAULT_MODEL["bottleneck_width"],
    )
    assert default in [(s["cardinality"], s["bottleneck_width"]) for s in shapes]
    budget = complexity.block_params(*default, width)
    for s in shapes:
        params = complexity.block_params(s["cardinality"], s["bottleneck_width"], width)
        assert abs(params - budget) / budget < 0.2, s
    assert [s["cardinality"] for s in shapes] == sorted(
        {s["cardinality"] for s in shapes}
    )
    assert len(spec.seeds) >= 3


def test_cli_writes_the_precomputed_format(tmp_path, monkeypatch, capsys):
    def tiny_sweep():
        return sweep.Sweep(
            description="tiny",
            base_config=TINY,
            grid={"cardinality": [1, 2]},
            seeds=(0,),
            data=TINY_DATA,
            train={"epochs": 1},
        )

    monkeypatch.setitem(sweep.SWEEPS, "tiny", tiny_sweep)
    # The same runs as in the run_grid test: when it ran first, they come from the cache.
    out = tmp_path / "tiny.json"
    assert sweep.main(["tiny", "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    assert {"name", "grid", "runs", "helpers_version"} <= set(written)
    assert written["name"] == "tiny" and written["grid"] == {"cardinality": [1, 2]}
    assert written["helpers_version"] == helpers.__version__
    assert len(written["runs"]) == 2
    assert sweep.load_precomputed("tiny", path=out)["runs"] == written["runs"]
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        sweep.main(["no-such-sweep"])


def test_an_interrupted_sweep_resumes_with_an_eta_and_records_its_timing(
    tmp_path, monkeypatch, capsys
):
    def tiny_sweep():
        return sweep.Sweep(
            description="tiny, three seeds",
            base_config=TINY,
            grid={"cardinality": [1]},
            seeds=(5, 6, 7),
            data=TINY_DATA,
            train={"epochs": 1, "optimizer": "sgd", "weight_decay": 1e-4},
        )

    monkeypatch.setitem(sweep.SWEEPS, "tiny3", tiny_sweep)
    real_train, calls = training.train, []

    def interrupted(*args, **kwargs):
        if kwargs["seed"] == 6 and not calls:
            calls.append("stopped")
            raise KeyboardInterrupt
        return real_train(*args, **kwargs)

    monkeypatch.setattr(training, "train", interrupted)
    out = tmp_path / "tiny3.json"
    with pytest.raises(KeyboardInterrupt):
        sweep.main(["tiny3", "--out", str(out)])
    assert not out.exists()
    capsys.readouterr()

    assert sweep.main(["tiny3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 of 3 runs are in the cache; 2 to train" in printed
    assert "[run 2/3, 0/2 trained, ETA after the first run]" in printed
    assert "[run 3/3, 1/2 trained, ETA" in printed
    written = json.loads(out.read_text())
    timing = written["timing"]
    assert timing["runs_trained"] == 2
    assert timing["train_seconds"] == pytest.approx(
        sum(sum(r["history"]["seconds"]) for r in written["runs"]), abs=0.1
    )
    # Training time counts every run, also the one trained before the interruption.
    trained_now = written["runs"][1:]
    assert timing["wall_seconds"] >= sum(
        sum(r["history"]["seconds"]) for r in trained_now
    )
    assert [r["config"]["weight_decay"] for r in written["runs"]] == [1e-4] * 3


def test_eta_clock_reads_like_a_person_would_say_it():
    assert [sweep._clock(s) for s in (5, 95, 3725)] == ["1 min", "2 min", "1 h 02 min"]


def test_load_precomputed_rejects_bad_names_and_files(tmp_path):
    with pytest.raises(ValueError, match="name"):
        sweep.load_precomputed("../etc/passwd")
    with pytest.raises(FileNotFoundError, match="python -m helpers.sweep"):
        sweep.load_precomputed("no-such-sweep")
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "bad"}')
    with pytest.raises(ValueError, match="runs"):
        sweep.load_precomputed("bad", path=bad)


def test_every_registered_sweep_ships_complete_results():
    for name in sweep.SWEEPS:
        shipped = sweep.load_precomputed(name)
        spec = sweep.SWEEPS[name]()
        assert shipped["grid"] == json.loads(json.dumps(spec.grid))
        assert len(shipped["runs"]) == len(
            sweep.expand_grid(spec.base_config, spec.grid)
        ) * len(spec.seeds)
        for run in shipped["runs"]:
            assert set(run) >= {"config", "history", "test_accuracy", "params", "key"}
            assert run["key"] == cache.run_key(
                run["config"], version=run["helpers_version"]
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


def test_the_table3_sweep_keeps_d_at_least_4_at_equal_complexity():
    spec = sweep.SWEEPS["cardinality_table3"]()
    width = spec.base_config["width"]
    budget = complexity.block_params(*sweep.TABLE3_BUDGET_SHAPE, width)
    shapes = [(m["cardinality"], m["bottleneck_width"]) for m in spec.grid["model"]]
    assert [c for c, _ in shapes] == [1, 2, 4, 8]
    assert all(d >= 4 for _, d in shapes)
    assert all(
        abs(complexity.block_params(c, d, width) / budget - 1) < 0.06 for c, d in shapes
    )
    assert len(spec.seeds) >= 5 and spec.train["schedule"] == "step"
