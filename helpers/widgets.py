"""Sliders next to the figures: a static explorer that works everywhere, and a live one that trains.

Three things, from the simplest:

* :func:`static_choice` - a slider that swaps among precomputed figures (SVG), e.g. the block
  diagram and its counts for each cardinality.
* :func:`static_explorer` - precomputed runs (see ``docs/CONTRACT.md``) behind sliders: the
  training and validation curves of the chosen run, drawn as inline SVG, with a numeric readout.
  Everything (data and the JavaScript of ``helpers/static/explorer.js``) is inside the HTML, so
  it works in the static book, in JupyterLab, in Colab and in a saved page, offline.
* :func:`live_explorer` - ipywidgets controls that train a configuration with
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

import base64
import hashlib
import html
import inspect
import io
import itertools
import json
import math
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any

import ipywidgets

from helpers import checks, defaults, plots
from helpers import runs as records

__all__ = [
    "CombinedExplorer",
    "LiveExplorer",
    "StaticChoice",
    "StaticExplorer",
    "explorer",
    "figure_to_svg",
    "live_explorer",
    "static_choice",
    "static_explorer",
    "valid_cardinalities",
]

_COUNTER = itertools.count(1)
_PROCESS_TOKEN = secrets.token_hex(2)
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


def _new_id(prefix: str, payload: str) -> str:
    """An element id unique on a page: a counter (unique in this kernel), a digest of the
    content, and a token of this process (two kernels' outputs can share a JupyterLab page)."""
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}-{next(_COUNTER)}-{digest}{_PROCESS_TOKEN}"


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
    root_id = _new_id("rnx-explorer", payload)

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


def figure_to_svg(fig: Any) -> str:
    """A matplotlib figure as inline SVG text: no XML header, no metadata, ids made unique so
    several figures can share a page, and scaling to the page width.

    Examples
    --------
    >>> svg = figure_to_svg(plots.block_diagram("plain"))
    >>> svg.startswith("<svg") and "<?xml" not in svg
    True
    """
    if not hasattr(fig, "savefig"):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _clean_svg(buffer.getvalue())


def _clean_svg(svg: str) -> str:
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("svg: expected SVG text containing an <svg> element")
    svg = svg[start:]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    ids = re.findall(r'\bid="([^"]+)"', svg)
    if ids:
        prefix = _new_id("s", svg) + "-"
        wanted = set(ids)

        def rename(match: re.Match) -> str:
            name = match.group(2)
            return (
                f"{match.group(1)}{prefix}{name}" if name in wanted else match.group(0)
            )

        svg = re.sub(r'(\bid=")([^"]+)(?=")', rename, svg)
        svg = re.sub(r"(url\(#)([^)]+)(?=\))", rename, svg)
        svg = re.sub(r'((?:xlink:)?href="#)([^"]+)(?=")', rename, svg)
    # Scale with the page: keep the intrinsic size as a maximum, keep the aspect ratio.
    svg = re.sub(
        r"<svg\b",
        '<svg style="max-width:100%;height:auto" preserveAspectRatio="xMidYMid meet"',
        svg,
        count=1,
    )
    return svg.strip()


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
            svg = _clean_svg(item)
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
    root_id = _new_id("rnx-choice", "".join(panels))
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
# Live explorer (ipywidgets)
# --------------------------------------------------------------------------------------------


def _default_model() -> dict[str, Any]:
    return dict(defaults.MODEL)


def _dataset_names() -> tuple[str, ...]:
    from helpers.data import DATASETS

    return tuple(DATASETS)


def _block_weights(width: int, cardinality: int, bottleneck_width: int) -> int:
    """Convolution weights of a ResNeXt bottleneck block (1x1, grouped 3x3, 1x1), no biases."""
    group_width = cardinality * bottleneck_width
    return (
        width * group_width + 9 * group_width * bottleneck_width + group_width * width
    )


