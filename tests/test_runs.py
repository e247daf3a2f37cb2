import math

import numpy as np
import pytest

from helpers import runs


def run(cardinality, seed, accuracy, loss=(1.0, 0.5), **extra):
    return {
        "config": {"model": {"cardinality": cardinality, "seed": None}, "seed": seed},
        "history": {"val_accuracy": [0.1, accuracy], "loss": list(loss)},
        **extra,
    }


RUNS = [run(1, 0, 0.80), run(1, 1, 0.90), run(4, 0, 0.95), run(4, 1, 0.97)]


def test_summarize_gives_mean_sample_std_and_t_interval_per_value():
    rows = runs.summarize(RUNS, "cardinality")
    assert [r["cardinality"] for r in rows] == [1, 4]
    assert rows[0]["mean"] == pytest.approx(0.85) and rows[0]["n"] == 2
    assert rows[0]["std"] == pytest.approx(0.0707, abs=1e-4)  # ddof=1
    assert rows[0]["ci95"] == pytest.approx(12.706 * 0.0707107 / math.sqrt(2), rel=1e-4)
    with pytest.raises(ValueError, match="metric"):
        runs.summarize(RUNS, "cardinality", metric="f1")
    with pytest.raises(ValueError, match="by='width'"):
        runs.summarize(RUNS, "width")


def test_one_value_has_no_spread():
    one = runs.summary([0.5])
    assert one.mean == 0.5 and math.isnan(one.std) and math.isnan(one.ci95)
    assert f"{one}" == "0.5"
    with pytest.raises(ValueError, match="values"):
        runs.summary([])


def test_t95_agrees_with_the_table_and_the_normal_limit():
    assert runs.t95(1) == 12.706 and runs.t95(30) == 2.042
    assert runs.t95(31) == pytest.approx(2.0395, abs=1e-3)
    assert runs.t95(120) == pytest.approx(1.9799, abs=1e-3)
    with pytest.raises(ValueError, match="df=0"):
        runs.t95(0)


def test_mean_std_is_the_figures_band():
    mean, std = runs.mean_std([[1.0, 2.0], [3.0, 4.0], [5.0, 9.0]], axis=0)
    np.testing.assert_allclose(mean, [3.0, 5.0])
    np.testing.assert_allclose(std, [2.0, np.std([2.0, 4.0, 9.0], ddof=1)])
    assert np.isnan(runs.mean_std([[1.0, 2.0]], axis=0)[1]).all()


def test_settings_are_read_from_model_then_run_then_data():
    r = {
        "config": {"model": {"seed": None, "width": 8}, "seed": 3, "data": {"noise": 1}}
    }
    assert runs.setting(r, "seed") == 3 and runs.setting(r, "width") == 8
    assert runs.setting(r, "noise") == 1 and runs.setting(r, "data.noise") == 1
    assert runs.setting(r, "depth", None) is None
    with pytest.raises(KeyError):
        runs.setting(r, "depth")


def test_select_and_group():
    assert [r["config"]["seed"] for r in runs.select(RUNS, cardinality=4)] == [0, 1]
    assert runs.select(RUNS, cardinality=4, seed=1) == [RUNS[3]]
    by_pair = runs.group(RUNS, ["cardinality", "seed"])
    assert list(by_pair) == [(1, 0), (1, 1), (4, 0), (4, 1)]
    by_list = runs.group([{"config": {"model": {"stages": [1, 1]}}}], "stages")
    assert list(by_list) == [(1, 1)]


def test_final_reads_history_totals_and_top_level_numbers():
    r = run(1, 0, 0.9, test_accuracy=0.8)
    r["history"]["seconds"] = [1.0, 2.5]
    assert runs.final(r, "val_accuracy", percent=True) == pytest.approx(90.0)
    assert runs.final(r, "loss", percent=True) == 0.5  # not an accuracy: unscaled
    assert runs.final(r, "seconds") == 3.5
    assert runs.final(r, "test_accuracy") == 0.8
    r["history"]["loss"] = [1.0, None]
    assert math.isnan(runs.final(r, "loss"))
    with pytest.raises(ValueError, match="metric='f1'"):
        runs.final(r, "f1")


def test_labels_and_varying_keys():
    assert runs.varying_keys(RUNS) == ["cardinality", "seed"]
    assert runs.label(RUNS[2], ["cardinality", "seed"]) == "C=4, seed=0"
    assert runs.format_value(2.0) == "2" and runs.format_value([1, 2]) == "[1,2]"
    assert runs.metric_label("seconds") == "time per epoch (s)"


def test_as_runs_rejects_what_is_not_a_run():
    assert runs.as_runs({"runs": RUNS}) == RUNS
    with pytest.raises(ValueError, match="groups"):
        runs.as_runs([], "groups")
    with pytest.raises(ValueError, match="history"):
        runs.as_runs([{"config": {}}])


def test_compare_welch_matches_the_textbook_formula_and_paired_uses_differences():
    a, b = [0.30, 0.32, 0.28, 0.35], [0.10, 0.11, 0.09]
    d = runs.compare(a, b)
    se = np.sqrt(np.var(a, ddof=1) / 4 + np.var(b, ddof=1) / 3)
    assert d.mean == pytest.approx(np.mean(a) - np.mean(b))
    assert d.se == pytest.approx(se)
    assert d.ci95 == pytest.approx(runs.t95(d.df) * se) and not d.paired
    p = runs.compare([1.0, 2.0, 3.0], [0.5, 1.4, 2.6], paired=True)
    diffs = runs.summary([0.5, 0.6, 0.4])
    assert (p.mean, p.df) == (pytest.approx(0.5), 2)
    assert p.ci95 == pytest.approx(diffs.ci95) and p.z == pytest.approx(0.5 / p.se)
    with pytest.raises(ValueError, match="paired"):
        runs.compare([1.0, 2.0], [1.0, 2.0, 3.0], paired=True)
    with pytest.raises(ValueError, match="at least two"):
        runs.compare([1.0], [1.0, 2.0])


def test_seeds_needed_grows_with_the_spread_and_reaches_the_power():
    few, many = runs.seeds_needed(1.7, 1.0), runs.seeds_needed(1.7, 3.0)
    assert few < many
    # Simulated: with `many` seeds a true 1.7-point difference is found >= 80% of the time.
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(400):
        a, b = rng.normal(1.7, 3.0, many), rng.normal(0.0, 3.0, many)
        d = runs.compare(a, b)
        hits += abs(d.mean) > d.ci95
    assert hits / 400 >= 0.75
    with pytest.raises(ValueError, match="std"):
        runs.seeds_needed(1.7, 0.0)
    with pytest.raises(ValueError, match="effect"):
        runs.seeds_needed(0.0, 1.0)
