"""Grids of training runs, run through the cache, and the named sweeps the chapters show.

:func:`run_grid` trains every combination of a grid for several seeds (each run cached, so an
interrupted sweep resumes where it stopped). :data:`SWEEPS` names the sweeps whose results ship
with the package in ``helpers/precomputed/NAME.json``, so that a chapter can plot them without
training; regenerate one with::

    python -m helpers.sweep cardinality            # writes helpers/precomputed/cardinality.json
    python -m helpers.sweep cardinality --out x.json
    python -m helpers.sweep --list

and read it with :func:`load_precomputed`. To add a sweep, write a function that returns a
:class:`Sweep` and add it to :data:`SWEEPS` under its name.

Grid keys
---------
A grid is ``{key: [value, ...]}``; the runs are the product of all lists (in order, the last key
fastest), each for every seed. A key is

- a key of the model config (``"cardinality"``, ``"width"``, ...): sets that key;
- any name whose values are dicts: each dict is merged into the model config, to vary several
  keys together (e.g. ``{"model": [{"cardinality": 1, "bottleneck_width": 11}, ...]}``);
- ``"epochs"``, ``"learning_rate"``, ``"batch_size"`` or ``"optimizer"``: an argument of
  :func:`helpers.training.train`;
- ``"data.<knob>"`` (``"data.noise"``, ``"data.n_train"``, ...): an argument of
  :func:`helpers.data.load`.

Examples
--------
>>> from helpers import sweep
>>> "cardinality" in sweep.SWEEPS
True
>>> runs = sweep.run_grid({"width": 16}, {"cardinality": [1, 2]}, seeds=[0],
...                       data={"n_train": 100}, epochs=1)  # doctest: +SKIP
>>> [r["config"]["model"]["cardinality"] for r in runs]  # doctest: +SKIP
[1, 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helpers
from helpers import cache as run_cache

__all__ = [
    "PRECOMPUTED_DIR",
    "SWEEPS",
    "Sweep",
    "expand_grid",
    "load_precomputed",
    "main",
    "run_grid",
    "run_sweep",
]

PRECOMPUTED_DIR = Path(__file__).resolve().parent / "precomputed"
TRAIN_KEYS = (
    "epochs",
    "learning_rate",
    "batch_size",
    "optimizer",
    "weight_decay",
    "schedule",
)


@dataclass(frozen=True)
class Sweep:
    """A named grid: what :func:`run_grid` is called with, plus a one-line description."""

    description: str
    base_config: dict[str, Any]
    grid: dict[str, list[Any]]
    seeds: tuple[int, ...] = (0, 1, 2)
    data: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Grids
# --------------------------------------------------------------------------------------------


def _check_grid(grid: Any) -> dict[str, list[Any]]:
    if not isinstance(grid, dict) or not grid:
        raise ValueError(
            f"grid must be a non-empty dict of key -> list of values, got {grid!r}"
        )
    for key, values in grid.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"grid keys must be non-empty strings, got {key!r}")
        if isinstance(values, str | bytes | dict) or not isinstance(values, Sequence):
            raise ValueError(f"grid[{key!r}] must be a list of values, got {values!r}")
        if len(values) == 0:
            raise ValueError(f"grid[{key!r}] must not be empty")
        kinds = {isinstance(v, dict) for v in values}
        if len(kinds) > 1:
            raise ValueError(f"grid[{key!r}] mixes dicts and plain values: {values!r}")
        if key.startswith("data.") and key == "data.":
            raise ValueError(f"grid key {key!r} names no data knob")
    return {k: list(v) for k, v in grid.items()}


def expand_grid(
    base_config: dict[str, Any], grid: dict[str, list[Any]]
) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """Every point of ``grid`` as ``(model_config, data_overrides, train_overrides)``.

    Examples
    --------
    >>> points = expand_grid({"width": 32}, {"cardinality": [1, 2], "data.noise": [0.0]})
    >>> [(m["cardinality"], d) for m, d, t in points]
    [(1, {'noise': 0.0}), (2, {'noise': 0.0})]
    """
    if not isinstance(base_config, dict):
        raise ValueError(
            f"base_config must be a dict, got {type(base_config).__name__}"
        )
    grid = _check_grid(grid)
    points = []
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        model, data, train = dict(base_config), {}, {}
        for key, value in zip(keys, values, strict=True):
            if isinstance(value, dict):
                model.update(value)
            elif key in TRAIN_KEYS:
                train[key] = value
            elif key.startswith("data."):
                data[key[len("data.") :]] = value
            else:
                model[key] = value
        points.append((model, data, train))
    return points


def run_grid(
    base_config: dict[str, Any],
    grid: dict[str, list[Any]],
    seeds: Sequence[int] = (0, 1, 2),
    data: dict[str, Any] | None = None,
    progress: bool | str | None = None,
    cache: bool = True,
    **train_kwargs: Any,
) -> list[dict[str, Any]]:
    """Train every point of ``grid`` for every seed (cached), and return the runs in order.

    Parameters
    ----------
    base_config
        Model config the grid points modify (e.g. :data:`helpers.training.DEFAULT_MODEL`).
    grid
        ``{key: [values]}``, see the module docstring for what a key can be.
    seeds
        Training seeds; the data seed stays ``data.get("seed", 0)`` so that all runs see the
        same images and only the weights and the batch order change.
    data
        Arguments of :func:`helpers.data.load` (default: the default synthetic data).
    progress, cache, **train_kwargs
        Passed to :func:`helpers.training.train` (``epochs``, ``learning_rate``, ...).

    Returns
    -------
    list of dict
        One run per (grid point, seed), grid points in order, seeds innermost.
    """
    from helpers import data as data_module
    from helpers import training

    if (
        isinstance(seeds, int | str)
        or not isinstance(seeds, Sequence)
        or len(seeds) == 0
    ):
        raise ValueError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(
                f"seeds must be non-negative integers, got {seed!r} in {seeds!r}"
            )
    data = dict(data or {})
    unknown = sorted(set(train_kwargs) - set(TRAIN_KEYS))
    if unknown:
        raise ValueError(
            f"{unknown[0]} is not an argument of train that a grid can set "
            f"(got {unknown[0]}={train_kwargs[unknown[0]]!r}; choose from {', '.join(TRAIN_KEYS)})"
        )
    points = expand_grid(base_config, grid)
    # Fail on a bad data knob or model key before the first (long) training run.
    datasets: dict[str, Any] = {}
    for model, data_overrides, train_overrides in points:
        load_kwargs = {**data, **data_overrides}
        key = run_cache.canonical_json(load_kwargs)
        if key not in datasets:
            datasets[key] = data_module.load(**load_kwargs)
        training.model_config(model, datasets[key])
        training.check_args(
            **{
                "epochs": training.DEFAULT_EPOCHS,
                "seed": 0,
                "batch_size": training.DEFAULT_BATCH_SIZE,
                "learning_rate": training.DEFAULT_LEARNING_RATE,
                "optimizer": "adam",
                **train_kwargs,
                **train_overrides,
            }
        )
    jobs = []
    for model, data_overrides, train_overrides in points:
        dataset = datasets[run_cache.canonical_json({**data, **data_overrides})]
        for seed in seeds:
            jobs.append((model, dataset, seed, {**train_kwargs, **train_overrides}))
    eta = _Eta(
        [cache and _is_cached(training, *job) for job in jobs],
        show=progress == "line",
    )
    runs = []
    for job in jobs:
        model, dataset, seed, kwargs = job
        eta.before()
        runs.append(
            training.train(
                model, dataset, seed=seed, cache=cache, progress=progress, **kwargs
            )
        )
        eta.after()
    return runs


def _is_cached(
    training: Any, model: dict, dataset: Any, seed: int, kwargs: dict[str, Any]
) -> bool:
    """Whether the run of this grid point and seed is already in the cache."""
    settings = {
        "epochs": training.DEFAULT_EPOCHS,
        "batch_size": training.DEFAULT_BATCH_SIZE,
        "learning_rate": training.DEFAULT_LEARNING_RATE,
        "optimizer": "adam",
        "weight_decay": 0.0,
        "schedule": "cosine",
        **kwargs,
    }
    config = training.run_config(
        training.model_config(model, dataset), dataset, seed=seed, **settings
    )
    return run_cache.load(config) is not None


class _Eta:
    """Counts a sweep's runs and prints ``[k/n] ... ETA`` before each one that trains.

    The estimate is the mean wall time of the runs trained so far in this call times the
    number still to train (runs found in the cache cost nothing).
    """

    def __init__(self, cached: list[bool], show: bool) -> None:
        self.cached, self.show = cached, show
        self.index, self.trained, self.seconds = 0, 0, 0.0
        self.start = time.perf_counter()
        self.to_train = cached.count(False)
        if show and self.to_train < len(cached):
            print(
                f"{len(cached) - self.to_train} of {len(cached)} runs are in the cache; "
                f"{self.to_train} to train",
                flush=True,
            )

    def before(self) -> None:
        self.start = time.perf_counter()
        if not self.show or self.cached[self.index]:
            return
        left = self.to_train - self.trained
        eta = (
            f"ETA {_clock(self.seconds / self.trained * left)}"
            if self.trained
            else "ETA after the first run"
        )
        done = f"{self.trained}/{self.to_train} trained"
        print(f"[run {self.index + 1}/{len(self.cached)}, {done}, {eta}]", flush=True)

    def after(self) -> None:
        if not self.cached[self.index]:
            self.trained += 1
            self.seconds += time.perf_counter() - self.start
        self.index += 1


def _clock(seconds: float) -> str:
    """``3725`` -> ``'1 h 02 min'``, ``95`` -> ``'2 min'``."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