def _equal_complexity_width(
    cardinality: int, width: int, reference: tuple[int, int]
) -> int:
    """The bottleneck width d that keeps a block's weights closest to the reference (C, d)'s.

    Uses :func:`helpers.complexity.bottleneck_width_for` (budget = the reference block's
    weights, channels = ``width``) when it can be imported; otherwise solves
    ``C*d*(2*width + 9*d) = weights(reference)`` for d and takes the nearest whole d >= 1.
    """
    budget = _block_weights(width, *reference)
    try:
        from helpers.complexity import bottleneck_width_for

        params = inspect.signature(bottleneck_width_for).parameters
        if "budget" in params and "channels" in params:
            return int(bottleneck_width_for(cardinality, budget=budget, channels=width))
    except Exception:  # noqa: BLE001 - complexity (or its TensorFlow import) unavailable
        pass
    c = cardinality
    root = (-2 * width + math.sqrt(4 * width**2 + 36 * budget / c)) / 18
    candidates = sorted({max(1, math.floor(root)), max(1, math.ceil(root))})
    return min(candidates, key=lambda d: abs(_block_weights(width, c, d) - budget))


def valid_cardinalities(
    width: int, equal_complexity: bool = False, reference: tuple[int, int] | None = None
) -> list[int]:
    """Cardinalities the live explorer offers for a block width: the divisors of ``width``
    (so that ``width / C`` channels per path is whole), and, with equal complexity, only
    those that leave at least one channel per path.

    Examples
    --------
    >>> valid_cardinalities(64)
    [1, 2, 4, 8, 16, 32, 64]
    """
    width = checks.positive_int("width", width)
    values = [c for c in range(1, width + 1) if width % c == 0]
    if equal_complexity and reference is not None:
        target = _block_weights(width, *reference)
        values = [
            c
            for c in values
            if _block_weights(width, c, _equal_complexity_width(c, width, reference))
            <= 1.5 * target
        ]
    return values or [reference[0]]


def _run_key(
    dataset: str, model: Mapping[str, Any], epochs: int, seed: int
) -> tuple[Any, ...]:
    """What identifies a run in the live explorer: dataset, model shape, epochs and seed."""
    return (
        str(dataset),
        str(model.get("block", "resnext")),
        json.dumps(model.get("stages")),
        int(model.get("width", 0)),
        int(model.get("cardinality", 1)),
        int(model.get("bottleneck_width", 0)),
        int(epochs),
        int(seed),
    )


def _key_of_run(run: Mapping[str, Any]) -> tuple[Any, ...] | None:
    config = run.get("config", {})
    model = config.get("model", {})
    data = config.get("data", {}) or {}
    if not _default_data(data):
        return None  # the live explorer trains on default data only: do not mistake this run
    try:
        return _run_key(
            data.get("name", "synthetic"),
            model,
            int(config.get("epochs", len(run["history"].get("loss", [])))),
            int(config.get("seed", 0)),
        )
    except (TypeError, ValueError, KeyError):
        return None


def _default_data(data: Mapping[str, Any]) -> bool:
    """True when a run's data config is what ``helpers.data.load(name)`` gives (seed 0, the
    dataset's default sizes and knobs), the only data the live explorer trains on."""
    if not data:
        return True
    try:
        from helpers.data import DATASETS
    except Exception:  # noqa: BLE001 - data (or its imports) unavailable: trust the run
        return True
    defaults = DATASETS.get(str(data.get("name", "synthetic")))
    if defaults is None or data.get("seed", 0) != 0:
        return False
    return all(
        value is None or data.get(key, value) == value
        for key, value in defaults.items()
    )


def _accepts(function: Callable, name: str) -> bool:
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _figure_png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


