"""Run records: reading, selecting, grouping and summarising the runs of
:func:`helpers.training.train` (their layout is in ``docs/CONTRACT.md``)::

    {"config": {"model": {...}, "data": {...}, "epochs": 5, "seed": 0, ...},
     "history": {"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...],
                 "seconds": [...]},
     "test_accuracy": 0.97, "params": 12345, ...}

The spread over seeds has one convention everywhere in the book, figures and tables alike: the
sample standard deviation (``ddof=1``) and a 95% confidence interval of the mean from Student's
t distribution (:func:`summary`). One seed gives no spread: both are ``nan``.

Examples
--------
>>> from helpers import runs
>>> rs = [{"config": {"model": {"cardinality": c}, "seed": s},
...        "history": {"val_accuracy": [0.5, a]}}
...       for c, s, a in [(1, 0, 0.80), (1, 1, 0.90), (4, 0, 0.95), (4, 1, 0.97)]]
>>> runs.label(rs[2], ["cardinality"])
'C=4'
>>> s = runs.summary([runs.final(r, "val_accuracy", percent=True) for r in rs[:2]])
>>> round(s.mean, 1), round(s.std, 2), s.n
(85.0, 7.07, 2)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "KEY_LABELS",
    "SHORT_NAMES",
    "Summary",
    "Difference",
    "as_runs",
    "compare",
    "final",
    "flat_config",
    "format_value",
    "group",
    "history",
    "label",
    "mean_std",
    "metric_label",
    "seeds_needed",
    "select",
    "setting",
    "summarize",
    "summary",
    "t95",
    "varying_keys",
]

Run = Mapping[str, Any]

#: Short names of settings in labels ("C=4" rather than "cardinality=4").
SHORT_NAMES: dict[str, str] = {"cardinality": "C", "bottleneck_width": "d"}

#: Axis labels of settings.
KEY_LABELS: dict[str, str] = {
    "cardinality": "cardinality C (number of paths)",
    "bottleneck_width": "bottleneck width d (channels per path)",
    "width": "block width (channels)",
    "seed": "seed",
    "epochs": "epochs",
    "stages": "blocks per stage",
}

_MISSING = object()


# --- reading one run ---------------------------------------------------------------------------
def setting(run: Run, key: str, default: Any = _MISSING) -> Any:
    """A setting of a run: ``run["config"]["model"][key]``, else ``run["config"][key]``, else
    ``run["config"]["data"][key]``. A ``None`` in the model or data config means "not set
    there" and is passed over (a run's model config has ``"seed": None``: the weights are seeded
    from the run's ``seed``). ``"data.<knob>"`` reads the data config only.

    Raises ``KeyError`` when the run has no such setting and no ``default`` is given.

    Examples
    --------
    >>> run = {"config": {"model": {"cardinality": 8, "seed": None}, "seed": 1}}
    >>> setting(run, "cardinality"), setting(run, "seed"), setting(run, "width", 64)
    (8, 1, 64)
    """
    config = run.get("config", {}) if isinstance(run, Mapping) else {}
    if key.startswith("data."):
        places, key = [config.get("data", {})], key[len("data.") :]
    else:
        places = [config.get("model", {}), config, config.get("data", {})]
    for place in places:
        if isinstance(place, Mapping) and key in place and key not in ("model", "data"):
            if place[key] is None and place is not config:
                continue  # unset here (e.g. the model's weight seed): look further
            return place[key]
    if default is _MISSING:
        raise KeyError(key)
    return default


def format_value(value: Any) -> str:
    """A setting as labels write it: ``4.0`` as ``4``, lists without spaces.

    Examples
    --------
    >>> format_value(4.0), format_value([3, 3, 3]), format_value("adam")
    ('4', '[3,3,3]', 'adam')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ",".join(format_value(v) for v in value) + "]"
    return str(value)


def label(run: Run, keys: Sequence[str]) -> str:
    """A short label of a run from some of its settings, e.g. ``"C=4, d=24"``.

    Examples
    --------
    >>> label({"config": {"model": {"cardinality": 4, "bottleneck_width": 24}}},
    ...       ["cardinality", "bottleneck_width"])
    'C=4, d=24'
    """
    return ", ".join(
        f"{SHORT_NAMES.get(key, key)}={format_value(setting(run, key, None))}"
        for key in keys
    )


