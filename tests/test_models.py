"""Blocks and networks: the three ResNeXt forms agree, orders and options do what they say."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import complexity, models


def _block_model(block, in_channels=16, size=8, **kwargs):
    x = keras.Input((size, size, in_channels))
    return keras.Model(x, block(x, name="blk", **kwargs))


def _randomize(model, seed=0):
    """Random weights everywhere, BN statistics included (so inference mode is not trivial)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        value = rng.normal(scale=0.5, size=w.shape).astype("float32")
        if w.path.endswith(("moving_variance", "gamma")):
            value = np.abs(value) + 0.5
        w.assign(value)


def _outputs_and_gradients(model, x, training):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = model(x, training=training)
        loss = tf.reduce_sum(tf.sin(y))
    grads = tape.gradient(loss, [x, *model.trainable_weights])
    return y.numpy(), grads[0].numpy(), [g.numpy() for g in grads[1:]]


FORM_CASES = [
    # (preact, in_channels, out_channels, stride): identity and projection shortcuts
    (False, 16, 16, 1),
    (False, 16, 32, 2),
    (True, 16, 16, 1),
    (True, 16, 32, 2),
]


@pytest.mark.parametrize("form", ["a", "b"])
@pytest.mark.parametrize(
    "case", FORM_CASES, ids=lambda c: "preact{:d}-{}-{}-s{}".format(*c)
)
def test_three_forms_are_the_same_function(form, case):
    preact, in_channels, out_channels, stride = case
    kwargs = {
        "out_channels": out_channels, "cardinality": 4, "bottleneck_width": 3, "stride": stride,
        "preact": preact,
    }  # fmt: skip
    form_c = _block_model(models.resnext_block, in_channels, form="c", **kwargs)
    other = _block_model(models.resnext_block, in_channels, form=form, **kwargs)
    _randomize(form_c)
    assert models.copy_block_weights(form_c, other) == len(
        [la for la in other.layers if la.weights]
    )
    x = tf.constant(
        np.random.default_rng(1).normal(size=(3, 8, 8, in_channels)), tf.float32
    )
    for training in (False, True):
        y_c, dx_c, dw_c = _outputs_and_gradients(form_c, x, training)
        y_o, dx_o, dw_o = _outputs_and_gradients(other, x, training)
        np.testing.assert_allclose(
            y_o, y_c, atol=1e-5, err_msg=f"outputs, training={training}"
        )
        np.testing.assert_allclose(
            dx_o, dx_c, atol=1e-5, err_msg=f"d/dx, training={training}"
        )
        # Weight gradients: put form (c)'s gradients in a form (c) model, map them with the
        # same slicing as the weights, and compare with form (a)/(b)'s own gradients.
        grads_c = _block_model(models.resnext_block, in_channels, form="c", **kwargs)
        for w, g in zip(grads_c.trainable_weights, dw_c, strict=True):
            w.assign(g)
        grads_o = _block_model(models.resnext_block, in_channels, form=form, **kwargs)
        models.copy_block_weights(grads_c, grads_o)
        # They sum over 3*8*8 positions and reach ~30: the tolerance is 1e-5 of that size.
        for w, g in zip(grads_o.trainable_weights, dw_o, strict=True):
            want = w.numpy()
            scale = max(1.0, float(np.max(np.abs(want))))
            np.testing.assert_allclose(
                g, want, atol=1e-5 * scale, rtol=0, err_msg=w.path
            )


def test_copy_between_whole_models_of_two_forms():
    config = {"stages": [1, 1], "cardinality": 2, "bottleneck_width": 2, "width": 16}
    form_c = models.build_model(form="c", **config)
    form_a = models.build_model(form="a", **config)
    _randomize(form_c)
    models.copy_block_weights(form_c, form_a)
    x = np.random.default_rng(4).normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(form_a(x), form_c(x), atol=1e-5)


