"""helpers.plots.block_diagram_with_table (chapter 4's cardinality slider): the diagram keeps its
boxes, the table shows every row, figures of one slider share a width, bad input is refused."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import plots, widgets  # noqa: E402

ROWS = [("cardinality C", "32"), ("parameters", "70,144")]


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_diagram_and_table_are_both_drawn():
    fig = plots.block_diagram_with_table(
        "resnext_a", ROWS, cardinality=4, bottleneck_width=24
    )
    diagram, table = fig.axes
    assert "1×1, 256→24" in texts(diagram)
    assert not any(t.startswith("convolution weights") for t in texts(diagram))
    assert texts(table) == ["cardinality C", "32", "parameters", "70,144"]


def test_min_width_gives_every_panel_of_a_slider_the_same_size():
    sizes = set()
    for c, d in ((1, 64), (4, 24), (32, 4)):
        fig = plots.block_diagram_with_table(
            "resnext_a", ROWS, min_width=9.0, cardinality=c, bottleneck_width=d
        )
        assert fig.get_figwidth() == pytest.approx(9.0)
        svg = widgets.figure_to_svg(
            fig
        )  # tight bounding box: the invisible frame keeps width
        sizes.add(svg[: svg.index(">")].split('height="')[0])
    assert len(sizes) == 1


def test_a_wide_diagram_is_not_cut_by_a_small_min_width():
    wide = plots.block_diagram("resnext_a", cardinality=32, bottleneck_width=4)
    fig = plots.block_diagram_with_table("resnext_a", ROWS, min_width=1.0)
    assert fig.get_figwidth() == pytest.approx(wide.get_figwidth())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": []}, "rows"),
        ({"rows": "abc"}, "rows"),
        ({"rows": [("only one",)]}, "rows"),
        ({"rows": ROWS, "min_width": 0}, "min_width"),
        ({"rows": ROWS, "min_width": float("nan")}, "min_width"),
        ({"rows": ROWS, "cardinality": 0}, "cardinality"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.block_diagram_with_table("resnext_c", **kwargs)