def flat_config(run: Run) -> dict[str, Any]:
    """Every setting of a run in one flat dict (model settings win over run and data ones,
    except where they are ``None``, "not set there", as in :func:`setting`).

    Examples
    --------
    >>> flat_config({"config": {"model": {"width": 8}, "data": {"noise": 0.1}, "seed": 2}})
    {'seed': 2, 'noise': 0.1, 'width': 8}
    """
    config = run.get("config", {}) or {}
    flat = {k: v for k, v in config.items() if k not in ("model", "data")}
    for key, value in (config.get("data", {}) or {}).items():
        flat.setdefault(key, value)
    flat.update(
        {k: v for k, v in (config.get("model", {}) or {}).items() if v is not None}
    )
    return flat


def varying_keys(runs: Sequence[Run]) -> list[str]:
    """The settings whose values differ between runs (model keys first), for default labels.

    Examples
    --------
    >>> varying_keys([{"config": {"model": {"cardinality": c}, "seed": 0}} for c in (1, 4)])
    ['cardinality']
    """
    flats = [flat_config(r) for r in runs]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    varying = [
        k
        for k in keys
        if len({repr(f.get(k)) for f in flats}) > 1 and k not in ("key", "name")
    ]
    preferred = ["block", "cardinality", "bottleneck_width", "width", "stages", "seed"]
    return sorted(
        varying, key=lambda k: (preferred.index(k) if k in preferred else 99, k)
    )


def as_runs(runs_or_run: Any, name: str = "runs") -> list[Run]:
    """A list of runs from one run, a list of them or a precomputed sweep (``{"runs": ...}``).

    Raises ``ValueError`` naming ``name`` when there is no run or an item is not a run.

    Examples
    --------
    >>> len(as_runs({"runs": [{"history": {}}, {"history": {}}]}))
    2
    """
    if isinstance(runs_or_run, Mapping):
        if "runs" in runs_or_run and "history" not in runs_or_run:  # a precomputed file
            runs_or_run = runs_or_run["runs"]
        else:
            runs_or_run = [runs_or_run]
    runs = list(runs_or_run) if isinstance(runs_or_run, Iterable) else None
    if not runs:
        raise ValueError(f"{name}: expected at least one run, got {runs_or_run!r:.80}")
    for run in runs:
        if not isinstance(run, Mapping) or not isinstance(run.get("history"), Mapping):
            raise ValueError(
                f"{name}: expected a run dict with a 'history' mapping, got {run!r:.80}"
            )
    return runs


def _is_accuracy(metric: str) -> bool:
    return "acc" in metric


def metric_label(metric: str) -> str:
    """The axis label of a metric, with its unit.

    Examples
    --------
    >>> metric_label("val_accuracy"), metric_label("loss")
    ('validation accuracy (%)', 'loss (cross-entropy, nats)')
    """
    base = metric.removeprefix("val_")
    split = "validation " if metric.startswith("val_") else ""
    if metric == "test_accuracy":
        return "test accuracy (%)"
    if _is_accuracy(base):
        return f"{split}accuracy (%)"
    if base == "loss":
        return f"{split}loss (cross-entropy, nats)"
    if base == "seconds":
        return "time per epoch (s)"
    return f"{split}{base.replace('_', ' ')}"


def history(run: Run, metric: str, percent: bool = False) -> np.ndarray | None:
    """A metric per epoch as floats (``nan`` where training diverged), or ``None`` if absent.

    ``percent`` turns accuracies into percent (other metrics are left as they are).

    Examples
    --------
    >>> history({"history": {"accuracy": [0.5, None]}}, "accuracy", percent=True)
    array([50., nan])
    """
    values = run["history"].get(metric)
    if values is None or len(values) == 0:
        return None
    values = np.array([np.nan if v is None else v for v in values], dtype=float)
    return values * (100.0 if percent and _is_accuracy(metric) else 1.0)


def final(run: Run, metric: str, percent: bool = False) -> float:
    """The final value of a metric: the last epoch of a history metric, the total of
    ``"seconds"`` (training time), or a top-level number such as ``"test_accuracy"``.

    Examples
    --------
    >>> run = {"history": {"loss": [1.0, 0.4], "seconds": [2.0, 1.5]}, "params": 10}
    >>> final(run, "loss"), final(run, "seconds"), final(run, "params")
    (0.4, 3.5, 10.0)
    """
    scale = 100.0 if percent and _is_accuracy(metric) else 1.0
    hist = run.get("history", {})
    if metric in hist:
        values = history(run, metric)
        if values is None:
            raise ValueError(f"metric: run has an empty history for {metric!r}")
        value = values.sum() if metric == "seconds" else values[-1]
        return float(value) * scale
    if isinstance(run.get(metric), int | float) and not isinstance(run[metric], bool):
        return float(run[metric]) * scale
    raise ValueError(
        f"metric={metric!r} is neither in the run's history nor a top-level number"
    )