@pytest.mark.parametrize(("cardinality", "bottleneck_width"), [(1, 8), (4, 3), (8, 2)])
def test_forms_have_the_paper_parameter_count(cardinality, bottleneck_width):
    counts = []
    for form in models.FORMS:
        model = _block_model(
            models.resnext_block, 32, out_channels=32, cardinality=cardinality,
            bottleneck_width=bottleneck_width, form=form,
        )  # fmt: skip
        counts.append(complexity.count(model))
    assert len({c.params for c in counts}) == 1
    group_width = cardinality * bottleneck_width
    for c in (
        counts
    ):  # BN: gamma and beta after conv1 and conv2 (C*d each) and after the sum
        assert c.bn_params == 2 * (2 * group_width + 32)
        assert c.params_without_bn == complexity.block_params(
            cardinality, bottleneck_width, 32
        )


@pytest.mark.parametrize(
    ("block", "kwargs"),
    [
        (models.basic_block, {"out_channels": 16}),
        (models.bottleneck_block, {"out_channels": 16, "bottleneck_width": 4}),
        (models.resnext_block, {"out_channels": 16, "cardinality": 4, "bottleneck_width": 2}),
        (models.resnext_block, {"out_channels": 16, "cardinality": 4, "bottleneck_width": 2,
                                "form": "a"}),
    ],
)  # fmt: skip
def test_zero_init_last_bn_starts_as_identity(block, kwargs):
    model = _block_model(block, zero_init_last_bn=True, **kwargs)
    x = np.abs(np.random.default_rng(2).normal(size=(2, 8, 8, 16))).astype("float32")
    for training in (False, True):
        np.testing.assert_allclose(model(x, training=training), x, atol=1e-6)
    without = _block_model(block, **kwargs)
    assert not np.allclose(without(x), x, atol=1e-3)


def test_post_activation_order():
    """Conv -> BN -> ReLU; the last BN is followed by the addition, then the ReLU."""
    model = _block_model(
        models.bottleneck_block, out_channels=32, bottleneck_width=8, stride=2
    )
    types = {la.name: type(la).__name__ for la in model.layers}
    expected = [
        "conv1",
        "bn1",
        "relu1",
        "conv2",
        "bn2",
        "relu2",
        "conv3",
        "bn3",
        "add",
        "out",
    ]
    names = [la.name[4:] for la in model.layers if la.name.startswith("blk_")]
    branch = [n for n in names if not n.startswith("proj")]
    assert branch == expected
    assert (
        types["blk_proj_conv"] == "Conv2D"
        and types["blk_proj_bn"] == "FusedBatchNormalization"
    )
    assert model.get_layer("blk_proj_conv").strides == (2, 2)
    assert model.get_layer("blk_conv2").strides == (2, 2)  # the stride is on the 3x3
    assert all(not model.get_layer(f"blk_conv{i}").use_bias for i in (1, 2, 3))
    assert model.output_shape == (None, 4, 4, 32)


def test_pre_activation_order():
    model = _block_model(models.basic_block, out_channels=16, preact=True)
    names = [la.name[4:] for la in model.layers if la.name.startswith("blk_")]
    assert names == [
        "preact_bn",
        "preact_relu",
        "conv1",
        "bn1",
        "relu1",
        "conv2",
        "add",
    ]
    x = np.random.default_rng(3).normal(size=(2, 8, 8, 16)).astype("float32")
    assert np.min(model(x)) < 0  # no ReLU after the addition


