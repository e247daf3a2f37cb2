"""The book's figures, in one style: training curves, seed spreads, accuracy against a setting,
bar comparisons, and block diagrams drawn by code.

Every function returns a :class:`matplotlib.figure.Figure` (it does not call ``plt.show()``);
in a notebook the figure is displayed because it is the cell's value. The style:

* a colour-blind-safe palette (Okabe and Ito), and the same colour for the same configuration
  across a chapter through :func:`color_for` (``color_for("C=4")`` is always the same colour in
  one kernel);
* training curves dashed, validation curves solid;
* accuracy in percent, axis labels with units, text readable at the book's ~800 px page width.

Runs are the dictionaries returned by :func:`helpers.training.train` (see ``docs/CONTRACT.md``)::

    {"config": {"model": {...}, "epochs": 5, "seed": 0, ...},
     "history": {"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]},
     "test_accuracy": 0.97, "params": 12345, ...}

Examples
--------
>>> from helpers import plots
>>> run = {"config": {"model": {"cardinality": 4}, "seed": 0},
...        "history": {"loss": [1.2, 0.8], "val_loss": [1.3, 1.0],
...                    "accuracy": [0.5, 0.7], "val_accuracy": [0.45, 0.6]}}
>>> fig = plots.training_curves(run)
>>> len(fig.axes)
2
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from helpers import checks
from helpers import runs as records

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "STYLE",
    "DIAGRAM_KINDS",
    "accuracy_vs",
    "bars",
    "block_diagram",
    "block_diagram_with_table",
    "color_for",
    "compare",
    "grouped_weight",
    "layer_profile",
    "predictions",
    "reset_colors",
    "style",
    "training_curves",
    "use_style",
]

# --------------------------------------------------------------------------------------------
# Style and colours
# --------------------------------------------------------------------------------------------

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: The order in which :func:`color_for` hands out colours. Yellow is last: it is hard to see
#: as a thin line on white.
PALETTE: tuple[str, ...] = tuple(OKABE_ITO.values())

#: Matplotlib settings of the book's figures (applied by :func:`style` and :func:`use_style`).
STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "lines.linewidth": 1.8,
    "svg.hashsalt": "resnext-book",
}

_COLORS: dict[str, str] = {}


def color_for(key: Hashable) -> str:
    """The colour of a configuration, the same every time it is asked for in this kernel.

    Colours are handed out from :data:`PALETTE` in the order keys are first seen; keys are
    compared as strings, so ``color_for(4)`` and ``color_for("4")`` agree. Use the labels the
    figures use (:func:`run_label`), e.g. ``"C=4"``.

    Examples
    --------
    >>> reset_colors()
    >>> color_for("C=1"), color_for("C=32"), color_for("C=1")
    ('#0072B2', '#E69F00', '#0072B2')
    """
    name = str(key)
    if name not in _COLORS:
        _COLORS[name] = PALETTE[len(_COLORS) % len(PALETTE)]
    return _COLORS[name]


def reset_colors(mapping: Mapping[Hashable, str] | None = None) -> None:
    """Forget the colours handed out so far; optionally fix some (``{"C=1": "#000000"}``)."""
    _COLORS.clear()
    for key, value in (mapping or {}).items():
        _COLORS[str(key)] = str(value)


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (every function here uses it)."""
    with mpl.rc_context(STYLE):
        yield


def use_style() -> None:
    """Apply :data:`STYLE` globally, for figures a chapter draws itself with matplotlib."""
    mpl.rcParams.update(STYLE)


