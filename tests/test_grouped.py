"""GroupedConv2D: every implementation computes keras.layers.Conv2D(groups=C) exactly."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import grouped
from helpers.grouped import IMPLS, GroupedConv2D

EXACT = [name for name in IMPLS if name != "auto"]

# (groups, kernel_size, strides, padding, use_bias)
CASES = [
    (1, 3, 1, "same", False),
    (4, 3, 1, "same", False),
    (8, 3, 2, "same", True),
    (2, (3, 1), (2, 1), "valid", True),
    (32, 3, 2, "valid", False),
]


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    """Each test starts with "auto" meaning the per-device rule."""
    monkeypatch.delenv(grouped.ENV_VAR, raising=False)
    monkeypatch.delenv(grouped.OLD_ENV_VAR, raising=False)
    grouped.set_default_impl(None)
    yield
    grouped.set_default_impl(None)


def _loss_and_gradients(layer, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(tf.sin(y) * tf.range(y.shape[-1], dtype=y.dtype))
    return [y.numpy()] + [
        g.numpy() for g in tape.gradient(loss, [x, *layer.trainable_weights])
    ]


def _close(got, want, tol=1e-5):
    """Equal up to float32 rounding, relative to the size of the values."""
    return np.max(np.abs(got - want)) <= tol * max(1.0, float(np.max(np.abs(want))))


@pytest.mark.parametrize("impl", EXACT)
@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"C{c[0]}-k{c[1]}-s{c[2]}-{c[3]}-b{c[4]}"
)
def test_impl_equals_keras_grouped_conv2d(impl, case):
    groups, kernel_size, strides, padding, use_bias = case
    if impl == "direct" and not grouped.direct_available():
        pytest.skip("TensorFlow here has no grouped-convolution gradients (no oneDNN)")
    x = tf.constant(
        np.random.default_rng(0).normal(size=(2, 9, 9, 32)).astype("float32")
    )
    reference = keras.layers.Conv2D(
        64, kernel_size, strides=strides, padding=padding, groups=groups, use_bias=use_bias,
        bias_initializer="random_normal",
    )  # fmt: skip
    ours = GroupedConv2D(
        64, kernel_size, groups=groups, strides=strides, padding=padding, use_bias=use_bias,
        impl=impl,
    )  # fmt: skip
    reference(x), ours(x)
    assert [tuple(w.shape) for w in ours.weights] == [
        tuple(w.shape) for w in reference.weights
    ]
    ours.set_weights(reference.get_weights())
    assert ours.resolved_impl == impl
    want, got = _loss_and_gradients(reference, x), _loss_and_gradients(ours, x)
    for what, g, w in zip(
        ["output", "d/dx", "d/dkernel", "d/dbias"], got, want, strict=False
    ):
        assert g.shape == w.shape, what
        assert _close(g, w), f"{impl}: {what} differs by {np.max(np.abs(g - w))}"
    assert ours.compute_output_shape(x.shape) == tuple(got[0].shape)


def test_auto_is_exact_and_fast_choice_on_this_device():
    assert grouped.resolve_impl("auto", groups=1, in_channels=64) == "native"
    chosen = grouped.resolve_impl("auto", groups=32, in_channels=128)
    if tf.config.list_logical_devices("GPU"):
        assert chosen == "native"
    elif grouped.direct_available():
        assert chosen == "direct"
    else:
        assert chosen in ("split", "dense")
    layer = GroupedConv2D(16, 3, groups=4)
    layer(np.zeros((1, 4, 4, 16), "float32"))
    assert layer.resolved_impl == grouped.resolve_impl("auto", groups=4, in_channels=16)


def test_set_default_impl_and_env_var_override_auto(monkeypatch):
    monkeypatch.setenv(grouped.ENV_VAR, "batched")
    assert grouped.resolve_impl("auto", groups=4, in_channels=16) == "batched"
    grouped.set_default_impl("dense")  # the function wins over the environment
    assert grouped.resolve_impl("auto", groups=4, in_channels=16) == "dense"
    layer = GroupedConv2D(16, 3, groups=4)
    layer(np.zeros((1, 4, 4, 16), "float32"))
    assert layer.resolved_impl == "dense"
    # an explicit name is not overridden
    assert grouped.resolve_impl("split", groups=4, in_channels=16) == "split"
    grouped.set_default_impl(None)
    assert grouped.resolve_impl("auto", groups=4, in_channels=16) == "batched"


def test_unknown_impl_is_a_value_error_naming_it(monkeypatch):
    with pytest.raises(ValueError, match=r"impl='fastest'"):
        GroupedConv2D(16, 3, groups=4, impl="fastest")
    with pytest.raises(ValueError, match=r"impl='fastest'"):
        grouped.set_default_impl("fastest")
    monkeypatch.setenv(grouped.ENV_VAR, "fastest")
    with pytest.raises(ValueError, match=r"RESNEXT_GROUPED_IMPL='fastest'"):
        GroupedConv2D(16, 3, groups=4)(np.zeros((1, 4, 4, 16), "float32"))


@pytest.mark.parametrize(
    ("kwargs", "channels", "message"),
    [
        ({"filters": 16, "groups": 3}, 12, r"groups=3 must divide filters=16"),
        (
            {"filters": 16, "groups": 4},
            10,
            r"groups=4 must divide the input channels \(10\)",
        ),
        ({"filters": 0, "groups": 1}, 8, r"filters=0"),
        ({"filters": 8, "groups": -2}, 8, r"groups=-2"),
        ({"filters": 8, "groups": 2, "padding": "full"}, 8, r"padding='full'"),
        ({"filters": 8, "groups": 2, "strides": 0}, 8, r"strides=0"),
    ],
)
def test_bad_sizes_are_value_errors(kwargs, channels, message):
    with pytest.raises(ValueError, match=message):
        layer = GroupedConv2D(kernel_size=3, **kwargs)
        layer(np.zeros((1, 4, 4, channels), "float32"))


def test_batched_needs_a_static_map_size():
    with pytest.raises(ValueError, match=r"impl='batched'"):
        GroupedConv2D(8, 3, groups=2, impl="batched")(keras.Input((None, None, 8)))
    ours = GroupedConv2D(8, 3, groups=2, impl="split")  # the others take any size
    assert tuple(ours(keras.Input((None, None, 8))).shape) == (None, None, None, 8)


def test_config_round_trip_and_saving(tmp_path):
    x = keras.Input((6, 6, 8))
    y = GroupedConv2D(8, 3, groups=2, use_bias=True, impl="split", name="gc")(x)
    model = keras.Model(x, y)
    clone = GroupedConv2D.from_config(model.get_layer("gc").get_config())
    assert (clone.groups, clone.impl, clone.kernel_size) == (2, "split", (3, 3))
    path = tmp_path / "grouped.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    data = np.random.default_rng(1).normal(size=(2, 6, 6, 8)).astype("float32")
    np.testing.assert_allclose(loaded(data), model(data), atol=1e-6)


def test_probe_works_while_tracing():
    """Building a layer inside tf.function (a subclassed model's first call) still probes."""
    eager_answer = grouped.direct_available()
    grouped._direct_ok = None  # forget the cached answer

    layer = GroupedConv2D(8, 3, groups=4)

    @tf.function
    def build_inside_trace(x):
        return layer(x)

    build_inside_trace(tf.zeros((1, 4, 4, 8)))
    assert grouped._direct_ok is eager_answer
    assert layer.resolved_impl == grouped.resolve_impl("auto", groups=4, in_channels=8)


def test_the_old_environment_variable_still_works_but_warns(monkeypatch):
    monkeypatch.setenv(grouped.OLD_ENV_VAR, "split")
    with pytest.warns(DeprecationWarning, match="RESNEXT_GROUPED_IMPL"):
        assert grouped.get_default_impl() == "split"
    monkeypatch.setenv(grouped.ENV_VAR, "dense")  # the new name wins
    assert grouped.get_default_impl() == "dense"