# --------------------------------------------------------------------------------------------
# Named sweeps
# --------------------------------------------------------------------------------------------


def _cardinality() -> Sweep:
    """The book's small ResNeXt at equal complexity for C = 1, 2, 4, 8, 16 (the paper's Table 2).

    The budget is the default block (C=4, d=4) with 64 channels in and out; each C gets the
    bottleneck width d whose block has the parameter count nearest to it (so every stage, where
    channels and d both double, keeps equal complexity too). C=32 would need d < 1.
    """
    from helpers import complexity, training

    base = dict(training.DEFAULT_MODEL)
    channels = base["width"]
    budget = complexity.block_params(
        base["cardinality"], base["bottleneck_width"], channels
    )
    shapes = [
        {
            "cardinality": c,
            "bottleneck_width": complexity.bottleneck_width_for(c, budget, channels),
        }
        for c in (1, 2, 4, 8, 16)
    ]
    return Sweep(
        description=(
            "Cardinality at equal complexity: the default small ResNeXt with C paths of "
            f"width d (block parameters ~{budget:,}), {training.DEFAULT_EPOCHS} epochs on the "
            "default synthetic data, 3 seeds."
        ),
        base_config=base,
        grid={"model": shapes},
        seeds=(0, 1, 2),
        data={},
        train={"epochs": training.DEFAULT_EPOCHS},
    )