# --- many runs ---------------------------------------------------------------------------------
def select(runs: Iterable[Run], **settings: Any) -> list[Run]:
    """The runs whose settings (read with :func:`setting`) equal all those given.

    Examples
    --------
    >>> rs = [{"config": {"model": {"cardinality": c}, "seed": s}} for c in (1, 4) for s in (0, 1)]
    >>> [r["config"]["seed"] for r in select(rs, cardinality=4)]
    [0, 1]
    """
    absent = object()
    return [
        r for r in runs if all(setting(r, k, absent) == v for k, v in settings.items())
    ]


def group(
    runs: Iterable[Run], by: str | Sequence[str] | Callable[[Run], Any]
) -> dict[Any, list[Run]]:
    """The runs grouped by a setting, a tuple of settings or a function of the run, in the
    order the groups first appear. Lists in settings become tuples, so that they are keys.

    Examples
    --------
    >>> rs = [{"config": {"model": {"cardinality": c}, "seed": s}} for c in (1, 4) for s in (0, 1)]
    >>> {c: len(g) for c, g in group(rs, "cardinality").items()}
    {1: 2, 4: 2}
    """
    if callable(by):
        key_of = by
    elif isinstance(by, str):

        def key_of(run: Run) -> Any:
            return _hashable(setting(run, by))

    else:

        def key_of(run: Run) -> Any:
            return tuple(_hashable(setting(run, k)) for k in by)

    groups: dict[Any, list[Run]] = {}
    for run in runs:
        groups.setdefault(key_of(run), []).append(run)
    return groups


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value


