"""Complexity accounting: counts of built models, the paper's closed forms and its tables."""

from __future__ import annotations

import time

import keras
import pytest

from helpers import complexity, models
from helpers.grouped import GroupedConv2D


def test_block_params_is_the_closed_form_of_section_3_3():
    assert complexity.block_params(1, 64) == 256 * 64 + 9 * 64 * 64 + 64 * 256 == 69_632
    assert complexity.block_params(32, 4) == 32 * (256 * 4 + 9 * 16 + 4 * 256) == 70_144
    assert complexity.block_params(2, 8, channels=64) == 2 * (64 * 8 * 2 + 9 * 64)
    assert (
        complexity.block_multiply_adds(32, 4, height=56, width=56) == 70_144 * 56 * 56
    )
    assert complexity.block_multiply_adds(1, 64, height=7, width=9) == 69_632 * 63


def test_table2_of_the_paper():
    rows = complexity.table2()
    assert [r["cardinality"] for r in rows] == [1, 2, 4, 8, 32]
    assert [r["bottleneck_width"] for r in rows] == [64, 40, 24, 14, 4]
    assert [r["group_width"] for r in rows] == [64, 80, 96, 112, 128]
    # "~70k" for every row: within 3% of the ResNet block
    assert all(abs(r["params"] / 69_632 - 1) < 0.03 for r in rows)
    text = str(rows)
    assert text.splitlines()[0].split() == [
        "cardinality", "bottleneck_width", "group_width", "params",
    ]  # fmt: skip
    assert "70,144" in text


def test_bottleneck_width_for_is_the_nearest():
    for cardinality in (1, 3, 16, 64):
        d = complexity.bottleneck_width_for(cardinality, budget=50_000, channels=128)
        gap = abs(complexity.block_params(cardinality, d, 128) - 50_000)
        for other in (d - 1, d + 1):
            if other >= 1:
                assert gap <= abs(
                    complexity.block_params(cardinality, other, 128) - 50_000
                )
    assert (
        complexity.bottleneck_width_for(1, channels=64) == 16
    )  # default: the ResNet block
    assert complexity.bottleneck_width_for(1000, budget=10) == 1


def _one_block(form, cardinality, bottleneck_width, channels=256, size=7):
    x = keras.Input((size, size, channels))
    y = models.resnext_block(
        x, channels, cardinality, bottleneck_width, form=form, name="blk"
    )
    return keras.Model(x, y)


@pytest.mark.parametrize("form", models.FORMS)
def test_count_of_a_built_block_matches_the_closed_form(form):
    result = complexity.count(_one_block(form, 8, 4, channels=64, size=5))
    assert result.params_without_bn == complexity.block_params(8, 4, channels=64)
    assert result.multiply_adds == complexity.block_multiply_adds(
        8, 4, 64, height=5, width=5
    )


def test_count_of_layer_kinds():
    x = keras.Input((8, 8, 16))
    a = keras.layers.Conv2D(32, 3, padding="same", groups=4, name="keras_grouped")(x)
    b = GroupedConv2D(32, 3, groups=4, use_bias=True, name="ours")(x)
    y = keras.layers.Concatenate()([a, b])
    y = keras.layers.BatchNormalization(name="bn")(y)
    y = keras.layers.MaxPooling2D(2, name="pool")(y)
    y = keras.layers.GlobalAveragePooling2D(name="gap")(y)
    y = keras.layers.Dense(10, name="fc")(y)
    model = keras.Model(x, y)
    result = complexity.count(model)
    rows = {r["name"]: r for r in result.rows}
    grouped_weights = 3 * 3 * 4 * 32
    for name in ("keras_grouped", "ours"):
        assert rows[name]["kind"] == "grouped conv"
        assert rows[name]["params"] == grouped_weights + 32
        assert rows[name]["multiply_adds"] == grouped_weights * 8 * 8
        assert rows[name]["output_shape"] == (8, 8, 32)
    assert rows["bn"]["params"] == 2 * 64 and rows["bn"]["multiply_adds"] == 0
    assert (
        rows["pool"]["params"]
        == rows["gap"]["params"]
        == rows["pool"]["multiply_adds"]
        == 0
    )
    assert rows["fc"]["params"] == 64 * 10 + 10 and rows["fc"]["multiply_adds"] == 640
    assert result.bn_params == 128 and result.non_trainable == 128
    assert result.params + result.non_trainable == model.count_params()
    assert result.multiply_adds == 2 * grouped_weights * 64 + 640
    assert "multiply-adds per image" in str(result)


def test_validation_names_the_parameter():
    with pytest.raises(ValueError, match=r"cardinality=0"):
        complexity.block_params(0, 4)
    with pytest.raises(ValueError, match=r"bottleneck_width=-1"):
        complexity.block_params(4, -1)
    with pytest.raises(ValueError, match=r"channels=2.5"):
        complexity.block_params(4, 4, channels=2.5)
    with pytest.raises(ValueError, match=r"height=0"):
        complexity.block_multiply_adds(4, 4, height=0)
    with pytest.raises(ValueError, match=r"budget=-5"):
        complexity.bottleneck_width_for(4, budget=-5)
    with pytest.raises(ValueError, match=r"cardinality=0"):
        complexity.table2(cardinalities=[1, 0])


