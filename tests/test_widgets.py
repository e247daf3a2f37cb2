"""helpers.widgets without a browser: the static explorer's HTML (self-contained, unique ids,
embedded JSON), the static choice, and the choice between static and live explorers."""

from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pytest

from helpers import data, diagrams, plots, widgets

matplotlib.use("Agg")


def fake_run(cardinality: int = 4, seed: int = 0, epochs: int = 5, **model) -> dict:
    """A run dict in the contract's format with made-up, smooth curves."""
    t = np.arange(1, epochs + 1)
    level = 0.6 + 0.04 * np.log2(cardinality) + 0.01 * seed
    accuracy = level * (1 - np.exp(-t / 2))
    loss = 2.0 * np.exp(-t / 3) + 0.1 * seed
    return {
        "config": {
            "model": {
                "block": "resnext",
                "stages": [1, 1, 1],
                "width": 64,
                "cardinality": cardinality,
                "bottleneck_width": 4,
                **model,
            },
            "data": {"name": "synthetic"},
            "epochs": epochs,
            "seed": seed,
        },
        "history": {
            "loss": loss.tolist(),
            "val_loss": (loss + 0.1).tolist(),
            "accuracy": accuracy.tolist(),
            "val_accuracy": (accuracy - 0.03).tolist(),
            "seconds": [1.0] * epochs,
        },
        "test_accuracy": float(accuracy[-1] - 0.04),
        "params": 1000 * cardinality,
        "helpers_version": "0.1.0",
        "key": f"fake-{cardinality}-{seed}-{epochs}-{sorted(model.items())}",
    }


RUNS = [fake_run(c, s) for c in (1, 2, 4, 32) for s in (0, 1)]


def embedded_data(html_text: str) -> dict:
    match = re.search(
        r'<script type="application/json"[^>]*>(.*?)</script>', html_text, re.S
    )
    assert match, "no embedded JSON"
    return json.loads(match.group(1))


# --------------------------------------------------------------------------------------------
# static explorer
# --------------------------------------------------------------------------------------------


def test_static_explorer_is_self_contained():
    html_text = widgets.static_explorer(RUNS, title="Cardinality").html
    # Nothing loaded from elsewhere: no external scripts, styles, images or imports.
    assert not re.search(r"<script[^>]*\bsrc=", html_text)
    assert not re.search(r"<link\b", html_text)
    assert not re.search(r"(src|href)=\"(https?:)?//", html_text)
    assert "@import" not in html_text and "url(http" not in html_text
    # The library is inlined, and the page initialises it.
    assert "window.ResNeXtExplorer" in html_text and "initCurves" in html_text
    assert "Cardinality" in html_text


def test_static_explorer_embeds_parseable_json_with_sorted_slider_values():
    ex = widgets.static_explorer(list(reversed(RUNS)), sliders=("cardinality", "seed"))
    data = embedded_data(ex.html)
    assert data == json.loads(json.dumps(ex.data))
    cardinality, seed = data["sliders"]
    assert cardinality["values"] == [1, 2, 4, 32] and cardinality["short"] == "C"
    assert seed["values"] == [0, 1]
    assert len(data["runs"]) == len(RUNS)
    run = next(r for r in data["runs"] if r["idx"] == [2, 1])  # C=4, seed 1
    assert run["params"] == 4000
    assert run["h"]["val_accuracy"][-1] == pytest.approx(
        100 * fake_run(4, 1)["history"]["val_accuracy"][-1], abs=1e-3
    )
    assert [m["train"] for m in data["metrics"]] == ["accuracy", "loss"]
    assert [m["val"] for m in data["metrics"]] == ["val_accuracy", "val_loss"]
    assert data["maxEpochs"] == 5
    # Colours of the first slider's values are the chapter's colours.
    assert cardinality["colors"][0] == plots.color_for("C=1")


def test_two_explorers_have_unique_ids():
    a = widgets.static_explorer(RUNS)
    b = widgets.static_explorer(RUNS)
    ids_a = re.findall(r'\bid="([^"]+)"', a.html)
    ids_b = re.findall(r'\bid="([^"]+)"', b.html)
    assert len(ids_a) == len(set(ids_a)) and ids_a
    assert not set(ids_a) & set(ids_b)
    assert a.id != b.id and a._repr_html_() == a.html


