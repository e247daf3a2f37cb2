"""helpers.training.gradient_norms and helpers.plots.layer_profile (chapter 1)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import models, plots, training


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.random((8, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, size=8)


@pytest.fixture(scope="module")
def net():
    return models.build_model(
        block="basic", stages=[1, 1], width=8, stem_width=8, seed=0
    )


def test_one_row_per_kernel_in_layer_order(net, batch):
    rows = training.gradient_norms(net, *batch)
    names = [r["name"] for r in rows]
    assert names[0] == "stem_conv" and names[-1] == "classifier"
    assert set(names) >= {"stage1_block1_conv1", "stage2_block1_proj_conv"}
    assert all(r["kind"] == "conv" for r in rows[:-1]) and rows[-1]["kind"] == "dense"
    assert all(r["norm"] > 0 and r["weight_norm"] > 0 for r in rows)


def test_matches_a_direct_gradient_and_changes_nothing(net, batch):
    import tensorflow as tf

    x, y = batch
    before = [v.numpy().copy() for v in net.variables]
    rows = training.gradient_norms(net, x, y)
    after = [v.numpy() for v in net.variables]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    kernel = net.get_layer("stage1_block1_conv2").kernel
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, net(x, training=True))
    expected = float(tf.norm(tape.gradient(loss, kernel)))
    got = next(r["norm"] for r in rows if r["name"] == "stage1_block1_conv2")
    assert got == pytest.approx(expected, rel=1e-5)


def test_same_weights_same_norms(batch):
    def norms():
        net = models.build_model(
            block="plain", stages=[2], width=8, stem_width=8, seed=3
        )
        return [r["norm"] for r in training.gradient_norms(net, *batch)]

    assert norms() == pytest.approx(norms(), rel=1e-6)


@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.zeros((4, 16, 16, 3), np.float32), np.zeros(4, int), "x must have shape"),
        (
            np.zeros((4, 32, 32, 3), np.float32),
            np.zeros(3, int),
            "y must be 4 integer labels",
        ),
        (np.zeros((4, 32, 32, 3), np.float32), np.full(4, 10), "labels in"),
        (np.zeros((4, 32, 32, 3), np.float32), np.zeros(4), "integer labels"),
    ],
)
def test_rejects_bad_batches(net, x, y, match):
    with pytest.raises(ValueError, match=match):
        training.gradient_norms(net, x, y)


def test_rejects_what_is_not_a_model(batch):
    with pytest.raises(ValueError, match="model must be a built keras.Model"):
        training.gradient_norms("resnet", *batch)


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
