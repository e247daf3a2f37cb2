"""helpers.plots: every figure function returns a figure with the expected artists and labels,
the grouped weight matrix is block diagonal, and bad arguments raise ValueError naming the
parameter."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plots

matplotlib.use("Agg")


def fake_run(cardinality: int = 4, seed: int = 0, epochs: int = 5) -> dict:
    """A run dict in the contract's format with made-up, smooth curves."""
    t = np.arange(1, epochs + 1)
    level = 0.6 + 0.04 * np.log2(cardinality) + 0.01 * seed
    accuracy = level * (1 - np.exp(-t / 2))
    loss = 2.0 * np.exp(-t / 3) + 0.1 * seed
    return {
        "config": {
            "model": {
                "block": "resnext",
                "cardinality": cardinality,
                "bottleneck_width": 4,
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
        "key": f"fake-{cardinality}-{seed}-{epochs}",
    }


@pytest.fixture(autouse=True)
def fresh_colours():
    plots.reset_colors()
    yield
    plots.reset_colors()


def texts_of(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# --------------------------------------------------------------------------------------------
# curves
# --------------------------------------------------------------------------------------------


def test_training_curves_one_run_two_panels_train_dashed_val_solid():
    fig = plots.training_curves(fake_run())
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        styles = sorted(line.get_linestyle() for line in ax.lines)
        assert styles == ["-", "--"]
        assert ax.get_xlabel() == "epoch"
    assert "loss" in fig.axes[0].get_ylabel()
    assert fig.axes[1].get_ylabel() == "accuracy (%)"
    # Accuracy is drawn in percent.
    assert max(fig.axes[1].lines[0].get_ydata()) > 1.0


def test_training_curves_several_runs_labels_colours_and_legend():
    runs = [fake_run(c) for c in (1, 4, 32)]
    fig = plots.training_curves(runs, metrics=("accuracy",))
    ax = fig.axes[0]
    assert len(ax.lines) == 6  # train + validation per run
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["C=1", "C=4", "C=32", "training", "validation"]
    # Same colour for a configuration's two curves and as color_for gives it.
    assert ax.lines[0].get_color() == ax.lines[1].get_color() == plots.color_for("C=1")
    fig2 = plots.training_curves(runs, labels=["a", "b", "c"], metrics="loss")
    assert [t.get_text() for t in fig2.axes[0].get_legend().get_texts()][:3] == [
        "a",
        "b",
        "c",
    ]


def test_training_curves_rejects_bad_input():
    with pytest.raises(ValueError, match="runs_or_run"):
        plots.training_curves([])
    with pytest.raises(ValueError, match="labels"):
        plots.training_curves([fake_run(), fake_run(8)], labels=["only one"])
    with pytest.raises(ValueError, match="metrics"):
        plots.training_curves(fake_run(), metrics=("top5",))


def test_compare_draws_mean_and_band_per_group():
    groups = {f"C={c}": [fake_run(c, s) for s in range(3)] for c in (1, 32)}
    fig = plots.compare(groups)
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert len(ax.collections) == 2  # the +/- std bands
    mean = (
        np.mean([fake_run(1, s)["history"]["val_accuracy"] for s in range(3)], axis=0)
        * 100
    )
    np.testing.assert_allclose(ax.lines[0].get_ydata(), mean)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "C=1 (3 seeds)",
        "C=32 (3 seeds)",
    ]
    assert ax.get_ylabel() == "validation accuracy (%)"
    with pytest.raises(ValueError, match="groups"):
        plots.compare({})
    with pytest.raises(ValueError, match="metric"):
        plots.compare(groups, metric="top5")


def test_accuracy_vs_cardinality_log2_axis_means_and_seeds():
    runs = [fake_run(c, s) for c in (1, 2, 4, 32) for s in range(3)]
    fig = plots.accuracy_vs(runs)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert list(ax.get_xticks()) == [1, 2, 4, 32]
    assert ax.get_xlabel().startswith("cardinality")
    assert ax.get_ylabel() == "final validation accuracy (%)"
    # one errorbar line of 4 means, and 4 scatter groups of 3 seeds each (+ the legend proxy)
    means = ax.lines[0].get_ydata()
    assert len(means) == 4
    expected = (
        np.mean([fake_run(4, s)["history"]["val_accuracy"][-1] for s in range(3)]) * 100
    )
    assert means[2] == pytest.approx(expected)
    dots = [c for c in ax.collections if len(c.get_offsets()) == 3]
    assert len(dots) == 4
    fig2 = plots.accuracy_vs(runs, metric="test_accuracy")
    assert fig2.axes[0].get_ylabel() == "test accuracy (%)"
    with pytest.raises(ValueError, match="key"):
        plots.accuracy_vs(runs, key="depth")


def test_bars_with_reference_and_human_numbers():
    fig = plots.bars(
        ["ResNet-50", "ResNeXt-50"],
        [25.6e6, 25.0e6],
        "parameters",
        reference=[25.5e6, None],
    )
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["25.6M", "25.0M", "25.5M"]  # no label for the unknown reference
    assert ax.get_ylabel() == "parameters"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ours", "paper"]
    with pytest.raises(ValueError, match="values"):
        plots.bars(["a", "b"], [1.0], "x")
    with pytest.raises(ValueError, match="reference"):
        plots.bars(["a", "b"], [1.0, 2.0], "x", reference=[1.0])


# --------------------------------------------------------------------------------------------
# grouped weight matrix
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cin", "cout", "groups"), [(16, 16, 4), (8, 16, 2), (128, 128, 32)]
)
def test_grouped_weight_is_block_diagonal(cin, cout, groups):
    fig = plots.grouped_weight(cin, cout, groups)
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (cout, cin)
    used = ~np.ma.getmaskarray(image)
    gi, go = cin // groups, cout // groups
    expected = np.zeros((cout, cin), dtype=bool)
    for g in range(groups):
        expected[g * go : (g + 1) * go, g * gi : (g + 1) * gi] = True
    np.testing.assert_array_equal(used, expected)
    assert used.sum() == cin * cout // groups
    title = fig.axes[0].get_title()
    assert f"C={groups}" in title and f"(1/{groups})" in title
    assert fig.axes[0].get_xlabel().startswith("input channel")


def test_grouped_weight_rejects_groups_not_dividing():
    with pytest.raises(ValueError, match="groups.*in_channels=10"):
        plots.grouped_weight(10, 12, 4)
    with pytest.raises(ValueError, match="groups.*out_channels=10"):
        plots.grouped_weight(12, 10, 4)
    with pytest.raises(ValueError, match="groups"):
        plots.grouped_weight(12, 12, 0)


def test_step_times_draws_one_line_per_impl_and_names_skipped_ones():
    rows = [
        {"impl": "native", "C": 1, "ms": 2.0},
        {"impl": "native", "C": 2, "ms": None},
        {"impl": "split", "C": 1, "ms": 2.5},
        {"impl": "split", "C": 2, "ms": 3.0},
    ]
    fig = plots.step_times(rows, labels={"split": "per-group"})
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["native (not run for C ≥ 2)", "per-group"]
    assert ax.get_yscale() == "log" and ax.get_xscale() == "log"


def test_step_times_rejects_rows_without_the_value():
    with pytest.raises(ValueError, match="no key 'gflops'"):
        plots.step_times([{"impl": "split", "C": 1, "ms": 1.0}], value="gflops")
    with pytest.raises(ValueError, match="at least one row"):
        plots.step_times([])


def test_layer_profile_mean_band_and_log_axis():
    fig = plots.layer_profile(
        {"plain": [[1.0, 0.1], [4.0, 0.4]], "residual": [[1.0, 1.0], [1.0, 1.0]]},
        "norm",
    )
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2 and len(ax.collections) == 2
    assert ax.lines[0].get_ydata() == pytest.approx([2.0, 0.2])  # geometric mean
    assert ax.get_ylabel() == "norm"
    linear = plots.layer_profile({"a": [[1.0, -1.0], [3.0, 1.0]]}, "value", log=False)
    assert linear.axes[0].lines[0].get_ydata() == pytest.approx([2.0, 0.0])


@pytest.mark.parametrize(
    "groups, match",
    [
        ({}, "non-empty"),
        ({"a": [[1.0, 2.0], [1.0]]}, "different numbers of layers"),
        ({"a": [[1.0, 0.0]]}, "positive"),
    ],
)
def test_layer_profile_rejects_bad_input(groups, match):
    with pytest.raises(ValueError, match=match):
        plots.layer_profile(groups, "norm")