@pytest.mark.parametrize(
    "shape", [(5, 6, 7, 8), (4, 8)], ids=["fused", "keras-fallback"]
)
def test_fused_batch_normalization_equals_keras(shape):
    rng = np.random.default_rng(5)
    x = tf.constant(rng.normal(loc=1.0, scale=3.0, size=shape), tf.float32)
    reference = keras.layers.BatchNormalization(momentum=0.9, epsilon=1.001e-5)
    ours = models.FusedBatchNormalization(momentum=0.9, epsilon=1.001e-5)
    reference.build(x.shape), ours.build(x.shape)
    weights = [rng.normal(size=w.shape).astype("float32") for w in reference.weights]
    weights[3] = np.abs(weights[3]) + 0.5  # a variance
    reference.set_weights(weights), ours.set_weights(weights)
    for training in (True, False):
        got, want = (
            _outputs_and_gradients(keras.Sequential([layer]), x, training)
            for layer in (ours, reference)
        )
        np.testing.assert_allclose(got[0], want[0], atol=1e-5)  # outputs
        np.testing.assert_allclose(got[1], want[1], atol=1e-5)  # d/dx
        for g, w in zip(
            got[2], want[2], strict=True
        ):  # d/dgamma, d/dbeta: sums of ~200
            np.testing.assert_allclose(g, w, atol=1e-5 * max(1.0, np.max(np.abs(w))))
        for a, b in zip(
            ours.non_trainable_weights, reference.non_trainable_weights, strict=True
        ):
            np.testing.assert_allclose(
                a.numpy(), b.numpy(), atol=1e-6
            )  # moving statistics


def test_plain_block_has_no_shortcut():
    model = _block_model(models.plain_block, out_channels=16)
    kinds = [type(la).__name__ for la in model.layers]
    assert "Add" not in kinds and kinds.count("Conv2D") == 2


@pytest.mark.parametrize("block", models.block_kinds())
@pytest.mark.parametrize("preact", [False, True])
def test_build_model_every_block(block, preact):
    model = models.build_model(
        block=block, stages=[1, 1, 1], preact=preact, bottleneck_width=4
    )
    assert model.output_shape == (None, 10)
    assert model.get_layer(
        "stage3_block1_add" if block != "plain" else "stage3_block1_conv2"
    )
    final_map = [la for la in model.layers if la.name.startswith("stage3")][
        -1
    ].output.shape
    assert tuple(final_map) == (None, 8, 8, 256)
    probabilities = model(np.zeros((2, 32, 32, 3), "float32"))
    np.testing.assert_allclose(np.sum(probabilities, axis=1), 1.0, rtol=1e-5)


def test_build_model_defaults_are_the_contract():
    import inspect

    signature = inspect.signature(models.build_model).parameters.values()
    assert {p.name: p.default for p in signature} == {
        k: tuple(v) if isinstance(v, list) else v
        for k, v in models.DEFAULT_CONFIG.items()
    }
    assert models.DEFAULT_CONFIG["block"] == "resnext"
    model = models.build_model(**models.DEFAULT_CONFIG)
    group_conv = model.get_layer("stage2_block1_conv2")
    assert (group_conv.groups, group_conv.filters) == (4, 32)  # C=4, d doubles to 8
    assert model.get_layer("stage1_block1_conv3").filters == 64


def test_seed_makes_weights_reproducible():
    def weights(seed):
        model = models.build_model(seed=seed, stages=[1])
        return [w.numpy() for w in model.weights]

    first, again, other = weights(7), weights(7), weights(8)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"block": "dense"}, r"block='dense'"),
        ({"form": "d"}, r"form='d'"),
        ({"grouped_impl": "fastest"}, r"grouped_impl='fastest'"),
        ({"cardinality": 0}, r"cardinality=0"),
        ({"bottleneck_width": -4}, r"bottleneck_width=-4"),
        ({"width": 0}, r"width=0"),
        ({"stem_width": 2.5}, r"stem_width=2.5"),
        ({"stages": []}, r"stages"),
        ({"stages": [1, 0]}, r"stages\[1\]=0"),
        ({"num_classes": 0}, r"num_classes=0"),
        ({"input_shape": [32, 32]}, r"input_shape"),
        ({"input_shape": [32, 0, 3]}, r"input_shape\[1\]=0"),
        ({"preact": "yes"}, r"preact='yes'"),
        ({"seed": -1}, r"seed=-1"),
        ({"preact": True, "zero_init_last_bn": True}, r"zero_init_last_bn"),
    ],
)
def test_bad_config_is_a_value_error_naming_it(config, message):
    with pytest.raises(ValueError, match=message):
        models.build_model(**config)


