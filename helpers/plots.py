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

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from helpers import checks
from helpers import runs as records
from helpers.style import (
    OKABE_ITO,
    PALETTE,
    STYLE,
    color_for,
    new_figure,
    reset_colors,
    style,
    use_style,
)

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "STYLE",
    "accuracy_vs",
    "bars",
    "color_for",
    "compare",
    "grouped_weight",
    "layer_profile",
    "reset_colors",
    "style",
    "training_curves",
    "use_style",
]


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
        fig, axes = new_figure(3.9 * n if n > 1 else 6.0, 3.3, ncols=n, squeeze=False)
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
            fig, ax = new_figure(6.8, 3.5)
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
            fig, ax = new_figure(6.4, 3.6)
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
            fig, ax = new_figure(max(4.2, 1.05 * len(labels) + 1.6), 3.4)
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
            fig, ax = new_figure(
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
            fig, ax = new_figure(6.8, 3.4)
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
            fig, ax = new_figure(6.8, 3.8)
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
