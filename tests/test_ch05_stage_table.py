"""helpers.complexity.block_table and stage_table (chapter 5): the stages of a built network as in
the paper's Table 1, with parameters and multiply-adds that add up to the whole model's."""

from __future__ import annotations

import keras
import pytest

from helpers import complexity, models


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


def test_html_table_escapes_aligns_and_prints_as_text():
    rows = [{"stage": "conv2", "layers": "1×1, 128 | <b>", "blocks": 3}]
    table = complexity.html_table(rows, columns=["stage", "blocks"], caption="Table 1")
    text = table._repr_html_()
    assert text.startswith("<table") and "<caption>Table 1</caption>" in text
    assert '<td style="text-align:right">3</td>' in text
    assert "layers" not in text  # only the chosen columns
    shown = complexity.html_table(rows)._repr_html_()
    assert "&lt;b&gt;" in shown and "<b>" not in shown
    assert str(table).split() == ["stage", "blocks", "conv2", "3"]


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        ([], None, "rows"),
        (["not a dict"], None, "rows"),
        ([{"a": 1}], "a", "columns"),
        ([{"a": 1}], ["b"], "columns"),
    ],
)
def test_html_table_refuses_bad_input(rows, columns, message):
    with pytest.raises(ValueError, match=message):
        complexity.html_table(rows, columns=columns)