def test_bad_block_arguments_are_value_errors():
    x = keras.Input((8, 8, 16))
    with pytest.raises(ValueError, match=r"cardinality=0"):
        models.resnext_block(x, 16, 0, 4)
    with pytest.raises(ValueError, match=r"out_channels=-16"):
        models.basic_block(x, -16)
    with pytest.raises(ValueError, match=r"stride=0"):
        models.plain_block(x, 16, stride=0)
    with pytest.raises(ValueError, match=r"form='z'"):
        models.resnext_block(x, 16, 4, 4, form="z")
    with pytest.raises(ValueError, match=r"bottleneck_width=0"):
        models.resnext29(8, 0)


def test_copy_block_weights_rejects_mismatched_models():
    small = _block_model(
        models.resnext_block, out_channels=16, cardinality=2, bottleneck_width=2
    )
    other = _block_model(models.basic_block, out_channels=16)
    with pytest.raises(ValueError, match=r"blk_conv1"):
        models.copy_block_weights(small, other)


def test_toy_online_model_has_the_example_structure_and_cost():
    model = models.toy_online_model(branches=8, filters=64, seed=0)
    names = [layer.name for layer in model.layers]
    assert [n for n in names if n.startswith("block_branch")] == [
        f"block_branch{i}" for i in range(8)
    ]
    for name in (
        "stem_conv",
        "block_sum",
        "block_conv",
        "block_shortcut",
        "block_add",
        "pool",
    ):
        assert name in names
    # the "shortcut" reads the 1x1 convolution's output, not the block input
    shortcut = model.get_layer("block_shortcut")
    assert shortcut.input is model.get_layer("block_conv").output
    counted = complexity.count(model)
    branch_weights = 8 * (9 * 64 * 64 + 64)
    expected = (9 * 3 * 64 + 64) + branch_weights + 2 * (64 * 64 + 64) + (64 * 10 + 10)
    assert counted.params == expected
    assert (
        counted.multiply_adds
        == 32 * 32 * (9 * 3 * 64 + 8 * 9 * 64 * 64 + 2 * 64 * 64) + 640
    )
    assert model.output_shape == (None, 10)


def test_toy_online_model_without_stem_reads_the_image():
    model = models.toy_online_model(branches=2, filters=4, stem=False, seed=0)
    assert "stem_conv" not in [layer.name for layer in model.layers]
    assert model.get_layer("block_branch0").kernel.shape == (3, 3, 3, 4)


def test_toy_online_model_is_deterministic_by_seed():
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    a = models.toy_online_model(branches=2, filters=4, seed=3)(x)
    b = models.toy_online_model(branches=2, filters=4, seed=3)(x)
    c = models.toy_online_model(branches=2, filters=4, seed=4)(x)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b))
    assert not np.allclose(np.asarray(a), np.asarray(c))


def test_naive_block_computes_relu_of_sum_conv_plus_its_projection():
    x_in = keras.Input((5, 5, 3))
    block = keras.Model(x_in, models.naive_parallel_block(x_in, 3, 4, seed=0, name="n"))
    x = np.random.default_rng(1).normal(size=(2, 5, 5, 3)).astype("float32")
    summed = sum(np.asarray(block.get_layer(f"n_branch{i}")(x)) for i in range(3))
    y = np.asarray(block.get_layer("n_conv")(summed))
    want = np.maximum(y + np.asarray(block.get_layer("n_shortcut")(y)), 0.0)
    np.testing.assert_allclose(np.asarray(block(x)), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"branches": 0}, "branches=0"),
        ({"filters": 2.5}, "filters=2.5"),
        ({"stem": "yes"}, "stem="),
        ({"input_shape": (32, 32)}, "input_shape"),
        ({"seed": -1}, "seed=-1"),
    ],
)
def test_toy_online_model_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        models.toy_online_model(**kwargs)