class LiveExplorer(ipywidgets.VBox):
    """The live explorer widget; see :func:`live_explorer`.

    Attributes for code and tests: ``controls`` (dict of the input widgets: ``dataset``,
    ``cardinality``, ``equal_complexity``, ``bottleneck_width``, ``epochs``, ``seed``),
    ``train_button``, ``clear_button``, ``progress``, ``message`` (an HTML widget),
    ``figure_output`` (an Output widget holding the PNG), ``redraw_count``, ``cache``
    (runs by configuration), ``shown`` (the configurations on the figure), ``train_count``.
    """

    MAX_SHOWN = 6

    def __init__(
        self,
        dataset: str = "synthetic",
        base_config: Mapping[str, Any] | None = None,
        train_fn: Callable[..., dict] | None = None,
        load_fn: Callable[[str], Any] | None = None,
        runs: Sequence[Mapping[str, Any]] = (),
        epochs: int | None = None,
    ) -> None:
        import ipywidgets as w

        names = _dataset_names()
        if dataset not in names:
            raise ValueError(f"dataset: expected one of {list(names)}, got {dataset!r}")
        model = _default_model()
        if base_config is not None:
            if not isinstance(base_config, Mapping):
                raise ValueError(
                    f"base_config: expected a dict, got {type(base_config).__name__}"
                )
            model.update(base_config)
        width = checks.positive_int("base_config['width']", model.get("width", 64))
        c0 = checks.positive_int(
            "base_config['cardinality']", model.get("cardinality", 1)
        )
        d0 = checks.positive_int(
            "base_config['bottleneck_width']", model.get("bottleneck_width", 4)
        )
        if epochs is None:
            try:
                from helpers.training import DEFAULT_EPOCHS as epochs
            except Exception:  # noqa: BLE001
                epochs = 6
        self.base_config = model
        self.reference = (c0, d0)
        self._train_fn = train_fn
        self._load_fn = load_fn
        self._datasets: dict[str, Any] = {}
        self.cache: dict[tuple, dict[str, Any]] = {}
        self.shown: list[tuple] = []
        self.redraw_count = 0
        self.train_count = 0
        self.last_redraw_seconds = 0.0
        self._syncing = False
        for run in runs:
            key = _key_of_run(run)
            if key is not None:
                self.cache[key] = dict(run)

        options = valid_cardinalities(width)
        style = {"description_width": "150px"}
        layout = w.Layout(width="360px")
        self.controls = {
            "dataset": w.Dropdown(
                options=list(names),
                value=dataset,
                description="dataset",
                style=style,
                layout=layout,
            ),
            "cardinality": w.Dropdown(
                options=options,
                value=c0 if c0 in options else options[0],
                description="cardinality C",
                style=style,
                layout=layout,
            ),
            "equal_complexity": w.Checkbox(
                value=False,
                description=f"equal complexity (d from C, like C={c0}, d={d0})",
                indent=False,
                layout=w.Layout(width="360px"),
            ),
            "bottleneck_width": w.BoundedIntText(
                value=d0,
                min=1,
                max=4 * width,
                description="bottleneck width d",
                style=style,
                layout=layout,
            ),
            "epochs": w.IntSlider(
                value=int(epochs),
                min=1,
                max=max(20, int(epochs)),
                description="epochs",
                style=style,
                layout=layout,
            ),
            "seed": w.BoundedIntText(
                value=0,
                min=0,
                max=10_000,
                description="seed",
                style=style,
                layout=layout,
            ),
        }
        self.train_button = w.Button(
            description="Train", button_style="primary", icon="play"
        )
        self.clear_button = w.Button(description="Clear plot", icon="eraser")
        self.progress = w.IntProgress(
            value=0, min=0, max=1, description="", layout=w.Layout(width="240px")
        )
        self.message = w.HTML(value="")
        self.train_output = w.Output()
        self.figure_output = w.Output(layout=w.Layout(min_height="40px"))
        self.train_button.on_click(self._on_train)
        self.clear_button.on_click(self._on_clear)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        left = w.VBox(
            [self.controls[k] for k in ("dataset", "cardinality", "equal_complexity")]
        )
        right = w.VBox(
            [self.controls[k] for k in ("bottleneck_width", "epochs", "seed")]
        )
        buttons = w.HBox([self.train_button, self.clear_button, self.progress])
        super().__init__(
            [
                w.HBox([left, right]),
                buttons,
                self.train_output,
                self.message,
                self.figure_output,
            ],
            layout=w.Layout(border="1px solid #ddd", padding="6px"),
        )
        self._on_change(None)

    # -- configuration ---------------------------------------------------------------------

    def model_config(self) -> dict[str, Any]:
        """The model config the controls describe (base config with C and d replaced)."""
        model = dict(self.base_config)
        model["cardinality"] = int(self.controls["cardinality"].value)
        model["bottleneck_width"] = int(self.controls["bottleneck_width"].value)
        return model

    def current_key(self) -> tuple[Any, ...]:
        return _run_key(
            self.controls["dataset"].value,
            self.model_config(),
            self.controls["epochs"].value,
            self.controls["seed"].value,
        )

    def _label(self, key: tuple[Any, ...]) -> str:
        dataset, _, _, _, c, d, epochs, seed = key
        label = f"C={c}, d={d}, seed {seed}"
        datasets = {k[0] for k in self.shown}
        epoch_counts = {k[6] for k in self.shown}
        if len(epoch_counts) > 1:
            label += f", {epochs} ep."
        if len(datasets) > 1:
            label += f", {dataset}"
        return label

    def _say(self, text: str, kind: str = "info") -> None:
        color = {"info": "#333", "error": "#b00020", "ok": "#1b5e20"}[kind]
        self.message.value = f'<span style="color:{color}">{html.escape(text)}</span>'

    # -- events ----------------------------------------------------------------------------

    def _on_change(self, change: Any) -> None:
        if self._syncing:  # a change made by _sync_controls itself
            return
        try:
            self._syncing = True
            try:
                self._sync_controls(change)
            finally:
                self._syncing = False
            key = self.current_key()
            label = self._describe_key(key)
            if key in self.cache:
                self._show(key)
                self._say(f"{label}: trained before, shown from the cache.", "ok")
            else:
                self._say(f"{label}: not trained yet. Press Train.")
        except Exception as err:  # noqa: BLE001 - a widget reports, it does not raise
            self._say(f"Could not update: {err}", "error")

    def _sync_controls(self, change: Any) -> None:
        """Offer only valid cardinalities; with equal complexity, set d from C."""
        equal = bool(self.controls["equal_complexity"].value)
        width = int(self.base_config.get("width", 64))
        d_box = self.controls["bottleneck_width"]
        card = self.controls["cardinality"]
        options = valid_cardinalities(width, equal, self.reference)
        if tuple(card.options) != tuple(options):
            current = card.value
            card.options = options
            card.value = current if current in options else options[0]
        d_box.disabled = equal
        if equal:
            d_box.value = _equal_complexity_width(
                int(card.value), width, self.reference
            )

    def _describe_key(self, key: tuple[Any, ...]) -> str:
        dataset, _, _, _, c, d, epochs, seed = key
        return f"C={c}, d={d}, {epochs} epochs, seed {seed} on {dataset}"

    def _on_clear(self, _button: Any = None) -> None:
        self.shown = []
        self.figure_output.outputs = ()
        self._say("Plot cleared; trained runs stay in the cache.")

    def _on_train(self, _button: Any = None) -> None:
        key = self.current_key()
        label = self._describe_key(key)
        if key in self.cache:
            self._show(key)
            self._say(f"{label}: trained before, shown from the cache.", "ok")
            return
        self.train_button.disabled = True
        epochs = int(self.controls["epochs"].value)
        self.progress.max = epochs
        self.progress.value = 0
        self.progress.bar_style = "info"
        self._say(f"Training {label} ...")
        try:
            run = self._train(key)
        except Exception as err:  # noqa: BLE001 - e.g. CIFAR-10 offline: say so in the widget
            self.progress.bar_style = "danger"
            self._say(f"Training {label} failed: {type(err).__name__}: {err}", "error")
            return
        finally:
            self.train_button.disabled = False
        self.train_count += 1
        self.progress.value = epochs
        self.progress.bar_style = "success"
        self.cache[key] = run
        self._show(key)
        final = run.get("history", {}).get("val_accuracy") or [None]
        accuracy = (
            f", validation accuracy {100 * final[-1]:.1f}%"
            if final[-1] is not None
            else ""
        )
        self._say(f"Trained {label}{accuracy}.", "ok")

    def _train(self, key: tuple[Any, ...]) -> dict[str, Any]:
        train_fn = self._train_fn
        if train_fn is None:
            from helpers.training import train as train_fn
        dataset_name = key[0]
        if dataset_name not in self._datasets:
            load = self._load_fn
            if load is None:
                from helpers.data import load
            self._datasets[dataset_name] = load(dataset_name)
        kwargs: dict[str, Any] = {"epochs": key[6], "seed": key[7]}
        if _accepts(train_fn, "progress"):
            # helpers.training draws a per-step bar; show it inside this widget while training.
            kwargs["progress"] = "widget" if _has_kernel_frontend() else False
        try:
            with self.train_output:
                run = train_fn(
                    self.model_config(), self._datasets[dataset_name], **kwargs
                )
        finally:
            self.train_output.clear_output()
        if not isinstance(run, Mapping) or not isinstance(run.get("history"), Mapping):
            raise ValueError(f"train_fn returned {type(run).__name__}, not a run dict")
        return dict(run)

    # -- drawing ---------------------------------------------------------------------------

    def _show(self, key: tuple[Any, ...]) -> None:
        if key in self.shown:
            self.shown.remove(key)
        self.shown.append(key)
        self.shown = self.shown[-self.MAX_SHOWN :]
        self.redraw()

    def redraw(self) -> None:
        """Draw the curves of the shown configurations into ``figure_output`` (a PNG)."""
        start = time.perf_counter()
        runs = [self.cache[k] for k in self.shown]
        if not runs:
            self.figure_output.outputs = ()
            return
        labels = [self._label(k) for k in self.shown]
        metrics = (
            tuple(
                m
                for m in ("loss", "accuracy")
                if any(m in r["history"] or "val_" + m in r["history"] for r in runs)
            )
            or tuple(runs[0]["history"])[:1]
        )
        fig = plots.training_curves(runs, labels=labels, metrics=metrics)
        png = _figure_png(fig)
        self.figure_output.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(png).decode("ascii"),
                    "text/plain": f"<Figure: {', '.join(labels)}>",
                },
                "metadata": {},
            },
        )
        self.redraw_count += 1
        self.last_redraw_seconds = time.perf_counter() - start