def _new_figure(width: float, height: float, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure made through pyplot (so Jupyter's inline backend renders it when it is a cell's
    value) but closed at once (so it is not shown a second time at the end of the cell)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(fig)
    axes = fig.subplots(**subplot_kw)
    return fig, axes


def _epoch_axis(ax, n_epochs: int) -> None:
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.set_xlim(0.8, max(n_epochs, 1) + 0.2)


# --------------------------------------------------------------------------------------------
# Curves
# --------------------------------------------------------------------------------------------


def training_curves(
    runs_or_run: Any,
    labels: Sequence[str] | None = None,
    metrics: Sequence[str] = ("loss", "accuracy"),
    title: str | None = None,
) -> Figure:
    """Training (dashed) and validation (solid) curves per epoch, one panel per metric.

    Parameters
    ----------
    runs_or_run
        One run dict or a list of them (or a precomputed file dict with ``"runs"``).
    labels
        One label per run; by default the settings that differ between runs (``"C=4"``).
        Each label gets its :func:`color_for` colour.
    metrics
        Base metric names; each panel shows ``metric`` (training) and ``"val_" + metric``.

    Examples
    --------
    >>> run = {"config": {}, "history": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}}
    >>> fig = training_curves(run, metrics=("loss",))
    >>> len(fig.axes[0].lines)
    2
    """
    runs = records.as_runs(runs_or_run, "runs_or_run")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not metrics:
        raise ValueError(
            "metrics: expected at least one metric name, got an empty sequence"
        )
    bases = [m.removeprefix("val_") for m in metrics]
    for base in bases:
        if not any(base in r["history"] or "val_" + base in r["history"] for r in runs):
            raise ValueError(
                f"metrics: no run has {base!r} or 'val_{base}' in its history"
            )
    if labels is None:
        keys = records.varying_keys(runs)
        labels = [
            records.label(r, keys) if keys else f"run {i + 1}"
            for i, r in enumerate(runs)
        ]
        if len(runs) == 1 and not keys:
            labels = [""]
    labels = list(labels)
    if len(labels) != len(runs):
        raise ValueError(
            f"labels: expected {len(runs)} labels (one per run), got {len(labels)}"
        )

    n = len(bases)
    with style():
        fig, axes = _new_figure(3.9 * n if n > 1 else 6.0, 3.3, ncols=n, squeeze=False)
        axes = list(axes[0])
        n_epochs = 1
        for ax, base in zip(axes, bases, strict=True):
            for run, label in zip(runs, labels, strict=True):
                color = color_for(label) if label else PALETTE[0]
                for metric, dashes in ((base, "--"), ("val_" + base, "-")):
                    values = records.history(run, metric, percent=True)
                    if values is None:
                        continue
                    epochs = np.arange(1, len(values) + 1)
                    n_epochs = max(n_epochs, len(values))
                    ax.plot(
                        epochs, values, dashes, color=color, label=f"{label}|{metric}"
                    )
            ax.set_ylabel(records.metric_label(base).replace("validation ", ""))
            _epoch_axis(ax, n_epochs)
        for ax in axes:
            ax.set_xlim(0.8, n_epochs + 0.2)
        _curve_legend(fig, axes[-1], [lab for lab in dict.fromkeys(labels) if lab])
        if title:
            fig.suptitle(title)
    return fig


def _curve_legend(fig: Figure, ax, labels: Sequence[str]) -> None:
    """Legend: one entry per configuration (colour) plus the train/validation line styles."""
    handles = [Line2D([], [], color=color_for(lab), lw=2.2) for lab in labels]
    handles += [
        Line2D([], [], color="#555555", ls="--", lw=1.6),
        Line2D([], [], color="#555555", ls="-", lw=1.6),
    ]
    names = list(labels) + ["training", "validation"]
    ax.legend(
        handles, names, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0
    )


def compare(
    groups: Mapping[str, Sequence[Mapping[str, Any]]],
    metric: str = "val_accuracy",
    title: str | None = None,
    ax=None,
) -> Figure:
    """Mean curve and a +/- one standard deviation band over seeds, per configuration.

    Parameters
    ----------
    groups
        ``{label: [run, run, ...]}``, e.g. ``{"C=1": runs_c1, "C=32": runs_c32}``, the runs of
        one configuration with different seeds. Curves are cut to the shortest history.
    metric
        A history metric, e.g. ``"val_accuracy"`` or ``"loss"``.

    Examples
    --------
    >>> mk = lambda v: {"config": {}, "history": {"val_accuracy": v}}
    >>> fig = compare({"C=1": [mk([0.5, 0.6]), mk([0.52, 0.64])]})
    >>> len(fig.axes[0].collections)  # one band
    1
    """
    if not isinstance(groups, Mapping) or not groups:
        raise ValueError(
            f"groups: expected a non-empty dict {{label: [runs]}}, got {groups!r:.80}"
        )
    with style():
        if ax is None:
            fig, ax = _new_figure(6.8, 3.5)
        else:
            fig = ax.figure
        n_epochs = 1
        for label, runs in groups.items():
            runs = records.as_runs(runs, f"groups[{label!r}]")
            series = [records.history(r, metric, percent=True) for r in runs]
            if any(s is None for s in series):
                raise ValueError(
                    f"metric: some runs of groups[{label!r}] have no {metric!r}"
                )
            length = min(len(s) for s in series)
            stack = np.stack([s[:length] for s in series])
            mean, std = records.mean_std(stack, axis=0)
            epochs = np.arange(1, length + 1)
            n_epochs = max(n_epochs, length)
            color = color_for(label)
            seeds = f" ({len(runs)} seeds)" if len(runs) > 1 else " (1 seed)"
            ax.plot(epochs, mean, "-", color=color, label=f"{label}{seeds}")
            ax.fill_between(
                epochs, mean - std, mean + std, color=color, alpha=0.2, lw=0
            )
        ax.set_ylabel(records.metric_label(metric))
        _epoch_axis(ax, n_epochs)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        ax.set_title(
            title
            or f"mean ± std over seeds: {records.metric_label(metric).split(' (')[0]}"
        )
    return fig


def accuracy_vs(
    runs: Sequence[Mapping[str, Any]],
    key: str = "cardinality",
    metric: str = "val_accuracy",
    by: str | None = None,
    log2: bool | None = None,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Final accuracy against a setting: mean with std error bars, each seed as a dot.

    Parameters
    ----------
    runs
        Runs that differ in ``key`` (and seed).
    key
        The setting on the x axis, read with :func:`config_value` (``"cardinality"``,
        ``"bottleneck_width"``, ``"width"``...).
    metric
        A history metric (its last epoch is used) or a top-level number such as
        ``"test_accuracy"``.
    by
        Optional second setting: one series (colour) per value, e.g. ``by="block"``.
    log2
        Log-2 x axis; default True for ``cardinality`` and ``bottleneck_width``.

    Examples
    --------
    >>> mk = lambda c, s, a: {"config": {"model": {"cardinality": c}, "seed": s},
    ...                       "history": {"val_accuracy": [a]}}
    >>> fig = accuracy_vs([mk(1, 0, .8), mk(1, 1, .82), mk(4, 0, .85), mk(4, 1, .86)])
    >>> fig.axes[0].get_xlabel()
    'cardinality C (number of paths)'
    """
    runs = records.as_runs(runs, "runs")
    for run in runs:
        try:
            records.setting(run, key)
        except KeyError:
            raise ValueError(f"key: run has no setting {key!r} in its config") from None
    if log2 is None:
        log2 = key in ("cardinality", "bottleneck_width")
    series: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        name = records.label(run, [by]) if by else ""
        series.setdefault(name, []).append(run)
    with style():
        if ax is None:
            fig, ax = _new_figure(6.4, 3.6)
        else:
            fig = ax.figure
        all_x: set[float] = set()
        offsets = np.linspace(-0.06, 0.06, len(series)) if len(series) > 1 else [0.0]
        for (name, members), offset in zip(series.items(), offsets, strict=True):
            color = color_for(name) if name else PALETTE[0]
            by_x: dict[float, list[float]] = {}
            for run in members:
                x = float(records.setting(run, key))
                by_x.setdefault(x, []).append(records.final(run, metric, percent=True))
            xs = np.array(sorted(by_x))
            if log2 and np.any(xs <= 0):
                raise ValueError(
                    f"key: {key!r} has values <= 0, which a log-2 axis cannot show"
                )
            all_x.update(xs.tolist())
            shift = (2.0**offset) if log2 else 1.0 + offset
            stats = [records.summary(by_x[x]) for x in xs]
            means = np.array([s.mean for s in stats])
            stds = np.nan_to_num([s.std for s in stats])
            ax.errorbar(
                xs * shift,
                means,
                yerr=stds,
                fmt="o-",
                color=color,
                ms=6,
                capsize=4,
                lw=1.6,
                label=f"{name} (mean ± std)" if name else "mean ± std",
                zorder=3,
            )
            for x in xs:
                values = by_x[x]
                jitter = (
                    np.linspace(-0.04, 0.04, len(values)) if len(values) > 1 else [0.0]
                )
                px = (
                    x * shift * (2.0 ** np.asarray(jitter))
                    if log2
                    else x * shift + np.asarray(jitter)
                )
                ax.scatter(px, values, s=16, color=color, alpha=0.45, lw=0, zorder=2)
        ax.scatter([], [], s=16, color="#777777", alpha=0.6, lw=0, label="single seeds")
        ticks = sorted(all_x)
        if log2:
            ax.set_xscale("log", base=2)
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.xaxis.set_major_formatter(
                FuncFormatter(lambda v, _: records.format_value(float(v)))
            )
            lo, hi = min(ticks), max(ticks)
            ax.set_xlim(lo / 2**0.35, hi * 2**0.35)
        elif len(ticks) <= 12:
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_major_formatter(
                FuncFormatter(lambda v, _: records.format_value(float(v)))
            )
        ax.set_xlabel(records.KEY_LABELS.get(key, key.replace("_", " ")))
        ylabel = records.metric_label(metric)
        ax.set_ylabel(f"final {ylabel}" if metric in runs[0]["history"] else ylabel)
        ax.legend(loc="best")
        if title:
            ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# Bars
# --------------------------------------------------------------------------------------------


def _human(value: float, exact_digits: bool = True) -> str:
    """12345678 -> '12.3M', 25e6 -> '25.0M' (or '25M' without exact_digits, for ticks)."""
    magnitude = abs(value)
    for limit, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            text = f"{value / limit:#.3g}" if exact_digits else f"{value / limit:.3g}"
            return text.rstrip(".") + suffix
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.3g}"


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    ylabel: str,
    reference: Sequence[float | None] | None = None,
    value_label: str = "ours",
    reference_label: str = "paper",
    title: str | None = None,
    log: bool = False,
    annotate: bool = True,
    colors: Sequence[str] | None = None,
    ax=None,
) -> Figure:
    """Bars of parameters, multiply-adds or times per configuration, optionally next to
    reference values (e.g. the paper's).

    Parameters
    ----------
    labels, values
        One bar per label. Large numbers are written as ``25.0M`` / ``4.2G``.
    ylabel
        Axis label with unit, e.g. ``"parameters"`` or ``"multiply-adds per image"``.
    reference
        Optional values drawn as hatched grey bars beside ours (``None`` where unknown).

    Examples
    --------
    >>> fig = bars(["ResNet-50", "ResNeXt-50"], [25.6e6, 25.0e6], "parameters",
    ...            reference=[25.5e6, 25.0e6])
    >>> len(fig.axes[0].patches)
    4
    """
    labels = [str(label) for label in labels]
    values = [float(v) for v in values]
    if not labels:
        raise ValueError("labels: expected at least one label, got an empty sequence")
    if len(values) != len(labels):
        raise ValueError(
            f"values: expected {len(labels)} values (one per label), got {len(values)}"
        )
    if reference is not None and len(reference) != len(labels):
        raise ValueError(
            f"reference: expected {len(labels)} values (one per label), got {len(reference)}"
        )
    if colors is not None and len(colors) != len(labels):
        raise ValueError(f"colors: expected {len(labels)} colours, got {len(colors)}")
    if (
        colors is None
    ):  # one colour per configuration; one colour for "ours" beside a reference
        colors = [
            color_for(label) if reference is None else PALETTE[0] for label in labels
        ]
    colors = list(colors)
    x = np.arange(len(labels))
    width = 0.38 if reference is not None else 0.6
    with style():
        if ax is None:
            fig, ax = _new_figure(max(4.2, 1.05 * len(labels) + 1.6), 3.4)
        else:
            fig = ax.figure
        ax.grid(axis="x", visible=False)
        shift = -width / 2 if reference is not None else 0.0
        ours = ax.bar(x + shift, values, width, color=colors, label=value_label)
        texts = [(bar, v) for bar, v in zip(ours, values, strict=True)]
        if reference is not None:
            ref_values = [np.nan if r is None else float(r) for r in reference]
            refs = ax.bar(
                x + width / 2,
                ref_values,
                width,
                color="#dddddd",
                edgecolor="#777777",
                hatch="//",
                lw=0.8,
                label=reference_label,
            )
            texts += [
                (bar, v)
                for bar, v in zip(refs, ref_values, strict=True)
                if np.isfinite(v)
            ]
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        ax.set_xticks(x, labels)
        if max(len(label) for label in labels) * len(labels) > 60:
            ax.tick_params(axis="x", labelrotation=20)
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")
        if log:
            ax.set_yscale("log")
        finite = [v for v in values if np.isfinite(v)]
        if not log and finite and max(abs(v) for v in finite) >= 1e4:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _human(v, False)))
        if annotate:
            for bar, v in texts:
                ax.annotate(
                    _human(v),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8.5,
                )
            if not log:
                top = max([v for _, v in texts if np.isfinite(v)] + [0])
                ax.set_ylim(0, top * 1.14 if top > 0 else 1)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# Block diagrams
# --------------------------------------------------------------------------------------------

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


def _conv_weights(kind: str, s: Mapping[str, int]) -> int:
    ch = s["channels"]
    if kind in ("plain", "residual"):
        return 2 * 9 * ch * ch
    if kind == "bottleneck":
        b = s["bottleneck"]
        return ch * b + 9 * b * b + b * ch
    c, d = s["cardinality"], s["bottleneck_width"]
    return c * (ch * d + 9 * d * d + d * ch)


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
            b = s["bottleneck"]
            layers = [
                (f"1×1, {ch}→{b}", "1x1"),
                (f"3×3, {b}→{b}", "3x3"),
                (f"1×1, {b}→{ch}", "1x1"),
            ]
        else:
            layers = [(f"3×3, {ch}→{ch}", "3x3"), (f"3×3, {ch}→{ch}", "3x3")]
        _draw_stack(canvas, layers, ch, shortcut=kind != "plain")
    else:
        _draw_resnext(canvas, kind, ch, s["cardinality"], s["bottleneck_width"])
    if show_weights:
        canvas.text(
            (canvas.xmin + canvas.xmax) / 2,
            canvas.ymin - 0.2,
            f"convolution weights: {_conv_weights(kind, s):,}",
            fontsize=9,
            color="#555555",
        )
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
    if kind == "resnext_a":
        path_layers = [
            (f"1×1, {ch}→{d}", "1x1"),
            (f"3×3, {d}→{d}", "3x3"),
            (f"1×1, {d}→{ch}", "1x1"),
        ]
    else:
        path_layers = [(f"1×1, {ch}→{d}", "1x1"), (f"3×3, {d}→{d}", "3x3")]
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


# --------------------------------------------------------------------------------------------
# Grouped weight matrix
# --------------------------------------------------------------------------------------------


def grouped_weight(
    in_channels: int, out_channels: int, groups: int, title: str | None = None, ax=None
) -> Figure:
    """A grouped convolution's weights as a block-diagonal matrix (outputs x inputs).

    Entry (o, i) is coloured when output channel o reads input channel i (for every position of
    the kernel window); group g connects inputs ``g*in/C ... (g+1)*in/C - 1`` to outputs
    ``g*out/C ... (g+1)*out/C - 1`` only, so a fraction ``1/C`` of the dense weights remain.

    Examples
    --------
    >>> fig = grouped_weight(16, 16, 4)
    >>> fig.axes[0].images[0].get_array().shape
    (16, 16)
    """
    in_channels = checks.positive_int("in_channels", in_channels)
    out_channels = checks.positive_int("out_channels", out_channels)
    groups = checks.positive_int("groups", groups)
    if in_channels % groups:
        raise ValueError(f"groups: {groups} does not divide in_channels={in_channels}")
    if out_channels % groups:
        raise ValueError(
            f"groups: {groups} does not divide out_channels={out_channels}"
        )
    gi, go = in_channels // groups, out_channels // groups
    matrix = np.full((out_channels, in_channels), np.nan)
    for g in range(groups):
        matrix[g * go : (g + 1) * go, g * gi : (g + 1) * gi] = g % len(PALETTE[:7])
    cmap = mpl.colors.ListedColormap(list(PALETTE[:7])).with_extremes(bad="#f4f4f4")
    with style():
        if ax is None:
            side = 3.9 / max(in_channels, out_channels)  # inches per channel
            fig, ax = _new_figure(
                max(side * in_channels + 1.0, 3.4), side * out_channels + 1.1
            )
        else:
            fig = ax.figure
        ax.grid(False)
        ax.imshow(
            np.ma.masked_invalid(matrix),
            cmap=cmap,
            vmin=-0.5,
            vmax=6.5,
            interpolation="nearest",
            extent=(0, in_channels, out_channels, 0),
            aspect="equal",
        )
        for side_name in ("top", "right"):
            ax.spines[side_name].set_visible(True)
        if groups <= 32:
            for g in range(1, groups):
                ax.axvline(g * gi, color="white" if groups > 16 else "#bbbbbb", lw=0.6)
                ax.axhline(g * go, color="white" if groups > 16 else "#bbbbbb", lw=0.6)
        ax.set_xlabel(f"input channel (group width {gi})")
        ax.set_ylabel(f"output channel (group width {go})")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            axis.set_minor_locator(NullLocator())
        ax.set_xlim(0, in_channels)
        ax.set_ylim(out_channels, 0)
        nonzero = gi * go * groups
        total = in_channels * out_channels
        ax.set_title(
            title
            if title is not None
            else f"grouped conv, {in_channels}→{out_channels}, C={groups}\n"
            f"{nonzero:,} of {total:,} connections (1/{groups})",
        )
    return fig


# --------------------------------------------------------------------------------------------
# A block diagram with its numbers, and predictions on images
# --------------------------------------------------------------------------------------------


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


def predictions(
    images: Any,
    true_labels: Sequence[int],
    predicted_labels: Sequence[int],
    class_names: Sequence[str],
    probabilities: Sequence[float] | None = None,
    ncols: int = 6,
    title: str | None = None,
) -> Figure:
    """Images with the predicted class over each and the true class under it.

    A right prediction is written in blue with a tick, a wrong one in vermillion with a cross
    and a vermillion frame (colour and mark, so it reads without colour too).

    Parameters
    ----------
    images
        Array of shape ``(n, height, width)`` or ``(n, height, width, channels)``, values in
        [0, 1].
    true_labels, predicted_labels
        ``n`` class indices each.
    class_names
        Names of the classes, indexed by label.
    probabilities
        Optional: the predicted class's probability per image, written as a percentage.
    ncols
        Images per row.

    Examples
    --------
    >>> import numpy as np
    >>> fig = predictions(np.zeros((3, 8, 8, 3)), [0, 1, 1], [0, 1, 0], ["a", "b"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a ✓', 'b ✓', 'a ✗']
    """
    x = np.asarray(images, dtype=float)
    if x.ndim not in (3, 4) or len(x) == 0:
        raise ValueError(
            f"images: expected an array (n, height, width[, channels]) with n >= 1, "
            f"got shape {x.shape}"
        )
    n = len(x)
    names = [str(c) for c in class_names]
    if not names:
        raise ValueError("class_names: expected at least one class name, got none")
    labels = {}
    for parameter, values in (
        ("true_labels", true_labels),
        ("predicted_labels", predicted_labels),
    ):
        array = np.asarray(values)
        if array.shape != (n,) or not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"{parameter}: expected {n} integer labels, got {values!r:.80}"
            )
        if array.min() < 0 or array.max() >= len(names):
            raise ValueError(
                f"{parameter}: labels must be in 0..{len(names) - 1}, got {array.tolist()!r:.80}"
            )
        labels[parameter] = array
    probs = None
    if probabilities is not None:
        probs = np.asarray(probabilities, dtype=float)
        if probs.shape != (n,) or not np.all((probs >= 0) & (probs <= 1)):
            raise ValueError(
                f"probabilities: expected {n} numbers in [0, 1], got {probabilities!r:.80}"
            )
    ncols = checks.positive_int("ncols", ncols)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    right_color, wrong_color = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    with style():
        fig, axes = _new_figure(1.4 * ncols, 1.65 * nrows + (0.3 if title else 0.0),
                                nrows=nrows, ncols=ncols, squeeze=False)  # fmt: skip
        for i, ax in enumerate(axes.ravel()):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if i >= n:
                ax.set_axis_off()
                continue
            image = np.clip(x[i], 0.0, 1.0)
            cmap = "gray" if image.ndim == 2 or image.shape[-1] == 1 else None
            ax.imshow(image.squeeze() if cmap else image, cmap=cmap, vmin=0, vmax=1,
                      interpolation="nearest")  # fmt: skip
            truth, guess = (
                int(labels["true_labels"][i]),
                int(labels["predicted_labels"][i]),
            )
            right = truth == guess
            color = right_color if right else wrong_color
            text = names[guess] + (
                f" {100 * probs[i]:.0f}%" if probs is not None else ""
            )
            ax.set_title(
                f"{text} {'✓' if right else '✗'}", color=color, fontsize=8.5, pad=3
            )
            ax.set_xlabel(
                f"true: {names[truth]}", fontsize=8.5, color="#444444", labelpad=2
            )
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(color if not right else "#cccccc")
                spine.set_linewidth(2.5 if not right else 0.8)
        if title:
            fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------------------------
# A quantity layer by layer
# --------------------------------------------------------------------------------------------


def layer_profile(
    groups: Mapping[str, Sequence[Sequence[float]]],
    ylabel: str,
    log: bool = True,
    xlabel: str = "layer (from input to output)",
    title: str | None = None,
    ax=None,
) -> Figure:
    """A quantity per layer (e.g. gradient norms), one line per configuration: the mean over
    seeds with a band from the smallest to the largest seed.

    Parameters
    ----------
    groups
        ``{label: [values_seed0, values_seed1, ...]}``, each ``values`` one number per layer
        from input to output (all seeds of a label the same length).
    ylabel
        Axis label with unit, e.g. ``"gradient norm ||dL/dW||"``.
    log
        Logarithmic y axis (then the line is the geometric mean over seeds).

    Examples
    --------
    >>> fig = layer_profile({"plain": [[1.0, 0.5, 0.1], [1.2, 0.4, 0.2]]}, "norm")
    >>> len(fig.axes[0].lines), len(fig.axes[0].collections)
    (1, 1)
    """
    if not isinstance(groups, Mapping) or not groups:
        raise ValueError(
            f"groups: expected a non-empty dict {{label: [values]}}, got {groups!r:.80}"
        )
    stacks = {}
    for label, seeds in groups.items():
        try:
            stack = np.asarray([np.asarray(s, dtype=float) for s in seeds], dtype=float)
        except ValueError:
            raise ValueError(
                f"groups[{label!r}]: seeds have different numbers of layers"
            ) from None
        if stack.ndim != 2 or stack.size == 0:
            raise ValueError(
                f"groups[{label!r}]: expected a list of per-layer value lists"
            )
        if log and np.any(stack <= 0):
            raise ValueError(
                f"groups[{label!r}]: values must be positive on a log axis"
            )
        stacks[label] = stack
    with style():
        if ax is None:
            fig, ax = _new_figure(6.8, 3.4)
        else:
            fig = ax.figure
        longest = 1
        for label, stack in stacks.items():
            layers = np.arange(1, stack.shape[1] + 1)
            longest = max(longest, stack.shape[1])
            centre = np.exp(np.log(stack).mean(axis=0)) if log else stack.mean(axis=0)
            color = color_for(label)
            seeds = f" ({len(stack)} seeds)" if len(stack) > 1 else ""
            ax.plot(layers, centre, "-", color=color, label=f"{label}{seeds}")
            ax.fill_between(layers, stack.min(axis=0), stack.max(axis=0), color=color,
                            alpha=0.2, lw=0)  # fmt: skip
        if log:
            ax.set_yscale("log")
        ax.set_xlim(0.5, longest + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
        if title:
            ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# Chapters 7 and 8: the online example's block, timings
# --------------------------------------------------------------------------------------------


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
    weights = branches * 9 * in_channels * filters + 2 * filters * filters
    canvas.text(
        (canvas.xmin + canvas.xmax) / 2,
        canvas.ymin - 0.2,
        f"convolution weights: {weights:,}",
        fontsize=9,
        color="#555555",
    )
    return canvas.draw("The online example's block" if title is None else title)


def step_times(
    rows: Sequence[Mapping[str, Any]],
    value: str = "ms",
    x: str = "C",
    by: str = "impl",
    ylabel: str | None = None,
    title: str | None = None,
    log: bool = True,
    labels: Mapping[str, str] | None = None,
    ideal: float | None = None,
    ax=None,
) -> Figure:
    """Timings against a setting, one line per implementation, from the rows of
    :func:`helpers.grouped.time_grouped_conv` (or any rows with these keys).

    Parameters
    ----------
    rows
        Dicts with keys ``x``, ``by`` and ``value``; a row whose value is ``None`` (skipped)
        is left out, and the legend says from which ``x`` on.
    value
        The y value, e.g. ``"ms"`` (milliseconds per step) or ``"gflops"``.
    x, by
        The x setting (log-2 axis) and the key whose values get a line and a colour each
        (:func:`color_for`, so the same implementation has the same colour in every figure).
    ylabel, title
        Axis label (default from ``value``) and title.
    log
        Logarithmic y axis.
    labels
        Legend text per ``by`` value (default: the value itself).
    ideal
        Draw a dotted grey line through ``(first x, ideal)`` falling as ``1/x``: where a time
        would be if it were proportional to the multiply-adds of a grouped convolution.

    Examples
    --------
    >>> rows = [{"impl": "split", "C": c, "ms": 2.0 * c} for c in (1, 2, 4)]
    >>> fig = step_times(rows)
    >>> fig.axes[0].get_ylabel()
    'time per training step (ms)'
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows: expected at least one row, got none")
    for i, row in enumerate(rows):
        missing = [k for k in (x, by, value) if k not in row]
        if missing:
            raise ValueError(f"rows[{i}] has no key {missing[0]!r}")
    default_labels = {
        "ms": "time per training step (ms)",
        "gflops": "useful GFLOP/s (billions of operations per second)",
        "ratio": "time relative to the first (×)",
    }
    labels = dict(labels or {})
    series: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        series.setdefault(str(row[by]), []).append(row)
    with style():
        if ax is None:
            fig, ax = _new_figure(6.8, 3.8)
        else:
            fig = ax.figure
        ticks: set[float] = set()
        for name, members in series.items():
            done = [r for r in members if r[value] is not None]
            skipped = [r for r in members if r[value] is None]
            xs = [float(r[x]) for r in done]
            ys = [float(r[value]) for r in done]
            ticks.update(float(r[x]) for r in members)
            text = labels.get(name, name)
            if skipped:
                first = records.format_value(min(float(r[x]) for r in skipped))
                text += f" (not run for {x} ≥ {first})"
            ax.plot(xs, ys, "o-", color=color_for(name), label=text, ms=5)
        if ideal is not None:
            grid = np.array(sorted(ticks))
            ax.plot(grid, float(ideal) * grid[0] / grid, ":", color="#777777", lw=1.6,
                    label="proportional to multiply-adds")  # fmt: skip
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_locator(FixedLocator(sorted(ticks)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _: records.format_value(float(v)))
        )
        if log:
            from matplotlib.ticker import LogLocator

            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel(
            records.KEY_LABELS.get(x, "groups C (cardinality)" if x == "C" else x)
        )
        ax.set_ylabel(ylabel or default_labels.get(value, value))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        if title:
            ax.set_title(title)
    return fig
