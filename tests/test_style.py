"""helpers.style: one style file, and a stable colour per configuration."""

from __future__ import annotations

import matplotlib as mpl

from helpers import style


def test_color_for_is_stable_and_colour_blind_safe():
    first = style.color_for("C=1")
    assert style.color_for("C=32") != first
    assert style.color_for("C=1") == first
    assert style.color_for(4) == style.color_for("4")
    assert set(style.PALETTE) == set(style.OKABE_ITO.values())
    style.reset_colors({"C=1": "#000000"})
    assert style.color_for("C=1") == "#000000"


def test_neighbouring_cardinalities_get_distinct_colours_whatever_came_first():
    style.reset_colors()
    style.color_for("default task")
    colours = [style.color_for(f"C={c}") for c in (1, 2, 4, 8, 16, 32, 64)]
    assert len(set(colours)) == len(colours)
    assert colours[0] == style.PALETTE[0] and colours[1] == style.PALETTE[1]
    assert style.OKABE_ITO["yellow"] not in colours  # too pale for a thin line


def test_the_style_file_is_what_style_applies():
    assert style.STYLE["svg.hashsalt"] == "resnext-book"
    with style.style():
        assert mpl.rcParams["axes.spines.top"] is False
        colours = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.upper() for c in colours] == [c.upper() for c in style.PALETTE]
