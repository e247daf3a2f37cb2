"""Chapter 6's explorer mixes runs on the default data and on harder data: the static explorer
tells them apart with a slider, the live explorer (which trains on default data only) must not
mistake a harder-data run for a default one."""

from __future__ import annotations

from helpers import data, widgets


def run_on(variation: float, accuracy: float) -> dict:
    config = {**data.DATASETS["synthetic"], "name": "synthetic", "seed": 0}
    config.update(variation=variation, generator=data.SYNTHETIC_GENERATOR_VERSION)
    return {
        "config": {
            "model": {
                "cardinality": 4,
                "bottleneck_width": 4,
                "width": 64,
                "stages": [1, 1, 1],
            },
            "data": config,
            "epochs": 2,
            "seed": 0,
        },
        "history": {"loss": [1.0, 0.5], "accuracy": [0.5, accuracy]},
    }


def test_only_runs_on_default_data_reach_the_live_explorer():
    default, harder = run_on(0.5, 0.9), run_on(1.0, 0.6)
    assert widgets._key_of_run(default) is not None
    assert widgets._key_of_run(harder) is None
    live = widgets.live_explorer(
        train_fn=lambda *a, **k: None, load_fn=lambda name: None, runs=[default, harder]
    )
    assert [run["history"]["accuracy"][-1] for run in live.cache.values()] == [0.9]


def test_default_data_of_every_dataset_is_recognised():
    for name in ("synthetic", "noise", "digits"):
        assert widgets._default_data(data.load(name, n_val=None).config), name
    assert not widgets._default_data({**data.load("noise").config, "seed": 1})


def test_the_seed_slider_reads_the_run_seed_not_the_model_seed():
    """A trained run's model config holds ``"seed": None``; the run's seed is one level up."""
    runs = []
    for seed in (0, 1):
        run = run_on(0.5, 0.8 + seed / 10)
        run["config"]["model"]["seed"] = None
        run["config"]["seed"] = seed
        runs.append(run)
    explorer = widgets.static_explorer(runs, sliders=("cardinality", "seed"))
    assert explorer.data["sliders"][1]["values"] == [0, 1]