# Two-sided 95% critical values of Student's t for 1 to 30 degrees of freedom.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)
_T95 += (2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086)
_T95 += (2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t95(df: int) -> float:
    """The two-sided 95% critical value of Student's t with ``df`` degrees of freedom
    (a table up to 30, then the Cornish-Fisher expansion, within 0.001 of the exact value).

    Examples
    --------
    >>> t95(2), round(t95(1000), 3)
    (4.303, 1.962)
    """
    if isinstance(df, bool) or not isinstance(df, int | np.integer) or df < 1:
        raise ValueError(f"df must be a positive integer, got df={df!r}")
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation (``ddof=1``) and the half-width of the t-based 95%
    confidence interval of the mean, over ``n`` values (``std`` and ``ci95`` are ``nan`` for
    one value)."""

    mean: float
    std: float
    ci95: float
    n: int
    values: tuple[float, ...]

    def __format__(self, spec: str) -> str:
        """``f"{s:.2f}"`` gives ``"0.45 ± 0.02"``, the mean alone for one value; ``.1f``
        by default."""
        spec = spec or ".1f"
        if self.n < 2:
            return format(self.mean, spec)
        return f"{self.mean:{spec}} ± {self.std:{spec}}"

    def __str__(self) -> str:
        return format(self, "")


def mean_std(values: Any, axis: int | None = None) -> tuple[Any, Any]:
    """Mean and sample standard deviation (``ddof=1``; ``nan`` for a single value) of an
    array, along ``axis`` (e.g. over seeds, for each epoch: ``axis=0``).

    Examples
    --------
    >>> mean_std([[1.0, 2.0], [3.0, 6.0]], axis=0)
    (array([2., 4.]), array([1.41421356, 2.82842712]))
    """
    array = np.asarray(values, dtype=float)
    n = array.size if axis is None else array.shape[axis]
    mean = array.mean(axis=axis)
    std = array.std(axis=axis, ddof=1) if n > 1 else np.full_like(mean, np.nan)
    return mean, std


def summary(values: Iterable[float]) -> Summary:
    """The :class:`Summary` of some values (for instance one final metric over seeds).

    Examples
    --------
    >>> s = summary([80.0, 90.0, 85.0])
    >>> s.mean, s.std, round(s.ci95, 2)
    (85.0, 5.0, 12.42)
    >>> f"{s}", f"{s:.2f}"
    ('85.0 ± 5.0', '85.00 ± 5.00')
    """
    array = np.asarray(list(values), dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"values: expected a non-empty list of numbers, got {values!r}"
        )
    n = int(array.size)
    mean, std = mean_std(array)
    ci95 = t95(n - 1) * std / math.sqrt(n) if n > 1 else math.nan
    return Summary(float(mean), float(std), float(ci95), n, tuple(array.tolist()))


@dataclass(frozen=True)
class Difference:
    """``mean(a) - mean(b)`` with its standard error, the t-based 95% confidence interval
    (half-width ``ci95``, ``df`` degrees of freedom) and ``z = mean / se``, the difference in
    standard errors. ``paired``: per-seed differences (same seeds on both sides); otherwise
    Welch's unequal-variance comparison of two independent samples."""

    mean: float
    se: float
    ci95: float
    df: int
    paired: bool

    @property
    def z(self) -> float:
        return (
            self.mean / self.se if self.se > 0 else math.copysign(math.inf, self.mean)
        )


def compare(a: Iterable[float], b: Iterable[float], paired: bool = False) -> Difference:
    """How far apart two sets of final values are: :class:`Difference` of ``a - b``.

    Examples
    --------
    >>> d = compare([0.30, 0.32, 0.28], [0.10, 0.11, 0.09])
    >>> round(d.mean, 3), round(d.se, 4), d.df, round(d.z, 1)
    (0.2, 0.0129, 2, 15.5)
    >>> p = compare([0.30, 0.32, 0.28], [0.10, 0.11, 0.09], paired=True)
    >>> round(p.se, 4), p.df
    (0.0058, 2)
    """
    x, y = np.asarray(list(a), dtype=float), np.asarray(list(b), dtype=float)
    if x.ndim != 1 or y.ndim != 1 or x.size < 2 or y.size < 2:
        raise ValueError(
            f"a and b: expected at least two values each, got {x.size} and {y.size}"
        )
    if paired:
        if x.size != y.size:
            raise ValueError(
                f"paired=True needs as many values in a as in b, got {x.size} and {y.size}"
            )
        d = summary(x - y)
        return Difference(d.mean, d.std / math.sqrt(d.n), d.ci95, d.n - 1, True)
    va, vb = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se = math.sqrt(va + vb)
    # Welch-Satterthwaite degrees of freedom, rounded down (conservative).
    df = (va + vb) ** 2 / (va**2 / (x.size - 1) + vb**2 / (y.size - 1)) if se else 1
    df = max(1, int(df))
    mean = float(x.mean() - y.mean())
    return Difference(mean, se, t95(df) * se, df, False)


def seeds_needed(
    effect: float, std: float, paired: bool = False, power: float = 0.8
) -> int:
    """Seeds per configuration needed to detect a true difference ``effect`` between two
    configurations whose final values vary by ``std`` over seeds (for ``paired``: the std of
    the per-seed differences), with a two-sided 95% t-test and the given power.

    Uses the normal approximation of the power, ``Phi(effect / se - t95(df))``, with the
    standard error and degrees of freedom of :func:`compare` for ``n`` seeds.

    Examples
    --------
    >>> seeds_needed(1.7, 1.0), seeds_needed(1.7, 2.0), seeds_needed(1.7, 2.0, paired=True)
    (7, 23, 13)
    """
    effect = abs(float(effect))
    if not math.isfinite(effect) or effect == 0:
        raise ValueError(f"effect must be a non-zero number, got effect={effect!r}")
    if not (isinstance(std, int | float) and math.isfinite(std) and std > 0):
        raise ValueError(f"std must be a positive number, got std={std!r}")
    if not 0.5 <= power < 1:
        raise ValueError(f"power must be in [0.5, 1), got power={power!r}")
    for n in range(2, 100_001):
        se = std / math.sqrt(n) if paired else std * math.sqrt(2 / n)
        df = n - 1 if paired else 2 * n - 2
        reached = 0.5 * (1 + math.erf((effect / se - t95(df)) / math.sqrt(2)))
        if reached >= power:
            return n
    return 100_001  # pragma: no cover - effects below std / 300


def summarize(
    runs: Iterable[Run], by: str, metric: str = "val_accuracy", percent: bool = False
) -> list[dict[str, Any]]:
    """:func:`summary` of ``metric`` (see :func:`final`) over the runs of each value of ``by``
    (a setting, ``"data.<knob>"`` for the data config). Returns
    ``[{by: value, "mean", "std", "ci95", "n", "values"}]`` in the order values first appear.

    Examples
    --------
    >>> rs = [{"config": {"model": {"cardinality": c}}, "history": {"val_accuracy": [a]}}
    ...       for c, a in [(1, 0.8), (1, 0.9), (2, 0.95)]]
    >>> [(r["cardinality"], round(r["mean"], 2), r["n"]) for r in summarize(rs, "cardinality")]
    [(1, 0.85, 2), (2, 0.95, 1)]
    """
    runs = list(runs)
    absent = object()
    for run in runs:
        if setting(run, by, absent) is absent:
            raise ValueError(f"by={by!r} is not a setting of every run")
    rows = []
    for members in group(runs, lambda r: json.dumps(setting(r, by))).values():
        s = summary(final(r, metric, percent) for r in members)
        rows.append(
            {by: setting(members[0], by), **s.__dict__, "values": list(s.values)}
        )
    return rows