def live_explorer(
    dataset: str = "synthetic",
    base_config: Mapping[str, Any] | None = None,
    train_fn: Callable[..., dict] | None = None,
    load_fn: Callable[[str], Any] | None = None,
    runs: Sequence[Mapping[str, Any]] = (),
    epochs: int | None = None,
) -> LiveExplorer:
    """Controls that train a configuration and overlay its curves on the earlier ones.

    Choose the dataset, the cardinality C (divisors of the block width), the bottleneck
    width d (typed, or set from C to keep the block's weights equal to the base config's with
    "equal complexity"), the epochs and the seed; press Train. Trained runs are kept: choosing a
    configuration trained before (or given in ``runs``) replots at once, without training. The
    last six configurations share one figure (training dashed, validation solid). Problems (an
    offline CIFAR-10, a failed run) are reported in the widget, not raised.

    Parameters
    ----------
    dataset
        The dataset chosen first (a name of :func:`helpers.data.load`).
    base_config
        Model config the controls start from (default ``helpers.training.DEFAULT_MODEL``).
    train_fn
        ``train_fn(config, dataset, epochs=..., seed=...) -> run``; default
        :func:`helpers.training.train` (imported when first needed).
    load_fn
        ``load_fn(name) -> dataset``; default :func:`helpers.data.load`.
    runs
        Runs already trained (e.g. a precomputed sweep), shown without training.

    Examples
    --------
    >>> fake = lambda config, data, epochs, seed: {
    ...     "config": {"model": config}, "history": {"loss": [1.0] * epochs}}
    >>> ex = live_explorer(train_fn=fake, load_fn=lambda name: None)  # doctest: +SKIP
    >>> ex.train_button.click()  # doctest: +SKIP
    """
    return LiveExplorer(dataset, base_config, train_fn, load_fn, runs, epochs)


# --------------------------------------------------------------------------------------------
# The chapters' entry point
# --------------------------------------------------------------------------------------------


class CombinedExplorer:
    """The live explorer above the static one (a live notebook); displays both."""

    def __init__(self, live: LiveExplorer, static: StaticExplorer) -> None:
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
    train_fn: Callable[..., dict] | None = None,
    **options: Any,
) -> StaticExplorer | CombinedExplorer:
    """The explorer a chapter shows: static in the book, live and static in a notebook.

    ``live=None`` decides: the static explorer (:func:`static_explorer`) while the book is built
    (:func:`helpers.notebook.in_book_build`) or when no kernel frontend is attached; otherwise
    the live explorer (:func:`live_explorer`, starting from the first run's model config and
    knowing all ``runs``) above the static one. ``live=True``/``False`` forces a choice.

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
    run_list = _runs_list(runs)
    config = run_list[0].get("config", {})
    dataset = (config.get("data", {}) or {}).get("name", "synthetic")
    names = _dataset_names()
    live_widget = live_explorer(
        dataset=dataset if dataset in names else names[0],
        base_config=config.get("model") or None,
        train_fn=train_fn,
        runs=run_list,
    )
    return CombinedExplorer(live_widget, static)