#: Chapter 6's main experiment, the paper's Table 3 at small scale: the book's small ResNeXt
#: with a first stage of 64 channels and the complexity of C=8 paths of d=4, so that C = 1, 2,
#: 4 and 8 all keep d >= 4 (d = 18, 11, 7, 4: the paper's 1x64d to 32x4d span, 0.28 to 0.5 of
#: the block width). C=16 would need d=2, below the paper's d >= 4; chapter 6 shows narrower
#: paths with the (shorter) runs of the "cardinality" sweep, labelled as such. The data are
#: the harder synthetic images (variation 1.0, pixel noise TABLE3_NOISE), chosen on one shape
#: before the comparison so that accuracies sit below the ceiling (appendix "How the
#: experiments were set up"); training is the paper's CIFAR recipe shortened: SGD with
#: Nesterov momentum from 0.1, divided by 10 after 1/2 and 3/4 of the steps (the paper's
#: schedule, whose last quarter at the smallest rate lets the runs settle), weight decay 5e-4,
#: batches of 128.
TABLE3_BUDGET_SHAPE = (8, 4)
TABLE3_CARDINALITIES = (1, 2, 4, 8)
TABLE3_NOISE = 0.2
TABLE3_DATA: dict[str, Any] = {
    "n_train": 4000,
    "n_val": 2000,
    "n_test": 4000,
    "variation": 1.0,
    "noise": TABLE3_NOISE,
}
TABLE3_TRAIN: dict[str, Any] = {
    "epochs": 15,
    "optimizer": "sgd",
    "learning_rate": 0.1,
    "batch_size": 128,
    "weight_decay": 5e-4,
    "schedule": "step",
}


def table3_shapes() -> list[dict[str, int]]:
    """The shapes of :func:`_cardinality_table3`: ``[{"cardinality", "bottleneck_width"}]``."""
    from helpers import complexity, training

    channels = training.DEFAULT_MODEL["width"]
    budget = complexity.block_params(*TABLE3_BUDGET_SHAPE, channels)
    return [
        {
            "cardinality": c,
            "bottleneck_width": complexity.bottleneck_width_for(c, budget, channels),
        }
        for c in TABLE3_CARDINALITIES
    ]


