"""helpers.diagrams: every kind of block is drawn with its sizes and weights and nothing cut off,
a diagram with its table keeps its boxes, and bad input raises ValueError naming the parameter."""

from __future__ import annotations

import re

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import diagrams, widgets  # noqa: E402

ROWS = [("cardinality C", "32"), ("parameters", "70,144")]


def texts_of(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


@pytest.mark.parametrize("kind", list(diagrams.DIAGRAM_KINDS))
def test_block_diagram_every_kind(kind):
    fig = diagrams.block_diagram(kind)
    assert isinstance(fig, Figure)
    texts = texts_of(fig)
    assert any(t.startswith("convolution weights:") for t in texts)
    assert any(t.endswith("-d in") for t in texts) and any(
        t.endswith("-d out") for t in texts
    )
    boxes = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyBboxPatch"]
    assert len(boxes) >= 2
    has_sum = any(type(p).__name__ == "Circle" for p in fig.axes[0].patches)
    assert has_sum == (kind != "plain")
    # Everything drawn lies inside the figure: no label cut off.
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    for text in fig.axes[0].texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.x1 <= width + 1, text.get_text()
        assert box.y0 >= -1 and box.y1 <= height + 1, text.get_text()


def test_block_diagram_labels_of_the_paper():
    texts = texts_of(diagrams.block_diagram("resnext_c"))
    assert "3×3 grouped, 128→128, C=32" in texts
    assert "1×1, 256→128" in texts and "1×1, 128→256" in texts
    texts = texts_of(diagrams.block_diagram("resnext_a"))
    assert texts.count("1×1, 256→4") == 4  # 3 paths, an ellipsis, the last path
    assert "…" in texts and "C = 32\npaths" in texts
    texts = texts_of(
        diagrams.block_diagram("resnext_b", cardinality=2, bottleneck_width=40)
    )
    assert texts.count("1×1, 256→40") == 2 and "…" not in texts
    assert "concatenate, 80 channels" in texts
    # Forms a, b and c have the same number of weights (70,144 for 32x4d, as in the paper).
    for kind in ("resnext_a", "resnext_b", "resnext_c"):
        assert "convolution weights: 70,144" in texts_of(diagrams.block_diagram(kind))
    texts = texts_of(diagrams.block_diagram("bottleneck", channels=256, bottleneck=64))
    assert "3×3, 64→64" in texts


def test_block_diagram_rejects_bad_input():
    with pytest.raises(ValueError, match="kind.*'resnext_d'"):
        diagrams.block_diagram("resnext_d")
    with pytest.raises(ValueError, match="cardinality"):
        diagrams.block_diagram("resnext_c", cardinality=0)
    with pytest.raises(ValueError, match="sizes.*'cardinality'"):
        diagrams.block_diagram("plain", cardinality=4)


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_diagram_and_table_are_both_drawn():
    fig = diagrams.block_diagram_with_table(
        "resnext_a", ROWS, cardinality=4, bottleneck_width=24
    )
    diagram, table = fig.axes
    assert "1×1, 256→24" in texts(diagram)
    assert not any(t.startswith("convolution weights") for t in texts(diagram))
    assert texts(table) == ["cardinality C", "32", "parameters", "70,144"]


def test_min_width_gives_every_panel_of_a_slider_the_same_size():
    sizes = set()
    for c, d in ((1, 64), (4, 24), (32, 4)):
        fig = diagrams.block_diagram_with_table(
            "resnext_a", ROWS, min_width=9.0, cardinality=c, bottleneck_width=d
        )
        assert fig.get_figwidth() == pytest.approx(9.0)
        # Saved with a tight bounding box: the invisible frame keeps the width.
        svg = widgets.figure_to_svg(fig)
        sizes.add(re.search(r' width="([0-9.]+pt)"', svg[: svg.index(">")]).group(1))
    assert len(sizes) == 1, sizes


def test_a_wide_diagram_is_not_cut_by_a_small_min_width():
    wide = diagrams.block_diagram("resnext_a", cardinality=32, bottleneck_width=4)
    fig = diagrams.block_diagram_with_table("resnext_a", ROWS, min_width=1.0)
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
        diagrams.block_diagram_with_table("resnext_c", **kwargs)


def test_naive_block_diagram_counts_the_weights():
    fig = diagrams.naive_block_diagram(8, 64)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "convolution weights: 303,104" in texts
    assert '"shortcut"' in texts and "8\nbranches" in texts
    with pytest.raises(ValueError, match="branches"):
        diagrams.naive_block_diagram(0, 64)
