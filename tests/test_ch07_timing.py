"""Chapter 7: timing grouped convolutions and blocks, and the figure of the timings."""

from __future__ import annotations

import pytest

from helpers import grouped, plots


def test_time_grouped_conv_rows_cover_every_impl_and_cardinality():
    rows = grouped.time_grouped_conv(
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
    rows = grouped.time_grouped_conv(
        [1, 2, 4], ["split"], channels=8, batch=1, size=4, repeats=1, max_step_s=1e-9
    )
    assert [r["skipped"] for r in rows] == [False, True, True]
    assert rows[1]["ms"] is None and rows[1]["gflops"] is None and rows[1]["steps"] == 0


def test_time_grouped_conv_stops_timing_a_variant_after_its_budget():
    rows = grouped.time_grouped_conv(
        [2], ["split"], channels=8, batch=1, size=4, repeats=10, budget_s=1e-9
    )
    assert rows[0]["steps"] == 1


def test_time_resnext_blocks_counts_the_whole_block():
    rows = grouped.time_resnext_blocks(
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
        grouped.time_grouped_conv(**args)


def test_time_resnext_blocks_rejects_bad_shapes():
    with pytest.raises(ValueError, match="not a \\(C, d\\) pair"):
        grouped.time_resnext_blocks([(2, 0)], ["split"], channels=8)
    with pytest.raises(ValueError, match="shapes="):
        grouped.time_resnext_blocks([], ["split"], channels=8)


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