def _cardinality_table3() -> Sweep:
    """Cardinality at equal complexity in the paper's regime (chapter 6's main comparison)."""
    from helpers import training

    shapes = table3_shapes()
    text = ", ".join(f"{s['cardinality']}x{s['bottleneck_width']}d" for s in shapes)
    return Sweep(
        description=(
            f"Cardinality at equal complexity with d >= 4 ({text}): the small ResNeXt with "
            "64 channels in its first stage, 15 epochs of "
            "SGD (Nesterov, 0.1, step schedule, weight decay 5e-4, batches of 128) on 4,000 harder "
            f"synthetic images (variation 1.0, noise {TABLE3_NOISE}), 5 seeds."
        ),
        base_config=dict(training.DEFAULT_MODEL),
        grid={"model": shapes},
        seeds=(0, 1, 2, 3, 4),
        data=dict(TABLE3_DATA),
        train=dict(TABLE3_TRAIN),
    )


def _cardinality_axis() -> Sweep:
    """The cardinality axis to its end (chapter 9): the grouped 3x3 convolution keeps the width
    of the default net's (C*d = 16 channels in the first stage) while C goes 1, 2, 4, 8, 16.

    C=1 is a ResNet bottleneck block, C=16 gives one channel per group in the first stage, a
    depthwise convolution (the later stages, twice and four times as wide with the same C, have
    2 and 4 channels per group). Parameters and multiply-adds fall as C grows.
    """
    from helpers import training

    base = dict(training.DEFAULT_MODEL)
    group_width = base["cardinality"] * base["bottleneck_width"]
    shapes = []
    cardinality = 1
    while cardinality <= group_width:
        shapes.append(
            {"cardinality": cardinality, "bottleneck_width": group_width // cardinality}
        )
        cardinality *= 2
    return Sweep(
        description=(
            f"Cardinality from 1 to the width of the grouped convolution ({group_width} channels "
            "in the first stage; C*d fixed, so C=16 is depthwise there), "
            f"{training.DEFAULT_EPOCHS} epochs on the default synthetic data, 3 seeds."
        ),
        base_config=base,
        grid={"model": shapes},
        seeds=(0, 1, 2),
        data={},
        train={"epochs": training.DEFAULT_EPOCHS},
    )


#: Chapter 1 trains small ResNets in the style of He et al.'s CIFAR networks: a 3x3 stem, then
#: 3 stages of n blocks (8, 16, 32 channels), 6n + 2 weighted layers. The regime was chosen by
#: the calibration in docs/calibration/ (appendix "How the experiments were set up"): SGD with
#: Nesterov momentum from a learning rate of 0.1 on a cosine schedule, batches of 128, 15
#: epochs of 4,000 images, which the residual networks fit to convergence; 2,000 validation
#: and 4,000 test images keep the sampling noise of an accuracy near +-0.5 points.
DEPTH_DATA: dict[str, Any] = {"n_train": 4000, "n_val": 2000, "n_test": 4000}
DEPTH_TRAIN: dict[str, Any] = {
    "epochs": 15,
    "optimizer": "sgd",
    "learning_rate": 0.1,
    "batch_size": 128,
}
#: Blocks per stage of the depth sweep: 8, 20, 32 and 44 layers.
DEPTH_BLOCKS = (1, 3, 5, 7)
#: Chapter 3 keeps the trainer of the original sweeps (Adam, 1e-2, cosine, 8 epochs, 1,000 images).
_SMALL_RESNET_DATA: dict[str, Any] = {"n_train": 1000}
_SMALL_RESNET_EPOCHS = 8


def _small_resnet_base(width: int = 16) -> dict[str, Any]:
    from helpers import training

    return {
        **training.DEFAULT_MODEL,
        "block": "basic",
        "width": width,
        "stem_width": width,
    }


def _depth() -> Sweep:
    """The degradation problem (chapter 1): plain against residual (basic) networks of 8, 20,
    32 and 44 layers, 5 seeds, and at the deepest point a residual network whose blocks start
    as the identity (``zero_init_last_bn``)."""
    shapes: list[dict[str, Any]] = [
        {"block": block, "stages": [n, n, n]}
        for n in DEPTH_BLOCKS
        for block in ("plain", "basic")
    ]
    deepest = [DEPTH_BLOCKS[-1]] * 3
    shapes.append({"block": "basic", "stages": deepest, "zero_init_last_bn": True})
    return Sweep(
        description=(
            "Plain and residual networks of 8, 20, 32 and 44 layers (8-16-32 channels; plus a "
            "44-layer residual network with zero-initialised last BN), 15 epochs of SGD "
            "(Nesterov, 0.1, cosine, batches of 128) on 4,000 images of the default "
            "synthetic data, 5 seeds."
        ),
        base_config=_small_resnet_base(width=8),
        grid={"model": shapes},
        seeds=(0, 1, 2, 3, 4),
        data=dict(DEPTH_DATA),
        train=dict(DEPTH_TRAIN),
    )


def _width_depth() -> Sweep:
    """Width against depth (chapter 3): residual networks of 1, 2 and 4 blocks per stage at
    widths 16, 23 and 32 (a factor of about sqrt(2) apart, so one step in width and one step in
    depth each double the parameters): the anti-diagonals have about equal parameters."""
    return Sweep(
        description=(
            "Residual networks (basic blocks) of 1, 2, 4 blocks per stage (8, 14, 26 layers) "
            "at widths 16, 23, 32, "
            f"{_SMALL_RESNET_EPOCHS} epochs on 1,000 images of the default synthetic data, "
            "3 seeds."
        ),
        base_config=_small_resnet_base(),
        grid={"width": [16, 23, 32], "stages": [[1, 1, 1], [2, 2, 2], [4, 4, 4]]},
        seeds=(0, 1, 2),
        data=dict(_SMALL_RESNET_DATA),
        train={"epochs": _SMALL_RESNET_EPOCHS},
    )


#: Chapter 8: the data of every step of the toy example (``data.load`` arguments; the dataset
#: name is a grid key).
TOY_DATA: dict[str, Any] = {"n_train": 1000, "n_val": 500, "n_test": 500, "seed": 0}
#: Chapter 8: one real ResNeXt block in place of the online example's block: the same 16-channel
#: stem, then C=8 paths of d=4 channels and a 64-d output (the example's 8 and 64).
TOY_RESNEXT_BLOCK: dict[str, Any] = {
    "stages": [1],
    "stem_width": 16,
    "width": 64,
    "cardinality": 8,
    "bottleneck_width": 4,
}


def _toy_example() -> Sweep:
    """Chapter 8: the fixed steps of the toy example. One real ResNeXt block
    (:data:`TOY_RESNEXT_BLOCK`) and the book's default small ResNeXt, each on learnable
    synthetic data and on the noise control (random labels), 5 seeds."""
    from helpers import training

    return Sweep(
        description=(
            "Toy example revisited: one ResNeXt block (C=8, d=4, 64-d out) and the default "
            f"small ResNeXt, {training.DEFAULT_EPOCHS} epochs on 1,000 images of the synthetic "
            "data and of the noise control, 5 seeds."
        ),
        base_config=dict(training.DEFAULT_MODEL),
        grid={
            "model": [dict(TOY_RESNEXT_BLOCK), {}],
            "data.name": ["synthetic", "noise"],
        },
        seeds=(0, 1, 2, 3, 4),
        data=dict(TOY_DATA),
        train={"epochs": training.DEFAULT_EPOCHS},
    )


def _real_data() -> Sweep:
    """Appendix: the book's default small ResNeXt and the ResNet (bottleneck blocks) whose
    blocks have the same parameter count, on scikit-learn's handwritten digits, 3 seeds."""
    from helpers import complexity, training

    base = dict(training.DEFAULT_MODEL)
    channels = base["width"]
    budget = complexity.block_params(
        base["cardinality"], base["bottleneck_width"], channels
    )
    resnet = {
        "block": "bottleneck",
        "bottleneck_width": complexity.bottleneck_width_for(1, budget, channels),
    }
    return Sweep(
        description=(
            "Real data: the default small ResNeXt and a ResNet of equal block complexity, "
            f"{training.DEFAULT_EPOCHS} epochs on scikit-learn's digits (1,197 training "
            "images), 3 seeds."
        ),
        base_config=base,
        grid={"model": [{}, resnet]},
        seeds=(0, 1, 2),
        data={"name": "digits"},
        train={"epochs": training.DEFAULT_EPOCHS},
    )


#: Named sweeps: name -> function returning the :class:`Sweep` (a function, so that building
#: the registry costs nothing at import).
SWEEPS: dict[str, Callable[[], Sweep]] = {
    "cardinality": _cardinality,
    "cardinality_axis": _cardinality_axis,
    "cardinality_table3": _cardinality_table3,
    "depth": _depth,
    "width_depth": _width_depth,
    "toy_example": _toy_example,
    "real_data": _real_data,
}


def _get(name: str) -> Sweep:
    if name not in SWEEPS:
        raise ValueError(
            f"name must be one of {', '.join(sorted(SWEEPS))}, got {name!r}"
        )
    return SWEEPS[name]()


def run_sweep(
    name: str, progress: bool | str | None = None, cache: bool = True
) -> dict[str, Any]:
    """Run the named sweep (through the cache) and return its precomputed-file dict.

    Returns ``{"name", "description", "grid", "seeds", "runs", "helpers_version",
    "timing"}``. ``timing`` records what regenerating the sweep costs: ``train_seconds``, the
    training time of all its runs as each run recorded it (whenever it was trained), and
    ``wall_seconds`` with ``runs_trained``, the wall time of this call and how many runs it
    trained (the others came from the cache), plus the machine's ``cpu_count``.
    """
    import os

    spec = _get(name)
    start = time.perf_counter()
    before = {p.name for p in run_cache.cache_dir().glob("*.json")} if cache else set()
    runs = run_grid(
        spec.base_config,
        spec.grid,
        seeds=spec.seeds,
        data=spec.data,
        progress=progress,
        cache=cache,
        **spec.train,
    )
    trained = (
        sum(f"{r['key']}.json" not in before for r in runs) if cache else len(runs)
    )
    return {
        "name": name,
        "description": spec.description,
        "grid": spec.grid,
        "seeds": list(spec.seeds),
        "runs": runs,
        "helpers_version": helpers.__version__,
        "timing": {
            "train_seconds": round(sum(sum(r["history"]["seconds"]) for r in runs), 1),
            "wall_seconds": round(time.perf_counter() - start, 1),
            "runs_trained": trained,
            "cpu_count": os.cpu_count(),
        },
    }


def load_precomputed(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """Read ``helpers/precomputed/NAME.json`` (or ``path``), a sweep that ships with the book.

    Raises
    ------
    ValueError
        For a name with path separators, or a file that is not a precomputed sweep.
    FileNotFoundError
        When the file is missing (regenerate it with ``python -m helpers.sweep NAME``).

    Examples
    --------
    >>> sweep = load_precomputed("cardinality")
    >>> sorted(sweep)[:3]
    ['description', 'grid', 'helpers_version']
    """
    if (
        not isinstance(name, str)
        or not name
        or "/" in name
        or "\\" in name
        or ".." in name
    ):
        raise ValueError(
            f"name must be a sweep name such as 'cardinality', got {name!r}"
        )
    file = Path(path) if path is not None else PRECOMPUTED_DIR / f"{name}.json"
    if not file.is_file():
        raise FileNotFoundError(
            f"no precomputed sweep {name!r} at {file}; run `python -m helpers.sweep {name}`"
        )
    try:
        result = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as err:
        raise ValueError(f"{file} is not valid JSON ({err})") from err
    missing = [
        k for k in ("name", "grid", "runs", "helpers_version") if k not in result
    ]
    if missing:
        raise ValueError(
            f"{file} is not a precomputed sweep: it lacks {', '.join(missing)}"
        )
    if result["name"] != name:
        raise ValueError(f"{file} holds the sweep {result['name']!r}, not {name!r}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.sweep NAME [--out PATH]``: regenerate a precomputed sweep."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.sweep", description="Regenerate a precomputed sweep."
    )
    parser.add_argument("name", nargs="?", help=f"one of {', '.join(sorted(SWEEPS))}")
    parser.add_argument(
        "--out", help="output file (default: helpers/precomputed/NAME.json)"
    )
    parser.add_argument("--list", action="store_true", help="list the sweeps and exit")
    parser.add_argument("--no-cache", action="store_true", help="retrain every run")
    args = parser.parse_args(argv)
    if args.list or not args.name:
        for name in sorted(SWEEPS):
            print(f"{name}: {SWEEPS[name]().description}")
        return 0 if args.list else 2
    if args.name not in SWEEPS:
        parser.error(
            f"unknown sweep {args.name!r}; choose from {', '.join(sorted(SWEEPS))}"
        )
    out = Path(args.out) if args.out else PRECOMPUTED_DIR / f"{args.name}.json"
    result = run_sweep(args.name, progress="line", cache=not args.no_cache)
    timing = result["timing"]
    run_cache.write_atomic(out, json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(
        f"wrote {out}: {len(result['runs'])} runs, {timing['train_seconds']:.0f} s of "
        f"training (recorded in the runs); this call trained {timing['runs_trained']} in "
        f"{timing['wall_seconds']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
