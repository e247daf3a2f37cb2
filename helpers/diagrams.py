"""Block diagrams drawn by code: the blocks of the paper (:func:`block_diagram`), a diagram with
its numbers under it (:func:`block_diagram_with_table`) and the online example's parallel
block of chapter 8 (:func:`naive_block_diagram`).

Boxes are laid out in inches, so text and boxes keep their size whatever the diagram's extent;
the sizes of the blocks (channels, C, d) are drawn into the boxes, and the weight counts come
from :mod:`helpers.complexity`.

Examples
--------
>>> from helpers import diagrams
>>> fig = diagrams.block_diagram("resnext_c", channels=64, cardinality=8, bottleneck_width=4)
>>> [t.get_text() for t in fig.axes[0].texts][1:4]
['1×1, 64→32', '3×3 grouped, 32→32, C=8', '1×1, 32→64']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from helpers import checks, complexity

__all__ = [
    "DIAGRAM_KINDS",
    "block_diagram",
    "block_diagram_with_table",
    "naive_block_diagram",
]


#: The kinds of :func:`block_diagram` and their default sizes.
DIAGRAM_KINDS: dict[str, dict[str, int]] = {
    "plain": {"channels": 64},
    "residual": {"channels": 64},
    "bottleneck": {"channels": 256, "bottleneck": 64},
    "resnext_a": {"channels": 256, "cardinality": 32, "bottleneck_width": 4},
    "resnext_b": {"channels": 256, "cardinality": 32, "bottleneck_width": 4},
    "resnext_c": {"channels": 256, "cardinality": 32, "bottleneck_width": 4},
}

_TITLES = {
    "plain": "Plain block",
    "residual": "Residual block (basic)",
    "bottleneck": "Bottleneck block",
    "resnext_a": "ResNeXt block (a): aggregated paths",
    "resnext_b": "ResNeXt block (b): early concatenation",
    "resnext_c": "ResNeXt block (c): grouped convolution",
}

# Fill colours of the layer boxes: light tints of the palette, by layer type.
_FILL = {"1x1": "#d4e6f4", "3x3": "#fbe6bf", "grouped": "#c9eadf", "op": "#eeeeee"}
_EDGE = {"1x1": "#0072B2", "3x3": "#b07800", "grouped": "#007a59", "op": "#777777"}
_LINE = "#333333"
_BOX_H = 0.42  # inches
_GAP = 0.36  # vertical gap between boxes (arrow length), inches
_FONT = 9.5


class _Canvas:
    """Draws in inches on an axes whose data units are inches (so text and boxes keep their
    size whatever the diagram's extent)."""

    def __init__(self) -> None:
        self.items: list[tuple] = []
        self.xmin, self.xmax, self.ymin, self.ymax = (
            math.inf,
            -math.inf,
            math.inf,
            -math.inf,
        )

    def _extend(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.xmin, self.xmax = min(self.xmin, x0), max(self.xmax, x1)
        self.ymin, self.ymax = min(self.ymin, y0), max(self.ymax, y1)

    def box(
        self, x: float, y: float, w: float, text: str, kind: str, h: float = _BOX_H
    ) -> None:
        """A layer box centred at (x, y)."""
        self.items.append(("box", x, y, w, h, text, kind))
        self._extend(x - w / 2, x + w / 2, y - h / 2, y + h / 2)

    def text(self, x: float, y: float, text: str, **kw: Any) -> None:
        self.items.append(("text", x, y, text, kw))
        width = 0.075 * len(text) * kw.get("fontsize", _FONT) / _FONT
        ha = kw.get("ha", "center")
        x0 = x - width / 2 if ha == "center" else (x - width if ha == "right" else x)
        self._extend(x0, x0 + width, y - 0.1, y + 0.1)

    def arrow(self, points: Sequence[tuple[float, float]], head: bool = True) -> None:
        self.items.append(("arrow", list(points), head))
        xs, ys = zip(*points, strict=True)
        self._extend(min(xs), max(xs), min(ys), max(ys))

    def plus(self, x: float, y: float, r: float = 0.15) -> None:
        self.items.append(("plus", x, y, r))
        self._extend(x - r, x + r, y - r, y + r)

    def dividers(self, x: float, y: float, w: float, n: int, h: float = _BOX_H) -> None:
        self.items.append(("dividers", x, y, w, h, n))

    def draw(self, title: str | None, margin: float = 0.12) -> Figure:
        title_h = 0.42 if title else 0.0
        if (
            title
        ):  # make room for the title (bold 11.5 pt: about 0.1 inch per character)
            half = 0.05 * len(title) + 0.1
            middle = (self.xmin + self.xmax) / 2
            self.xmin, self.xmax = (
                min(self.xmin, middle - half),
                max(self.xmax, middle + half),
            )
        width = self.xmax - self.xmin + 2 * margin
        height = self.ymax - self.ymin + 2 * margin + title_h
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(width, height))
        plt.close(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(self.xmin - margin, self.xmax + margin)
        ax.set_ylim(self.ymin - margin, self.ymax + margin + title_h)
        ax.set_axis_off()
        for item in self.items:
            getattr(self, "_draw_" + item[0])(ax, *item[1:])
        if title:
            ax.text(
                (self.xmin + self.xmax) / 2,
                self.ymax + margin + title_h * 0.45,
                title,
                ha="center",
                va="center",
                fontsize=11.5,
                fontweight="bold",
            )
        return fig

    @staticmethod
    def _draw_box(ax, x, y, w, h, text, kind) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=_FILL[kind],
                edgecolor=_EDGE[kind],
                lw=1.2,
                zorder=2,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=_FONT, zorder=3)

    @staticmethod
    def _draw_dividers(ax, x, y, w, h, n) -> None:
        for i in range(1, n):
            xi = x - w / 2 + w * i / n
            ax.plot(
                [xi, xi], [y - h / 2, y - h / 2 + 0.07], color=_EDGE["grouped"], lw=0.9
            )
            ax.plot(
                [xi, xi], [y + h / 2 - 0.07, y + h / 2], color=_EDGE["grouped"], lw=0.9
            )

    @staticmethod
    def _draw_text(ax, x, y, text, kw) -> None:
        options = {"ha": "center", "va": "center", "fontsize": _FONT, "zorder": 3}
        options.update(kw)
        ax.text(x, y, text, **options)

    @staticmethod
    def _draw_arrow(ax, points, head) -> None:
        if len(points) > 2:
            xs, ys = zip(*points[:-1], strict=True)
            ax.plot(xs, ys, color=_LINE, lw=1.2, solid_capstyle="butt", zorder=1)
        ax.add_patch(
            FancyArrowPatch(
                points[-2],
                points[-1],
                arrowstyle="-|>,head_length=5,head_width=2.6" if head else "-",
                color=_LINE,
                lw=1.2,
                shrinkA=0,
                shrinkB=0,
                zorder=1,
            )
        )

    @staticmethod
    def _draw_plus(ax, x, y, r) -> None:
        ax.add_patch(
            Circle((x, y), r, facecolor="white", edgecolor=_LINE, lw=1.2, zorder=2)
        )
        ax.plot([x - r * 0.6, x + r * 0.6], [y, y], color=_LINE, lw=1.2, zorder=3)
        ax.plot([x, x], [y - r * 0.6, y + r * 0.6], color=_LINE, lw=1.2, zorder=3)


def _weights_note(canvas: _Canvas, weights: int) -> None:
    """The diagram's footnote: how many convolution weights the block has."""
    x = (canvas.xmin + canvas.xmax) / 2
    text = f"convolution weights: {weights:,}"
    canvas.text(x, canvas.ymin - 0.2, text, fontsize=9, color="#555555")


def _bottleneck_layers(channels: int, width: int) -> list[tuple[str, str]]:
    """The boxes of a bottleneck: 1x1 down to ``width``, 3x3, 1x1 back up to ``channels``."""
    ch, d = channels, width
    return [
        (f"1×1, {ch}→{d}", "1x1"),
        (f"3×3, {d}→{d}", "3x3"),
        (f"1×1, {d}→{ch}", "1x1"),
    ]


def _conv_weights(kind: str, s: Mapping[str, int]) -> int:
    ch = s["channels"]
    if kind in ("plain", "residual"):
        return 2 * 9 * ch * ch
    if kind == "bottleneck":
        return complexity.block_params(1, s["bottleneck"], ch)
    return complexity.block_params(s["cardinality"], s["bottleneck_width"], ch)


def block_diagram(
    kind: str, title: str | None = None, show_weights: bool = True, **sizes
) -> Figure:
    """A block of the paper drawn as a diagram: layer boxes, arrows, the shortcut and the sum.

    Parameters
    ----------
    kind
        ``"plain"`` (two 3x3 convs), ``"residual"`` (basic block: two 3x3 convs and an identity
        shortcut), ``"bottleneck"`` (1x1, 3x3, 1x1 and a shortcut), ``"resnext_a"`` (C paths
        summed), ``"resnext_b"`` (C paths concatenated, then one 1x1) or ``"resnext_c"`` (one
        grouped 3x3 convolution), the three equivalent forms of Figure 3 of Xie et al. (2017).
    title
        Figure title; a default names the block. Pass ``""`` for none.
    show_weights
        Write the number of convolution weights (biases and batch norm not counted) under
        the diagram; forms a, b and c have the same number.
    **sizes
        ``channels`` (input = output channels of the block), ``bottleneck`` (bottleneck channels,
        kind ``"bottleneck"``), ``cardinality`` (C) and ``bottleneck_width`` (d, channels of one
        path) for the ResNeXt forms. Defaults in :data:`DIAGRAM_KINDS` (those of the paper).
        Every convolution is followed by batch norm and ReLU (the last ReLU after the sum);
        they are not drawn.

    Examples
    --------
    >>> fig = block_diagram("resnext_c", cardinality=32, bottleneck_width=4)
    >>> any("3×3 grouped, 128→128, C=32" == t.get_text() for t in fig.axes[0].texts)
    True
    """
    if kind not in DIAGRAM_KINDS:
        raise ValueError(
            f"kind: unknown diagram kind {kind!r}; expected one of {list(DIAGRAM_KINDS)}"
        )
    unknown = sorted(set(sizes) - set(DIAGRAM_KINDS[kind]))
    if unknown:
        raise ValueError(
            f"sizes: {unknown[0]!r} is not a size of kind {kind!r}; "
            f"expected some of {list(DIAGRAM_KINDS[kind])}"
        )
    s = {**DIAGRAM_KINDS[kind], **sizes}
    for name, value in s.items():
        s[name] = checks.positive_int(name, value)
    canvas = _Canvas()
    ch = s["channels"]
    if kind in ("plain", "residual", "bottleneck"):
        if kind == "bottleneck":
            layers = _bottleneck_layers(ch, s["bottleneck"])
        else:
            layers = [(f"3×3, {ch}→{ch}", "3x3"), (f"3×3, {ch}→{ch}", "3x3")]
        _draw_stack(canvas, layers, ch, shortcut=kind != "plain")
    else:
        _draw_resnext(canvas, kind, ch, s["cardinality"], s["bottleneck_width"])
    if show_weights:
        _weights_note(canvas, _conv_weights(kind, s))
    fig = canvas.draw(_TITLES[kind] if title is None else title)
    return fig


def _draw_stack(canvas: _Canvas, layers, channels: int, shortcut: bool) -> None:
    """A vertical stack of layers between '{channels}-d in' and '{channels}-d out'."""
    w = 1.75
    y = 0.0
    canvas.text(0, y, f"{channels}-d in")
    top = y - 0.16
    y -= 0.16 + _GAP + _BOX_H / 2
    canvas.arrow([(0, top), (0, y + _BOX_H / 2)])
    for i, (text, kind) in enumerate(layers):
        canvas.box(0, y, w, text, kind)
        if i < len(layers) - 1:
            canvas.arrow([(0, y - _BOX_H / 2), (0, y - _BOX_H / 2 - _GAP)])
            y -= _BOX_H + _GAP
    bottom = y - _BOX_H / 2
    if shortcut:
        y_plus = bottom - _GAP - 0.15
        canvas.arrow([(0, bottom), (0, y_plus + 0.15)])
        canvas.plus(0, y_plus)
        xs = w / 2 + 0.45
        split = top + 0.02
        canvas.arrow([(0, split), (xs, split), (xs, y_plus), (0.15, y_plus)])
        canvas.text(xs + 0.1, (split + y_plus) / 2, "identity", ha="left", fontsize=9)
        out_top = y_plus - 0.15
    else:
        out_top = bottom
    canvas.arrow([(0, out_top), (0, out_top - _GAP)])
    canvas.text(0, out_top - _GAP - 0.16, f"{channels}-d out")


def _draw_resnext(canvas: _Canvas, kind: str, ch: int, c: int, d: int) -> None:
    cd = c * d
    if kind == "resnext_c":
        layers = [
            (f"1×1, {ch}→{cd}", "1x1"),
            (f"3×3 grouped, {cd}→{cd}, C={c}", "grouped"),
            (f"1×1, {cd}→{ch}", "1x1"),
        ]
        _draw_stack(canvas, layers, ch, shortcut=True)
        # Mark the groups on the grouped box: ticks splitting it into C parts (C <= 32).
        y_grouped = -(0.16 + _GAP + _BOX_H / 2) - (_BOX_H + _GAP)
        if c <= 32:
            canvas.dividers(0, y_grouped, 1.75 + 0.55, c)
        # widen the grouped box to fit its label
        for i, item in enumerate(canvas.items):
            if item[0] == "box" and item[6] == "grouped":
                canvas.items[i] = ("box", item[1], item[2], 1.75 + 0.55, *item[4:])
        canvas._extend(-(1.75 + 0.55) / 2, (1.75 + 0.55) / 2, 0, 0)
        return

    # Forms a and b: C parallel paths; draw at most 4 and an ellipsis.
    shown = list(range(1, c + 1)) if c <= 4 else [1, 2, 3, None, c]
    col = 1.32  # column pitch
    w = 1.18
    n = len(shown)
    xs = [(i - (n - 1) / 2) * col for i in range(n)]
    y = 0.0
    canvas.text(0, y, f"{ch}-d in")
    fan_y = y - 0.5
    canvas.arrow([(0, y - 0.16), (0, fan_y)], head=False)
    y_first = fan_y - _GAP - _BOX_H / 2
    # Form (a): each path is a whole bottleneck; form (b): its last 1x1 comes after the concat.
    path_layers = _bottleneck_layers(ch, d)[: 3 if kind == "resnext_a" else 2]
    y_last = y_first - (len(path_layers) - 1) * (_BOX_H + _GAP)
    for x, index in zip(xs, shown, strict=True):
        if index is None:
            canvas.text(x, (y_first + y_last) / 2, "…", fontsize=16)
            continue
        canvas.arrow([(0, fan_y), (x, fan_y), (x, y_first + _BOX_H / 2)])
        for j, (text, lk) in enumerate(path_layers):
            yj = y_first - j * (_BOX_H + _GAP)
            canvas.box(x, yj, w, text, lk)
            if j < len(path_layers) - 1:
                canvas.arrow([(x, yj - _BOX_H / 2), (x, yj - _BOX_H / 2 - _GAP)])
    # Label the paths above the boxes.
    label = f"C = {c} paths" if c > 1 else "C = 1 path"
    span_left, span_right = xs[0] - w / 2, xs[-1] + w / 2
    canvas.text(
        span_left - 0.12,
        (y_first + y_last) / 2,
        label.replace(" path", "\npath"),
        ha="right",
        multialignment="right",
    )
    canvas._extend(span_left - 0.75, span_left, y_last, y_first)
    canvas._extend(span_left, span_right, y_last, y_first)
    join_y = y_last - _BOX_H / 2 - _GAP * 0.55
    if kind == "resnext_a":
        # Sum of the paths and the shortcut at one node.
        y_plus = join_y - 0.15
        for x, index in zip(xs, shown, strict=True):
            if index is None:
                continue
            canvas.arrow(
                [(x, y_last - _BOX_H / 2), (x, join_y), (0, join_y)], head=False
            )
        canvas.arrow([(0, join_y), (0, y_plus + 0.15)])
        canvas.plus(0, y_plus)
        out_top = y_plus - 0.15
        shortcut_into = y_plus
    else:
        # Concatenate the paths (C*d channels), then one 1x1 back to `ch` channels.
        for x, index in zip(xs, shown, strict=True):
            if index is None:
                continue
            canvas.arrow(
                [(x, y_last - _BOX_H / 2), (x, join_y), (0, join_y)], head=False
            )
        y_cat = join_y - _GAP - _BOX_H / 2
        canvas.arrow([(0, join_y), (0, y_cat + _BOX_H / 2)])
        canvas.box(0, y_cat, 2.3, f"concatenate, {cd} channels", "op")
        y_1x1 = y_cat - _BOX_H - _GAP
        canvas.arrow([(0, y_cat - _BOX_H / 2), (0, y_1x1 + _BOX_H / 2)])
        canvas.box(0, y_1x1, 1.75, f"1×1, {cd}→{ch}", "1x1")
        y_plus = y_1x1 - _BOX_H / 2 - _GAP - 0.15
        canvas.arrow([(0, y_1x1 - _BOX_H / 2), (0, y_plus + 0.15)])
        canvas.plus(0, y_plus)
        out_top = y_plus - 0.15
        shortcut_into = y_plus
    # Identity shortcut on the right of all paths.
    x_short = xs[-1] + w / 2 + 0.3
    split = -0.2
    canvas.arrow(
        [(0, split), (x_short, split), (x_short, shortcut_into), (0.15, shortcut_into)]
    )
    canvas.text(
        x_short + 0.1, (split + shortcut_into) / 2, "identity", ha="left", fontsize=9
    )
    canvas.arrow([(0, out_top), (0, out_top - _GAP)])
    canvas.text(0, out_top - _GAP - 0.16, f"{ch}-d out")


def block_diagram_with_table(
    kind: str,
    rows: Sequence[tuple[str, str]],
    title: str | None = None,
    min_width: float | None = None,
    **sizes: int,
) -> Figure:
    """A :func:`block_diagram` with a small two-column table of numbers under it.

    For a slider that swaps among blocks (one figure per cardinality), each showing its own
    counts; ``min_width`` gives every figure of the slider the same width, so the page does not
    jump as the slider moves.

    Parameters
    ----------
    kind, title, **sizes
        As in :func:`block_diagram` (the weights line under the diagram is left out: put the
        numbers in ``rows``).
    rows
        ``(label, value)`` pairs, e.g. ``[("parameters", "70,144")]``, one table row each.
    min_width
        Smallest figure width in inches; a narrower diagram is centred.

    Examples
    --------
    >>> fig = block_diagram_with_table("resnext_c", [("parameters", "70,144")], min_width=8)
    >>> round(float(fig.get_figwidth()), 1)
    8.0
    >>> "70,144" in [t.get_text() for t in fig.axes[1].texts]
    True
    """
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence) or not rows:
        raise ValueError(
            f"rows: expected a non-empty list of (label, value) pairs, got {rows!r}"
        )
    for row in rows:
        if (
            isinstance(row, str | bytes)
            or not isinstance(row, Sequence)
            or len(row) != 2
        ):
            raise ValueError(f"rows: expected (label, value) pairs, got {row!r}")
    if min_width is not None and (
        isinstance(min_width, bool)
        or not isinstance(min_width, int | float)
        or not math.isfinite(min_width)
        or min_width <= 0
    ):
        raise ValueError(
            f"min_width: expected a positive number of inches, got {min_width!r}"
        )
    fig = block_diagram(kind, title=title, show_weights=False, **sizes)
    ax = fig.axes[0]
    width, height = (float(v) for v in fig.get_size_inches())
    row_h, font = (
        0.3,
        _FONT + 1.5,
    )  # the table's text a little larger than the diagram's
    table_h = row_h * len(rows) + 0.25
    new_width = max(width, float(min_width or 0.0))
    if (
        new_width > width
    ):  # widen the diagram's view symmetrically (its units are inches)
        x0, x1 = ax.get_xlim()
        pad = (new_width - width) / 2
        ax.set_xlim(x0 - pad, x1 + pad)
    fig.set_size_inches(new_width, height + table_h)
    ax.set_position((0, table_h / (height + table_h), 1, height / (height + table_h)))
    table = fig.add_axes((0, 0, 1, table_h / (height + table_h)))
    table.set_axis_off()
    table.set_xlim(-new_width / 2, new_width / 2)
    table.set_ylim(-table_h, 0)
    for i, (label, value) in enumerate(rows):
        y = -0.12 - row_h * (i + 0.5)
        if i % 2 == 0:
            table.add_patch(
                FancyBboxPatch(
                    (-3.3, y - row_h / 2), 6.6, row_h, boxstyle="square,pad=0",
                    facecolor="#f2f2f2", edgecolor="none", zorder=0,
                )
            )  # fmt: skip
        table.text(
            -0.1, y, str(label), ha="right", va="center", fontsize=font, color="#333333"
        )
        table.text(
            0.1, y, str(value), ha="left", va="center", fontsize=font, fontweight="bold"
        )
    # An invisible frame the full width of the figure, so that a tight bounding box (SVG export)
    # keeps the width and every figure of a slider has the same size.
    for corner in (-new_width / 2, new_width / 2 - 0.01):
        table.add_patch(
            FancyBboxPatch(
                (corner, -table_h), 0.01, 0.01, boxstyle="square,pad=0",
                facecolor="none", edgecolor="none",
            )
        )  # fmt: skip
    return fig


