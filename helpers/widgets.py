"""Sliders next to the figures: a static explorer that works everywhere, and a live one that trains.

Three things, from the simplest:

* :func:`static_choice` - a slider that swaps among precomputed figures (SVG), e.g. the block
  diagram and its counts for each cardinality.
* :func:`static_explorer` - precomputed runs (see ``docs/CONTRACT.md``) behind sliders: the
  training and validation curves of the chosen run, drawn as inline SVG, with a numeric readout.
  Everything (data and the JavaScript of ``helpers/static/explorer.js``) is inside the HTML, so
  it works in the static book, in JupyterLab, in Colab and in a saved page, offline.
* :class:`helpers.live.LiveExplorer` - ipywidgets sliders that train a configuration with
  :func:`helpers.training.train` and overlay its curves on the earlier ones; needs a kernel.

:func:`explorer` picks: the static explorer in the book build (and wherever no kernel frontend
is attached), the live one above the static one in a live notebook.

Examples
--------
>>> from helpers import widgets
>>> mk = lambda c, s: {"config": {"model": {"cardinality": c}, "seed": s},
...                    "history": {"loss": [1.0, 0.6], "val_loss": [1.1, 0.8],
...                                "accuracy": [0.6, 0.8], "val_accuracy": [0.55, 0.7]},
...                    "params": 1000 + c}
>>> ex = widgets.static_explorer([mk(c, s) for c in (1, 4) for s in (0, 1)])
>>> "<svg" in ex.html and " src=" not in ex.html  # self-contained
True
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from helpers import plots
from helpers import runs as records
from helpers.svg import clean_svg, figure_to_svg, new_id

__all__ = [
    "CombinedExplorer",
    "StaticChoice",
    "StaticExplorer",
    "explorer",
    "figure_to_svg",
    "static_choice",
    "static_explorer",
]

_STATIC_OPTIONS = {"context", "epochs_slider", "initial", "labels", "readout_metric"}


# --------------------------------------------------------------------------------------------
# Shared pieces of the static HTML
# --------------------------------------------------------------------------------------------


def _library_js() -> str:
    """The explorer library (helpers/static/explorer.js), to be inlined in a page."""
    text = (
        resources.files("helpers")
        .joinpath("static/explorer.js")
        .read_text(encoding="utf-8")
    )
    return text.replace("</script", "<\\/script")


def _json_for_html(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>``, no NaN)."""
    text = json.dumps(_finite(value), separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _finite(value.item())
    return value


_CSS = """
.rnx-root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 font-size:14px;color:#222;background:#fff;border:1px solid #ddd;border-radius:6px;
 padding:10px 12px;margin:8px 0;max-width:820px;box-sizing:border-box}
.rnx-root .rnx-title{font-weight:600;margin-bottom:6px}
.rnx-root .rnx-controls{display:flex;flex-wrap:wrap;gap:4px 22px;margin-bottom:6px}
.rnx-root .rnx-control{display:flex;align-items:center;gap:8px}
.rnx-root .rnx-control input[type=range]{width:170px;margin:0}
.rnx-root .rnx-control output{min-width:3em;font-weight:600;font-variant-numeric:tabular-nums}
.rnx-root .rnx-charts{display:flex;flex-wrap:wrap;gap:6px}
.rnx-root .rnx-charts svg{flex:1 1 320px;min-width:0;max-width:400px;height:auto;
 display:block}
.rnx-root .rnx-legend{display:flex;flex-wrap:wrap;gap:2px 16px;font-size:12.5px;color:#444;
 margin:2px 0 4px 0}
.rnx-root .rnx-legend svg{vertical-align:middle;margin-right:4px}
.rnx-root .rnx-readout{font-size:13.5px;margin-top:4px;font-variant-numeric:tabular-nums}
.rnx-root .rnx-message{color:#b00020;font-size:13.5px;margin:4px 0}
.rnx-root .rnx-panel svg{max-width:100%;height:auto}
.rnx-root .rnx-caption{font-size:13.5px;margin-top:4px}
"""


def _slider_html(
    root_id: str, role: str, n: int, index: int, label: str, value: str
) -> str:
    input_id = f"{root_id}-{role}-{_slug(label)}"
    return (
        f'<div class="rnx-control"><label for="{input_id}">{html.escape(label)}</label>'
        f'<input type="range" id="{input_id}" data-rnx="{role}" min="0" max="{n - 1}" step="1" '
        f'value="{index}" aria-label="{html.escape(label)}">'
        f'<output data-rnx="value" for="{input_id}">{html.escape(value)}</output></div>'
    )


def _slug(text: str) -> str:
    """Lower-case letters, digits and dashes only (for element ids)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _page(root_id: str, kind: str, body: str, data: Any, init: str) -> str:
    return (
        f'<div class="rnx-root rnx-{kind}" id="{root_id}" data-rnx-root="{kind}">'
        f"<style>{_CSS}</style>{body}"
        # Shown until the script runs and hides it: says why a page might show no curves.
        '<div class="rnx-message" data-rnx="message" role="status">This explorer needs '
        "JavaScript. In Jupyter, trust the notebook (File - Trust Notebook) and run the cell "
        "again.</div>"
        f'<script type="application/json" data-rnx="data" id="{root_id}-data">'
        f"{_json_for_html(data)}</script>"
        f"<script>{_library_js()}\n(function(){{var s=document.currentScript;"
        f"var r=(s&&s.parentNode&&s.parentNode.getAttribute&&"
        f's.parentNode.getAttribute("id")==="{root_id}")?s.parentNode:'
        f'document.getElementById("{root_id}");'
        f"window.ResNeXtExplorer.{init}(r);}})();</script></div>"
    )


class _HTMLObject:
    """Displays as its ``.html`` in Jupyter; ``save(path)`` writes a standalone page."""

    html: str
    id: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def save(self, path: str | os.PathLike) -> None:
        """Write a complete HTML page with this explorer (for checks and sharing)."""
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.id)}</title></head><body>{self.html}</body></html>"
        )
        target = os.fspath(path)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.replace(temporary, target)  # atomic: never a half-written page


# --------------------------------------------------------------------------------------------
# Static explorer of precomputed runs
# --------------------------------------------------------------------------------------------


class StaticExplorer(_HTMLObject):
    """A self-contained HTML explorer; see :func:`static_explorer`."""

    def __init__(self, html_text: str, root_id: str, data: dict[str, Any]) -> None:
        self.html = html_text
        self.id = root_id
        self.data = data

    def __repr__(self) -> str:
        keys = ", ".join(s["key"] for s in self.data["sliders"])
        return (
            f"<StaticExplorer {self.id}: {len(self.data['runs'])} runs, sliders {keys}>"
        )


def _sort_key(value: Any) -> tuple:
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (2, 0.0, json.dumps(value, sort_keys=True, default=str))


def _runs_list(runs: Any) -> list[Mapping[str, Any]]:
    if isinstance(runs, Mapping) and "runs" in runs and "history" not in runs:
        runs = runs["runs"]  # a precomputed file: {"name", "grid", "runs": [...]}
    elif isinstance(runs, Mapping):
        runs = [runs]
    if isinstance(runs, str | bytes) or not isinstance(runs, Sequence):
        raise ValueError(
            f"runs: expected a list of run dicts, got {type(runs).__name__}"
        )
    if len(runs) == 0:
        raise ValueError("runs: expected at least one run, got an empty list")
    for i, run in enumerate(runs):
        if not isinstance(run, Mapping) or not isinstance(run.get("history"), Mapping):
            raise ValueError(
                f"runs: runs[{i}] is not a run dict with a 'history' mapping"
            )
        if not isinstance(run.get("config"), Mapping):
            raise ValueError(f"runs: runs[{i}] has no 'config' mapping")
    return list(runs)


def static_explorer(
    runs: Any,
    sliders: Sequence[str] = ("cardinality", "seed"),
    metrics: Sequence[str] = ("val_accuracy", "loss"),
    title: str | None = None,
    **options: Any,
) -> StaticExplorer:
    """Precomputed runs behind sliders, as self-contained HTML (no kernel, no network).

    Parameters
    ----------
    runs
        Run dicts (``docs/CONTRACT.md``) or a precomputed file dict with ``"runs"``. Each
        combination of slider values should appear once; a missing combination shows a message.
    sliders
        Settings to choose with a slider each, read from ``run["config"]["model"][key]``,
        ``run["config"][key]`` or ``run["config"]["data"][key]``. A slider moves over the
        sorted distinct values present (1, 2, 4, 8, 32 for cardinality, not 1...32).
    metrics
        One chart per metric, each with the training (dashed) and validation (solid) curve:
        ``"val_accuracy"`` or ``"accuracy"`` draws both accuracies, ``"loss"`` both losses.
    title
        A line above the sliders.
    **options
        ``context=True``: faint validation curves of the other values of the first slider
        (the other sliders as chosen), for comparison. ``epochs_slider=True``: a slider that
        shows the first k epochs only. ``initial={"cardinality": 4}``: starting values (default:
        the first value of each slider). ``labels={"seed": "seed"}``: slider labels.
        ``readout_metric="val_accuracy"``: the number reported below the charts.

    Returns
    -------
    StaticExplorer
        Displays itself in Jupyter (``_repr_html_``); ``.html`` is the HTML text, ``.id`` the id
        of its root element (unique per explorer, so several can share a page).

    Examples
    --------
    >>> mk = lambda c: {"config": {"model": {"cardinality": c}, "seed": 0},
    ...                 "history": {"accuracy": [0.5, 0.8], "val_accuracy": [0.5, 0.7]}}
    >>> ex = static_explorer([mk(1), mk(4)], sliders=("cardinality",), metrics=("accuracy",))
    >>> ex.data["sliders"][0]["values"]
    [1, 4]
    """
    runs = _runs_list(runs)
    if isinstance(sliders, str):
        sliders = (sliders,)
    sliders = list(sliders)
    if not sliders:
        raise ValueError("sliders: expected at least one setting name, got none")
    if len(set(sliders)) != len(sliders):
        raise ValueError(f"sliders: names must be distinct, got {sliders!r}")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not metrics:
        raise ValueError("metrics: expected at least one metric name, got none")
    unknown = sorted(set(options) - _STATIC_OPTIONS)
    if unknown:
        raise ValueError(
            f"options: unknown option {unknown[0]!r}; expected some of {sorted(_STATIC_OPTIONS)}"
        )
    show_context = bool(options.get("context", True))
    epochs_slider = bool(options.get("epochs_slider", True))
    labels = dict(options.get("labels") or {})
    readout_metric = str(options.get("readout_metric", "val_accuracy"))

    # Slider values: the sorted distinct values present in the runs.
    slider_values: list[list[Any]] = []
    for key in sliders:
        present = [records.setting(r, key, None) for r in runs]
        if all(v is None for v in present):
            raise ValueError(
                f"sliders: unknown setting {key!r}: no run has it in config, config['model'] "
                f"or config['data']"
            )
        if any(v is None for v in present):
            missing = present.index(None)
            raise ValueError(f"sliders: runs[{missing}] has no setting {key!r}")
        distinct: dict[str, Any] = {}
        for v in present:
            distinct.setdefault(json.dumps(_finite(v), sort_keys=True), v)
        slider_values.append(sorted(distinct.values(), key=_sort_key))

    def index_of(run: Mapping[str, Any]) -> list[int]:
        out = []
        for key, values in zip(sliders, slider_values, strict=True):
            code = json.dumps(_finite(records.setting(run, key)), sort_keys=True)
            out.append(
                [json.dumps(_finite(v), sort_keys=True) for v in values].index(code)
            )
        return out

    # Metrics: each chart shows a training and a validation series.
    metric_data = []
    for metric in metrics:
        base = str(metric).removeprefix("val_")
        train_key, val_key = base, "val_" + base
        if not any(train_key in r["history"] or val_key in r["history"] for r in runs):
            raise ValueError(
                f"metrics: no run has {train_key!r} or {val_key!r} in its history"
            )
        scale = 100.0 if "acc" in base else 1.0
        values = [
            float(v) * scale
            for r in runs
            for k in (train_key, val_key)
            for v in r["history"].get(k, []) or []
            if v is not None and math.isfinite(float(v))
        ]
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        pad = (hi - lo) * 0.05 or 1.0
        if scale == 100.0:
            lo, hi = max(0.0, lo - pad), min(100.0, hi + pad)
        else:
            lo, hi = (max(0.0, lo - pad) if lo >= 0 else lo - pad), hi + pad
        metric_data.append(
            {
                "name": str(metric),
                "train": train_key,
                "val": val_key,
                "label": records.metric_label(base),
                "scale": scale,
                "ymin": lo,
                "ymax": hi,
            }
        )

    # Runs: only what the page needs, rounded.
    needed = {m["train"] for m in metric_data} | {m["val"] for m in metric_data}
    needed.add(readout_metric)
    by_index: dict[tuple[int, ...], dict[str, Any]] = {}
    for i, run in enumerate(runs):
        idx = tuple(index_of(run))
        scales = {m["train"]: m["scale"] for m in metric_data} | {
            m["val"]: m["scale"] for m in metric_data
        }
        history = {
            k: [
                None if v is None else round(float(v) * scales.get(k, 1.0), 4)
                for v in vals
            ]
            for k, vals in run["history"].items()
            if k in needed and k in scales
        }
        if readout_metric in run["history"]:
            history.setdefault(
                "__readout",
                [
                    None if v is None else round(float(v), 5)
                    for v in run["history"][readout_metric]
                ],
            )
        length = max(
            (len(v) for v in run["history"].values() if isinstance(v, list)), default=0
        )
        entry = {
            "idx": list(idx),
            "h": history,
            "len": length,
            "params": run.get("params"),
            "test": run.get("test_accuracy"),
        }
        if idx in by_index and by_index[idx]["_key"] != run.get("key", i):
            other = runs[by_index[idx]["_pos"]]
            differ = _differing_settings(other, run)
            combo = ", ".join(
                f"{k}={records.format_value(slider_values[n][idx[n]])}"
                for n, k in enumerate(sliders)
            )
            raise ValueError(
                f"runs: two runs share {combo}; add the setting that tells them apart to sliders "
                f"(they differ in: {', '.join(differ) or 'history only'})"
            )
        entry["_key"] = run.get("key", i)
        entry["_pos"] = i
        by_index[idx] = entry
    run_data = []
    for entry in by_index.values():
        entry.pop("_key")
        entry.pop("_pos")
        run_data.append(entry)

    initial_values = dict(options.get("initial") or {})
    for key in initial_values:
        if key not in sliders:
            raise ValueError(f"initial: {key!r} is not one of the sliders {sliders}")
    initial = []
    for key, values in zip(sliders, slider_values, strict=True):
        if key in initial_values:
            codes = [json.dumps(_finite(v), sort_keys=True) for v in values]
            code = json.dumps(_finite(initial_values[key]), sort_keys=True)
            if code not in codes:
                raise ValueError(
                    f"initial: {key}={initial_values[key]!r} is not among the values {values}"
                )
            initial.append(codes.index(code))
        else:
            initial.append(0)

    slider_data = []
    for n, (key, values) in enumerate(zip(sliders, slider_values, strict=True)):
        short = records.SHORT_NAMES.get(key, key)
        value_labels = [records.format_value(v) for v in values]
        slider_data.append(
            {
                "key": key,
                "short": short,
                "label": labels.get(
                    key, records.KEY_LABELS.get(key, key.replace("_", " "))
                ),
                "values": _finite(values),
                "labels": value_labels,
                "colors": [plots.color_for(f"{short}={v}") for v in value_labels]
                if n == 0
                else [],
            }
        )
    max_epochs = max((r["len"] for r in run_data), default=1) or 1
    data = {
        "sliders": slider_data,
        "metrics": metric_data,
        "runs": run_data,
        "initial": initial,
        "maxEpochs": max_epochs,
        "contextSlider": 0,
        "showContext": show_context and len(slider_values[0]) > 1,
        "readoutMetric": "__readout",
        "color": plots.PALETTE[0],
    }
    payload = json.dumps(_finite(data), sort_keys=True)
    root_id = new_id("rnx-explorer", payload)

    controls = "".join(
        _slider_html(
            root_id,
            "slider",
            len(s["values"]),
            initial[n],
            s["label"],
            s["labels"][initial[n]],
        )
        for n, s in enumerate(slider_data)
    )
    if epochs_slider and max_epochs > 1:
        controls += (
            f'<div class="rnx-control"><label for="{root_id}-epochs">epochs shown</label>'
            f'<input type="range" id="{root_id}-epochs" data-rnx="epochs" min="1" '
            f'max="{max_epochs}" step="1" value="{max_epochs}" aria-label="epochs shown">'
            f'<output data-rnx="value" for="{root_id}-epochs">{max_epochs}</output></div>'
        )
    charts = "".join(
        f'<svg data-rnx="chart" id="{root_id}-chart-{i}" role="img" '
        f'aria-label="{html.escape(m["label"])} per epoch" viewBox="0 0 380 250" '
        f'xmlns="http://www.w3.org/2000/svg"></svg>'
        for i, m in enumerate(metric_data)
    )
    body = (
        (f'<div class="rnx-title">{html.escape(title)}</div>' if title else "")
        + f'<div class="rnx-controls">{controls}</div>'
        + _legend_html(slider_data[0], show_context and len(slider_values[0]) > 1)
        + f'<div class="rnx-charts">{charts}</div>'
        + '<div class="rnx-readout" data-rnx="readout" aria-live="polite"></div>'
    )
    return StaticExplorer(
        _page(root_id, "explorer", body, data, "initCurves"), root_id, data
    )


def _legend_html(first_slider: Mapping[str, Any], context: bool) -> str:
    def swatch(dash: str, opacity: float = 1.0, color: str = "#555") -> str:
        return (
            f'<svg width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" '
            f'stroke="{color}" stroke-width="2.4" stroke-opacity="{opacity}" '
            f'stroke-dasharray="{dash}"/></svg>'
        )

    items = [
        f"<span>{swatch('7 4')}training</span>",
        f"<span>{swatch('none')}validation</span>",
    ]
    if context:
        short = html.escape(first_slider["short"])
        items.append(
            f"<span>{swatch('none', 0.35, '#0072B2')}validation, other {short} values "
            f"(colour = {short})</span>"
        )
    return f'<div class="rnx-legend">{"".join(items)}</div>'


def _differing_settings(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    fa, fb = records.flat_config(a), records.flat_config(b)
    return sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))


# --------------------------------------------------------------------------------------------
# Static choice among precomputed figures
# --------------------------------------------------------------------------------------------


class StaticChoice(_HTMLObject):
    """A slider over precomputed SVG panels; see :func:`static_choice`."""

    def __init__(self, html_text: str, root_id: str, labels: list[str]) -> None:
        self.html = html_text
        self.id = root_id
        self.labels = labels

    def __repr__(self) -> str:
        return f"<StaticChoice {self.id}: {len(self.labels)} panels>"


def static_choice(
    figures_or_svgs: Mapping[Any, Any],
    label: str = "value",
    title: str | None = None,
    captions: Mapping[Any, str] | None = None,
    initial: Any = None,
) -> StaticChoice:
    """A slider that shows one of several precomputed figures, e.g. one per cardinality.

    Parameters
    ----------
    figures_or_svgs
        ``{value: figure_or_svg_text}`` in slider order; matplotlib figures are converted with
        :func:`figure_to_svg`.
    label
        What the slider chooses, e.g. ``"cardinality C"``.
    captions
        Optional text under each panel, e.g. ``{32: "70,144 weights"}``.
    initial
        The value shown first (default: the first).

    Examples
    --------
    >>> choice = static_choice({1: "<svg></svg>", 32: "<svg></svg>"}, label="C")
    >>> choice.labels
    ['1', '32']
    """
    if not isinstance(figures_or_svgs, Mapping) or not figures_or_svgs:
        raise ValueError(
            "figures_or_svgs: expected a non-empty dict {value: figure or SVG text}, "
            f"got {figures_or_svgs!r:.80}"
        )
    keys = list(figures_or_svgs)
    if initial is not None and initial not in figures_or_svgs:
        raise ValueError(f"initial: {initial!r} is not one of the values {keys}")
    captions = dict(captions or {})
    unknown = [k for k in captions if k not in figures_or_svgs]
    if unknown:
        raise ValueError(f"captions: {unknown[0]!r} is not one of the values {keys}")
    labels = [records.format_value(k) for k in keys]
    start = keys.index(initial) if initial is not None else 0
    panels = []
    for i, key in enumerate(keys):
        item = figures_or_svgs[key]
        if isinstance(item, str):
            svg = clean_svg(item)
        elif hasattr(item, "savefig"):
            svg = figure_to_svg(item)
        else:
            raise ValueError(
                f"figures_or_svgs: value for {key!r} is neither SVG text nor a figure "
                f"({type(item).__name__})"
            )
        caption = (
            f'<div class="rnx-caption">{html.escape(captions[key])}</div>'
            if key in captions
            else ""
        )
        hidden = "" if i == start else ' style="display:none"'
        panels.append(
            f'<div class="rnx-panel" data-rnx="panel"{hidden}>{svg}{caption}</div>'
        )
    root_id = new_id("rnx-choice", "".join(panels))
    body = (
        (f'<div class="rnx-title">{html.escape(title)}</div>' if title else "")
        + '<div class="rnx-controls">'
        + _slider_html(root_id, "slider", len(keys), start, label, labels[start])
        + "</div>"
        + "".join(panels)
    )
    page = _page(root_id, "choice", body, {"labels": labels}, "initChoice")
    return StaticChoice(page, root_id, labels)


# --------------------------------------------------------------------------------------------
# The chapters' entry point
# --------------------------------------------------------------------------------------------


class CombinedExplorer:
    """The live explorer above the static one (a live notebook); displays both."""

    def __init__(self, live: Any, static: StaticExplorer) -> None:
        self.live = live
        self.static = static

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        display(self.live)
        display(HTML(self.static.html))

    def _repr_html_(
        self,
    ) -> str:  # where widgets cannot show (e.g. nbconvert), the static one
        return self.static.html


def _has_kernel_frontend() -> bool:
    """True in a notebook kernel (Jupyter, Colab, VS Code), False in scripts and terminals."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def explorer(
    runs: Any,
    sliders: Sequence[str] = ("cardinality", "seed"),
    metrics: Sequence[str] = ("val_accuracy", "loss"),
    title: str | None = None,
    live: bool | None = None,
    **options: Any,
) -> StaticExplorer | CombinedExplorer:
    """The explorer a chapter shows: static in the book, live and static in a notebook.

    ``live=None`` decides: the static explorer (:func:`static_explorer`) while the book is built
    (:func:`helpers.notebook.in_book_build`) or when no kernel frontend is attached; otherwise
    the live explorer (:class:`helpers.live.LiveExplorer`) above the static one, both starting
    from the run the static explorer shows first (``initial``, seed 0 unless given).
    ``live=True``/``False`` forces a choice.

    Examples
    --------
    >>> mk = lambda c: {"config": {"model": {"cardinality": c}, "seed": 0},
    ...                 "history": {"accuracy": [0.5], "val_accuracy": [0.5]}}
    >>> type(explorer([mk(1), mk(2)], metrics=("accuracy",))).__name__
    'StaticExplorer'
    """
    static = static_explorer(runs, sliders, metrics, title, **options)
    if live is None:
        from helpers.notebook import in_book_build

        live = not in_book_build() and _has_kernel_frontend()
    if not live:
        return static
    from helpers.live import LiveExplorer

    start = {"seed": 0, **(options.get("initial") or {})}
    run_list = _runs_list(runs)
    first = (records.select(run_list, **start) or run_list)[0]
    config = first["config"]
    settings = ("batch_size", "learning_rate", "optimizer", "weight_decay", "schedule")
    live_widget = LiveExplorer(
        config.get("model"),
        config.get("data"),
        config["epochs"],
        config["seed"],
        train={k: config[k] for k in settings if k in config},
        known=[r for r in run_list if "key" in r],
    )
    return CombinedExplorer(live_widget, static)