def test_static_explorer_reads_top_level_and_data_settings():
    runs = [fake_run(4, s, epochs=e) for s in (0, 1) for e in (3, 5)]
    data = widgets.static_explorer(
        runs, sliders=("epochs", "seed", "name"), metrics="loss"
    ).data
    assert data["sliders"][0]["values"] == [3, 5]
    assert data["sliders"][1]["values"] == [0, 1]
    assert data["sliders"][2]["values"] == ["synthetic"]
    assert data["maxEpochs"] == 5 and len(data["runs"]) == 4


def test_static_explorer_duplicate_combination_names_the_difference():
    with pytest.raises(
        ValueError, match=r"runs: two runs share cardinality=1.*differ in: seed"
    ):
        widgets.static_explorer(RUNS, sliders=("cardinality",))


def test_static_explorer_missing_combination_is_allowed():
    runs = [
        r
        for r in RUNS
        if not (r["config"]["model"]["cardinality"] == 32 and r["config"]["seed"] == 1)
    ]
    data = widgets.static_explorer(runs).data
    assert len(data["runs"]) == len(RUNS) - 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"runs": []}, "runs"),
        ({"runs": [{"config": {}}]}, "runs"),
        ({"runs": RUNS, "sliders": ("depth",)}, "sliders.*'depth'"),
        ({"runs": RUNS, "sliders": ()}, "sliders"),
        ({"runs": RUNS, "metrics": ("top5",)}, "metrics"),
        ({"runs": RUNS, "colour": "red"}, "options.*'colour'"),
        ({"runs": RUNS, "initial": {"cardinality": 3}}, "initial.*cardinality=3"),
        ({"runs": RUNS, "initial": {"depth": 3}}, "initial.*'depth'"),
    ],
)
def test_static_explorer_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        widgets.static_explorer(**kwargs)


def test_static_explorer_accepts_a_precomputed_file_and_non_finite_values():
    run = fake_run(8)
    run["history"]["val_loss"][2] = float("nan")
    ex = widgets.static_explorer(
        {"name": "x", "grid": {}, "runs": [run]}, sliders=("cardinality",)
    )
    data = embedded_data(ex.html)  # strict JSON: NaN became null
    assert data["runs"][0]["h"]["val_loss"][2] is None


def test_static_choice_and_figure_to_svg():
    figures = {c: diagrams.block_diagram("resnext_c", cardinality=c) for c in (1, 32)}
    choice = widgets.static_choice(
        figures, label="cardinality C", captions={32: "grouped"}
    )
    assert choice.labels == ["1", "32"]
    html_text = choice.html
    assert html_text.count('data-rnx="panel"') == 2
    assert html_text.count('style="display:none"') == 1  # only the first panel shows
    assert "<?xml" not in html_text and "<metadata>" not in html_text
    ids = re.findall(r'\bid="([^"]+)"', html_text)
    assert len(ids) == len(set(ids))  # SVG ids renamed apart
    for ref in re.findall(r'href="#([^"]+)"', html_text) + re.findall(
        r"url\(#([^)]+)\)", html_text
    ):
        assert ref in ids
    assert not re.search(r"(src|href)=\"(https?:)?//", html_text)
    with pytest.raises(ValueError, match="figures_or_svgs"):
        widgets.static_choice({})
    with pytest.raises(ValueError, match="initial"):
        widgets.static_choice({1: "<svg></svg>"}, initial=2)
    with pytest.raises(ValueError, match="fig"):
        widgets.figure_to_svg("not a figure")


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


def test_explorer_is_static_in_the_book_build(monkeypatch):
    monkeypatch.setenv("RESNEXT_BOOK_BUILD", "1")
    assert isinstance(widgets.explorer(RUNS), widgets.StaticExplorer)
    monkeypatch.delenv("RESNEXT_BOOK_BUILD")
    # No kernel here (pytest): static as well.
    assert isinstance(widgets.explorer(RUNS), widgets.StaticExplorer)


def test_the_live_explorer_starts_where_the_static_one_does(tmp_path):
    from helpers import cache

    previous = cache.set_cache_dir(tmp_path)
    try:
        runs = [fake_run(c, s, epochs=2, bottleneck_width=d) for c, d in ((1, 11), (4, 4))
                for s in (0, 1)]  # fmt: skip
        for run in runs:
            run["config"]["data"] = data.load(n_train=32, n_val=16, n_test=16).config
        combined = widgets.explorer(runs, live=True, initial={"cardinality": 4})
    finally:
        cache.set_cache_dir(previous)
    assert isinstance(combined, widgets.CombinedExplorer)
    assert combined.static.html in combined._repr_html_()
    live = combined.live
    assert (live.cardinality.value, live.bottleneck_width.value) == (4, 4)
    assert (live.epochs.value, live.seed.value) == (2, 0)


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