# --- the paper's tables, from built networks --------------------------------------------------
# The paper's parameter counts are those of convolutions and the classifier, without BN
# (params_without_bn); with BN's gamma and beta, ResNet-50 would round to 25.6M, not 25.5M.
PAPER = [
    # builder, params (millions, Table 1 / 7), multiply-adds (billions, Table 1) or None
    pytest.param(models.resnet50, 25.5, 4.1, id="resnet50"),
    pytest.param(models.resnext50_32x4d, 25.0, 4.2, id="resnext50_32x4d"),
    pytest.param(lambda: models.resnext29(8, 64), 34.4, None, id="resnext29_8x64d"),
    pytest.param(lambda: models.resnext29(16, 64), 68.1, None, id="resnext29_16x64d"),
]


@pytest.mark.parametrize(("build", "params", "multiply_adds"), PAPER)
def test_paper_tables_1_and_7(build, params, multiply_adds):
    start = time.perf_counter()
    model = build()
    assert time.perf_counter() - start < 30, (
        "building a paper network must take seconds"
    )
    result = complexity.count(model)
    assert abs(result.params_without_bn / 1e6 - params) <= 0.05, (
        result.params_without_bn
    )
    if multiply_adds is not None:
        assert abs(result.multiply_adds / 1e9 - multiply_adds) <= 0.05, (
            result.multiply_adds
        )
    if (
        model.name == "resnet50"
    ):  # exact totals; torchvision's resnet50 has 25,557,032 too
        assert (result.params, result.params_without_bn) == (25_557_032, 25_503_912)
        assert result.multiply_adds == 4_089_184_256


def small(**kwargs):
    config = {
        "stages": [1, 2],
        "width": 32,
        "cardinality": 4,
        "bottleneck_width": 2,
        **kwargs,
    }
    return models.build_model(**config)


def test_block_table_has_stem_blocks_and_head_and_adds_up():
    model = small()
    rows = complexity.block_table(model)
    assert [r["part"] for r in rows] == [
        "stem", "stage1_block1", "stage2_block1", "stage2_block2", "head",
    ]  # fmt: skip
    assert [r["output"] for r in rows[1:4]] == [
        (32, 32, 32),
        (16, 16, 64),
        (16, 16, 64),
    ]
    total = complexity.count(model)
    assert sum(r["params"] for r in rows) == total.params_without_bn
    assert sum(r["bn_params"] for r in rows) == total.bn_params
    assert sum(r["multiply_adds"] for r in rows) == total.multiply_adds


@pytest.mark.parametrize("form", ["a", "b", "c"])
def test_stage_table_reads_the_same_for_the_three_forms(form):
    table = complexity.stage_table(small(form=form))
    assert [r["stage"] for r in table] == ["conv1", "conv2", "conv3", "fc"]
    assert [r["output"] for r in table] == ["32×32", "32×32", "16×16", "1×1"]
    assert table[1]["layers"] == "1×1, 8 | 3×3, 8, C=4 | 1×1, 32"
    assert table[2]["layers"] == "1×1, 16 | 3×3, 16, C=4 | 1×1, 64"
    assert [r["blocks"] for r in table] == [None, 1, 2, None]
    assert table[3]["layers"] == "global average pool, 10-d fc, softmax"
    total = complexity.count(small(form=form))
    assert sum(r["params"] for r in table) == total.params_without_bn
    assert sum(r["multiply_adds"] for r in table) == total.multiply_adds


def test_stage_table_of_resnext50_is_table_1_of_the_paper():
    table = complexity.stage_table(models.resnext50_32x4d())
    assert [(r["stage"], r["output"], r["layers"], r["blocks"]) for r in table] == [
        ("conv1", "112×112", "7×7, 64, stride 2", None),
        ("pool", "56×56", "3×3 max pool, stride 2", None),
        ("conv2", "56×56", "1×1, 128 | 3×3, 128, C=32 | 1×1, 256", 3),
        ("conv3", "28×28", "1×1, 256 | 3×3, 256, C=32 | 1×1, 512", 4),
        ("conv4", "14×14", "1×1, 512 | 3×3, 512, C=32 | 1×1, 1024", 6),
        ("conv5", "7×7", "1×1, 1024 | 3×3, 1024, C=32 | 1×1, 2048", 3),
        ("fc", "1×1", "global average pool, 1000-d fc, softmax", None),
    ]
    assert round(sum(r["params"] for r in table) / 1e6, 1) == 25.0  # Table 1: 25.0M
    assert (
        round(sum(r["multiply_adds"] for r in table) / 1e9, 1) == 4.2
    )  # Table 1: 4.2 GFLOPs


def test_plain_and_preactivation_blocks():
    table = complexity.stage_table(small(block="plain", preact=True))
    assert table[1]["layers"] == "3×3, 32 | 3×3, 32"
    assert table[2]["output"] == "16×16"


def test_count_layer_multiply_adds():
    x = keras.Input((8, 8, 3))
    conv = keras.layers.Conv2D(4, 3, padding="same", groups=1)
    dense = keras.layers.Dense(5)
    _ = dense(keras.layers.Flatten()(conv(x)))
    assert complexity.count_layer_multiply_adds(conv) == 3 * 3 * 3 * 4 * 64
    assert complexity.count_layer_multiply_adds(dense) == 256 * 5
    assert complexity.count_layer_multiply_adds(keras.layers.ReLU()) == 0


def test_a_model_without_named_blocks_is_refused():
    x = keras.Input((8, 8, 3))
    model = keras.Model(x, keras.layers.Conv2D(4, 3, name="conv")(x), name="bare")
    with pytest.raises(ValueError, match="model='bare'"):
        complexity.stage_table(model)
