"""Chapter 8: the online example's block and model."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import complexity, models


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
