"""helpers.timing: the step timer, taking turns, GFLOP/s, and the timings of chapters 3, 7-9."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import grouped, models, timing


def test_time_grouped_conv_rows_cover_every_impl_and_cardinality():
    rows = timing.time_grouped_conv(
        [1, 2, 4],
        ["split", "auto"],
        channels=8,
        batch=1,
        size=4,
        repeats=2,
        budget_s=5.0,
    )
    assert [(r["impl"], r["C"]) for r in rows] == [
        ("split", 1), ("split", 2), ("split", 4), ("auto", 1), ("auto", 2), ("auto", 4),
    ]  # fmt: skip
    for row in rows:
        assert row["ms"] > 0 and row["first_ms"] > 0 and 1 <= row["steps"] <= 2
        assert not row["skipped"] and row["device"] in ("CPU", "GPU")
        # 3x3 kernel, 8/C inputs per group, 8 outputs, 4x4 positions, batch 1
        assert row["multiply_adds"] == 9 * (8 // row["C"]) * 8 * 16
        assert row["gflops"] == pytest.approx(
            6 * row["multiply_adds"] / row["ms"] / 1e6
        )
    assert rows[3]["runs"] == "native"  # auto with one group is a plain convolution
    assert rows[4]["runs"] == grouped.resolve_impl(groups=2, in_channels=8)


def test_time_grouped_conv_skips_larger_cardinalities_of_a_slow_impl():
    rows = timing.time_grouped_conv(
        [1, 2, 4], ["split"], channels=8, batch=1, size=4, repeats=1, max_step_s=1e-9
    )
    assert [r["skipped"] for r in rows] == [False, True, True]
    assert rows[1]["ms"] is None and rows[1]["gflops"] is None and rows[1]["steps"] == 0


def test_time_grouped_conv_stops_timing_a_variant_after_its_budget():
    rows = timing.time_grouped_conv(
        [2], ["split"], channels=8, batch=1, size=4, repeats=10, budget_s=1e-9
    )
    assert rows[0]["steps"] == 1


def test_time_resnext_blocks_counts_the_whole_block():
    rows = timing.time_resnext_blocks(
        [(1, 4), (2, 2)], ["split"], channels=8, batch=2, size=4, repeats=1
    )
    assert [(r["C"], r["d"]) for r in rows] == [(1, 4), (2, 2)]
    for row in rows:
        c, d = row["C"], row["d"]
        weights = (
            8 * c * d + 9 * c * d * d + c * d * 8
        )  # the paper's C(256d + 9d^2 + 256d)
        assert row["multiply_adds"] == weights * 16 * 2
        assert (
            row["params"] == weights + 2 * (2 * c * d) + 2 * 8
        )  # plus BN gamma and beta
        assert row["ms"] > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"impls": ["fast"]}, "impls='fast'"),
        ({"impls": "split"}, "impls='split'"),
        ({"cardinalities": [3]}, "dividing channels=8"),
        ({"cardinalities": []}, "must not be empty"),
        ({"channels": 0}, "channels=0"),
        ({"repeats": 0}, "repeats=0"),
        ({"budget_s": -1}, "budget_s=-1"),
        ({"max_step_s": 0}, "max_step_s=0"),
        ({"seed": -1}, "seed=-1"),
    ],
)
def test_time_grouped_conv_rejects_bad_arguments(kwargs, match):
    args = {"cardinalities": [1, 2], "impls": ["split"], "channels": 8, **kwargs}
    with pytest.raises(ValueError, match=match):
        timing.time_grouped_conv(**args)


def test_time_resnext_blocks_rejects_bad_shapes():
    with pytest.raises(ValueError, match="not a \\(C, d\\) pair"):
        timing.time_resnext_blocks([(2, 0)], ["split"], channels=8)
    with pytest.raises(ValueError, match="shapes="):
        timing.time_resnext_blocks([], ["split"], channels=8)


def tiny(cardinality: int = 2, bottleneck_width: int = 2):
    return models.build_model(
        stages=[1],
        width=16,
        stem_width=8,
        cardinality=cardinality,
        bottleneck_width=bottleneck_width,
        input_shape=[8, 8, 3],
        seed=0,
    )


def test_step_seconds_times_every_model_in_order():
    times = timing.step_seconds(
        {"C=1": tiny(1, 4), "C=4": tiny(4, 1)}, batch_size=4, rounds=2, warmup=1
    )
    assert list(times) == ["C=1", "C=4"]
    assert all(isinstance(t, float) and t > 0 for t in times.values())
    fastest = timing.step_seconds(
        {"C=1": tiny(1, 4)}, batch_size=4, rounds=3, statistic="min"
    )
    assert fastest["C=1"] > 0


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"models": {}}, "models"),
        ({"models": {"x": "not a model"}}, "models"),
        ({"batch_size": 0}, "batch_size"),
        ({"rounds": 0}, "rounds"),
        ({"warmup": -1}, "warmup"),
        ({"seed": -1}, "seed"),
        ({"statistic": "mean"}, "statistic"),
    ],
)
def test_step_seconds_rejects_bad_arguments(kwargs, param):
    arguments = {"models": {"tiny": tiny()}, **kwargs}
    with pytest.raises(ValueError, match=param):
        timing.step_seconds(**arguments)


def test_step_timer_trains_the_model_with_either_loss():
    net = tiny()
    x = np.random.default_rng(0).random((2, 8, 8, 3), dtype=np.float32)
    before = [w.copy() for w in net.get_weights()]
    for step in (timing.step_timer(net, x), timing.step_timer(net, x, [1, 2], "adam")):
        assert step() > 0
    changed = [
        not np.array_equal(a, b) for a, b in zip(before, net.get_weights(), strict=True)
    ]
    assert any(changed)
    with pytest.raises(ValueError, match="optimizer='rmsprop'"):
        timing.step_timer(net, x, optimizer="rmsprop")


def test_take_turns_alternates_and_stops_at_the_budget():
    calls = []

    def step(name, seconds):
        return lambda: calls.append(name) or seconds

    times = timing.take_turns(
        {"a": step("a", 0.2), "b": step("b", 0.6)}, rounds=3, warmup=1, budget_s=1.0
    )
    assert calls == ["a", "b", "a", "b", "a", "b", "a"]
    assert times == {"a": [0.2, 0.2, 0.2], "b": [0.6, 0.6]}


def test_gflops_counts_two_operations_per_multiply_add_and_a_double_backward():
    assert timing.gflops(multiply_adds=1e9, seconds=1.0) == 6.0


def test_roofline_bound_is_the_slower_of_arithmetic_and_memory_per_layer():
    x = keras.Input((16, 16, 8))
    conv = keras.layers.Conv2D(8, 3, padding="same", use_bias=False)
    model = keras.Model(x, keras.layers.ReLU()(conv(x)))
    flops = 6 * 3 * 3 * 8 * 8 * 16 * 16 * 32
    conv_bytes = 4 * 3 * (32 * 2 * 16 * 16 * 8 + 3 * 3 * 8 * 8)
    relu_bytes = 4 * 5 * 32 * 16 * 16 * 8
    fast_memory = timing.roofline_seconds(model, 32, 1.0, 1e9)
    assert fast_memory["flops"] == flops
    assert fast_memory["bytes"] == conv_bytes + relu_bytes
    assert fast_memory["compute_seconds"] == pytest.approx(flops / 1e9)
    assert fast_memory["seconds"] == pytest.approx(flops / 1e9 + relu_bytes / 1e18)
    fast_compute = timing.roofline_seconds(model, 32, 1e9, 1.0)
    assert fast_compute["compute_seconds"] == 0
    assert fast_compute["seconds"] == pytest.approx((conv_bytes + relu_bytes) / 1e9)
    with pytest.raises(ValueError, match="bandwidth_gbs"):
        timing.roofline_seconds(model, 32, 1.0, 0.0)