def naive_block_diagram(
    branches: int = 8,
    filters: int = 64,
    in_channels: int = 64,
    title: str | None = None,
) -> Figure:
    """The block of a common online example (:func:`helpers.models.naive_parallel_block`)
    drawn like :func:`block_diagram`: ``branches`` full-width 3x3 convolutions summed, a 1x1
    convolution, and a 1x1 "shortcut" convolution that starts after it.

    Parameters
    ----------
    branches, filters
        Parallel 3x3 convolutions and the output channels of every convolution.
    in_channels
        Channels of the block input.
    title
        Figure title; ``None`` for a default, ``""`` for none.

    Examples
    --------
    >>> fig = naive_block_diagram(8, 64)
    >>> any(t.get_text() == "3×3, 64→64" for t in fig.axes[0].texts)
    True
    """
    branches = checks.positive_int("branches", branches)
    filters = checks.positive_int("filters", filters)
    in_channels = checks.positive_int("in_channels", in_channels)
    canvas = _Canvas()
    shown = list(range(1, branches + 1)) if branches <= 4 else [1, 2, 3, None, branches]
    col, w = 1.32, 1.18
    xs = [(i - (len(shown) - 1) / 2) * col for i in range(len(shown))]
    canvas.text(0, 0.0, f"{in_channels}-d in")
    fan_y = -0.5
    canvas.arrow([(0, -0.16), (0, fan_y)], head=False)
    y_box = fan_y - _GAP - _BOX_H / 2
    for x, index in zip(xs, shown, strict=True):
        if index is None:
            canvas.text(x, y_box, "…", fontsize=16)
            continue
        canvas.arrow([(0, fan_y), (x, fan_y), (x, y_box + _BOX_H / 2)])
        canvas.box(x, y_box, w, f"3×3, {in_channels}→{filters}", "3x3")
    label = f"{branches} branches" if branches > 1 else "1 branch"
    canvas.text(xs[0] - w / 2 - 0.12, y_box, label.replace(" ", "\n"), ha="right",
                multialignment="right")  # fmt: skip
    join_y = y_box - _BOX_H / 2 - _GAP * 0.55
    y_sum = join_y - 0.15
    for x, index in zip(xs, shown, strict=True):
        if index is not None:
            canvas.arrow(
                [(x, y_box - _BOX_H / 2), (x, join_y), (0, join_y)], head=False
            )
    canvas.arrow([(0, join_y), (0, y_sum + 0.15)])
    canvas.plus(0, y_sum)
    canvas.text(0.25, y_sum, "sum", ha="left", fontsize=9)
    y_conv = y_sum - 0.15 - _GAP - _BOX_H / 2
    canvas.arrow([(0, y_sum - 0.15), (0, y_conv + _BOX_H / 2)])
    canvas.box(0, y_conv, 1.75, f"1×1, {filters}→{filters}", "1x1")
    split = y_conv - _BOX_H / 2 - 0.12
    y_short = split - _GAP - _BOX_H / 2
    y_add = y_short - _BOX_H / 2 - _GAP - 0.15
    canvas.arrow([(0, y_conv - _BOX_H / 2), (0, y_add + 0.15)])
    x_short = 1.75
    canvas.arrow([(0, split), (x_short, split), (x_short, y_short + _BOX_H / 2)])
    canvas.box(x_short, y_short, 1.5, f"1×1, {filters}→{filters}", "1x1")
    canvas.text(x_short + 0.85, y_short, '"shortcut"', ha="left", fontsize=9)
    canvas.arrow([(x_short, y_short - _BOX_H / 2), (x_short, y_add), (0.15, y_add)])
    canvas.plus(0, y_add)
    canvas.arrow([(0, y_add - 0.15), (0, y_add - 0.15 - _GAP)])
    canvas.text(0, y_add - 0.15 - _GAP - 0.16, f"{filters}-d out")
    _weights_note(canvas, branches * 9 * in_channels * filters + 2 * filters * filters)
    return canvas.draw("The online example's block" if title is None else title)
