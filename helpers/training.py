"""Train a model on a :class:`helpers.data.Dataset` and return the run as a JSON-able dict.

:func:`train` is the one training loop of the book. It is deterministic by seed (the same seed
gives the same weights, the same batches and the same numbers, on the same machine), reports
progress without Keras progress bars, and, when given a model config rather than a built
model, stores the finished run in the cache (:mod:`helpers.cache`) so that a chapter re-runs
in seconds.

The optimizer is Adam (``optimizer="adam"``, the default) or SGD with Nesterov momentum 0.9
(``optimizer="sgd"``), optionally with weight decay (``weight_decay``, off by default). The
learning rate follows a cosine decay from ``learning_rate`` to zero over all training steps
(``schedule="cosine"``, the default) or the step schedule of the ResNet and ResNeXt papers'
CIFAR runs, divided by 10 after half and after three quarters of the steps
(``schedule="step"``). Chapter 1's depth sweep uses SGD with the cosine schedule, chapter 6's
main sweep SGD, weight decay and the step schedule (appendix "How the experiments were set
up"); Adam reaches high accuracy in few epochs without tuning, which is what a chapter that
trains in seconds needs.

Examples
--------
>>> from helpers import data, training
>>> ds = data.load(n_train=200, n_val=50, n_test=50)
>>> run = training.train({"stages": [1, 1, 1]}, ds, epochs=1, progress=False)  # doctest: +SKIP
>>> sorted(run["history"])  # doctest: +SKIP
['accuracy', 'loss', 'seconds', 'val_accuracy', 'val_loss']
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

import helpers
from helpers import cache as run_cache
from helpers import checks, defaults
from helpers import data as data_module
from helpers.notebook import in_book_build

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "DEFAULT_EPOCHS",
    "DEFAULT_LEARNING_RATE",
    "DEFAULT_MODEL",
    "OPTIMIZERS",
    "gradient_norms",
    "model_config",
    "retrain",
    "run_config",
    "train",
]

# The defaults live in helpers.defaults; these names are how chapters have always read them.
DEFAULT_MODEL: dict[str, Any] = defaults.MODEL
DEFAULT_EPOCHS = defaults.EPOCHS
DEFAULT_LEARNING_RATE = defaults.LEARNING_RATE
DEFAULT_BATCH_SIZE = defaults.BATCH_SIZE
OPTIMIZERS = ("adam", "sgd")
SCHEDULES = ("cosine", "step")
_EVAL_BATCH_SIZE = 250


# --------------------------------------------------------------------------------------------
# Validation and configs
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Tuples to lists, numpy scalars to Python: what a JSON round trip would give."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON-able")


def model_config(
    config: dict[str, Any], dataset: data_module.Dataset | None = None
) -> dict:
    """A model config with every default of ``build_model`` filled in, as plain JSON values.

    ``num_classes`` and ``input_shape`` default to the dataset's. Two configs that build the
    same model give the same dict, hence the same cache key.

    Raises
    ------
    ValueError
        For a key ``build_model`` does not take, or ``num_classes``/``input_shape`` that
        disagree with the dataset.
    """
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    full = dict(config)
    if dataset is not None:
        full.setdefault("num_classes", dataset.num_classes)
        full.setdefault("input_shape", list(dataset.input_shape))
    unknown = sorted(set(full) - set(defaults.BUILD_MODEL))
    if unknown:
        raise ValueError(
            f"model config key {unknown[0]!r} is not a parameter of build_model "
            f"(got {unknown[0]}={full[unknown[0]]!r}; it takes {', '.join(defaults.BUILD_MODEL)})"
        )
    full = _jsonable({**defaults.BUILD_MODEL, **full})
    if dataset is not None:
        if full.get("num_classes") != dataset.num_classes:
            raise ValueError(
                f"num_classes must match the dataset's {dataset.num_classes}, "
                f"got num_classes={full.get('num_classes')!r}"
            )
        if list(full.get("input_shape", [])) != list(dataset.input_shape):
            raise ValueError(
                f"input_shape must match the dataset's {list(dataset.input_shape)}, "
                f"got input_shape={full.get('input_shape')!r}"
            )
    return full


def run_config(
    model: dict[str, Any],
    dataset: data_module.Dataset,
    epochs: int,
    seed: int,
    batch_size: int,
    learning_rate: float,
    optimizer: str,
    weight_decay: float = 0.0,
    schedule: str = "cosine",
) -> dict[str, Any]:
    """The ``config`` part of a run (see docs/CONTRACT.md); its hash is the cache key.

    ``weight_decay`` and ``schedule`` are recorded only when they are not the defaults (0 and
    ``"cosine"``), so runs made before they existed keep their keys.
    """
    config = {
        "model": model,
        "data": dataset.config,
        "epochs": epochs,
        "seed": seed,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "optimizer": optimizer,
    }
    if weight_decay:
        config["weight_decay"] = weight_decay
    if schedule != "cosine":
        config["schedule"] = schedule
    return _jsonable(config)


def check_args(
    epochs: Any,
    seed: Any,
    batch_size: Any,
    learning_rate: Any,
    optimizer: Any,
    weight_decay: Any = 0.0,
    schedule: Any = "cosine",
) -> tuple[int, int, int, float, str, float, str]:
    epochs = checks.positive_int("epochs", epochs)
    batch_size = checks.positive_int("batch_size", batch_size)
    seed = checks.seed("seed", seed)
    learning_rate = checks.number("learning_rate", learning_rate, low=0)
    if learning_rate == 0:
        raise ValueError("learning_rate must be a positive number, got learning_rate=0")
    checks.choice("optimizer", optimizer, OPTIMIZERS)
    weight_decay = checks.number("weight_decay", weight_decay, low=0)
    checks.choice("schedule", schedule, SCHEDULES)
    return epochs, seed, batch_size, learning_rate, optimizer, weight_decay, schedule


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


def _in_live_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class _Progress:
    """Shows how far a run is: a widget, a text bar, one line at the end, or nothing."""

    def __init__(self, mode: str, label: str, total_steps: int, epochs: int) -> None:
        self.mode = mode
        self.label = label
        self.total = max(1, total_steps)
        self.epochs = epochs
        self.done = 0
        self.epoch = 0
        self.status = ""
        self._last_draw = 0.0
        self._widget = None
        # A bar redrawn in place needs a terminal; elsewhere (logs, captured output) "text"
        # prints one line at the end, like "line".
        self.live = bool(getattr(sys.stderr, "isatty", lambda: False)())
        if mode == "widget":
            try:
                import ipywidgets
                from IPython.display import display
            except ImportError:
                self.mode = "text"
            else:
                self._bar = ipywidgets.IntProgress(
                    value=0, min=0, max=self.total, description="training"
                )
                self._text = ipywidgets.Label(value=label)
                self._widget = ipywidgets.HBox([self._bar, self._text])
                display(self._widget)

    def step(self, steps: int = 1) -> None:
        self.done = min(self.total, self.done + steps)
        if self.mode == "widget":
            self._bar.value = self.done
        elif self.mode == "text" and self.live:
            now = time.monotonic()
            if now - self._last_draw > 0.2 or self.done == self.total:
                self._last_draw = now
                self._draw()

    def end_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch = epoch
        self.status = (
            f"epoch {epoch}/{self.epochs}  loss {logs['loss']:.3f}  "
            f"val acc {logs['val_accuracy']:.3f}"
        )
        if self.mode == "widget":
            self._text.value = f"{self.label}: {self.status}"
        elif self.mode == "text" and self.live:
            self._draw()

    def _draw(self) -> None:
        width = 24
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {self.status}")
        sys.stderr.flush()

    def close(self, summary: str) -> None:
        if self.mode == "widget":
            self._bar.bar_style = "success"
            self._text.value = f"{self.label}: {summary}"
        elif self.mode == "text" and self.live:
            sys.stderr.write(f"\r{self.label}: {summary}\033[K\n")
            sys.stderr.flush()
        elif self.mode in ("line", "text"):
            print(f"{self.label}: {summary}", flush=True)


def _progress_mode(progress: bool | str | None) -> str:
    if progress is False or progress == "none":
        return "none"
    if progress in ("widget", "text", "line"):
        return progress  # type: ignore[return-value]
    if progress not in (None, True):
        raise ValueError(
            f"progress must be None, True, False, 'widget', 'text', 'line' or 'none', "
            f"got {progress!r}"
        )
    if in_book_build():
        return "line"
    return "widget" if _in_live_notebook() else "text"


def _describe(model: dict[str, Any] | None, name: str) -> str:
    if model is None:
        return name
    parts = [str(model.get("block", "model"))]
    if "stages" in model:
        parts.append("stages=" + "-".join(str(s) for s in model["stages"]))
    if model.get("block") == "resnext":
        parts.append(f"C={model.get('cardinality')} d={model.get('bottleneck_width')}")
    if "width" in model:
        parts.append(f"width={model['width']}")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def _finite(values: list[float]) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values]


def _fit(
    model: keras.Model,
    dataset: data_module.Dataset,
    config: dict[str, Any],
    progress_mode: str,
    label: str,
    on_epoch: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, Any]:
    import keras

    from helpers.models import from_logits

    epochs, seed = config["epochs"], config["seed"]
    batch_size, learning_rate = config["batch_size"], config["learning_rate"]
    n = len(dataset.y_train)
    steps_per_epoch = math.ceil(n / batch_size)
    total = epochs * steps_per_epoch
    if config.get("schedule", "cosine") == "step":
        schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
            boundaries=[total // 2, (3 * total) // 4],
            values=[learning_rate, learning_rate / 10, learning_rate / 100],
        )
    else:
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=learning_rate, decay_steps=total
        )
    # Keras applies weight decay as w -= learning_rate * weight_decay * w at each step.
    decay = config.get("weight_decay") or None
    if config["optimizer"] == "adam":
        optimizer = keras.optimizers.Adam(learning_rate=schedule, weight_decay=decay)
    else:
        optimizer = keras.optimizers.SGD(
            learning_rate=schedule, momentum=0.9, nesterov=True, weight_decay=decay
        )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits(model)),
        metrics=["accuracy"],
    )

    progress = _Progress(progress_mode, label, epochs * steps_per_epoch, epochs)

    class _Steps(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            progress.step()

    callbacks = [_Steps()] if progress.mode in ("widget", "text") else []
    shuffle_rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {
        "loss": [],
        "accuracy": [],
        "val_loss": [],
        "val_accuracy": [],
        "seconds": [],
    }
    val = _batches(dataset.x_val, dataset.y_val, _EVAL_BATCH_SIZE)
    for epoch in range(1, epochs + 1):
        order = shuffle_rng.permutation(n)
        batches = _batches(dataset.x_train[order], dataset.y_train[order], batch_size)
        start = time.perf_counter()
        fit = model.fit(
            batches, epochs=1, shuffle=False, verbose=0, callbacks=callbacks
        )
        seconds = time.perf_counter() - start
        val_loss, val_accuracy = model.evaluate(val, verbose=0)
        history["loss"].append(float(fit.history["loss"][-1]))
        history["accuracy"].append(float(fit.history["accuracy"][-1]))
        history["val_loss"].append(float(val_loss))
        history["val_accuracy"].append(float(val_accuracy))
        history["seconds"].append(seconds)
        progress.end_epoch(epoch, {k: v[-1] for k, v in history.items()})
        if on_epoch is not None:
            on_epoch(epoch, {k: v[-1] for k, v in history.items()})
    _, test_accuracy = model.evaluate(
        _batches(dataset.x_test, dataset.y_test, _EVAL_BATCH_SIZE), verbose=0
    )
    total = sum(history["seconds"])
    progress.close(
        f"{epochs} epochs in {total:.0f} s, val accuracy {history['val_accuracy'][-1]:.3f}"
    )
    return {
        "config": config,
        "history": {k: _finite(v) for k, v in history.items()},
        "test_accuracy": float(test_accuracy),
        "params": int(model.count_params()),
        "helpers_version": helpers.__version__,
        "key": run_cache.run_key(config),
    }


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int):
    """A tf.data pipeline of (images, labels) batches in the given order."""
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).prefetch(1)


def _seed_everything(seed: int) -> None:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def train(
    model_or_config: keras.Model | dict[str, Any],
    dataset: data_module.Dataset | None = None,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    schedule: str = "cosine",
    cache: bool = True,
    progress: bool | str | None = None,
    on_epoch: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, Any]:
    """Train a model and return the run: config, per-epoch history, test accuracy, params.

    Parameters
    ----------
    model_or_config
        A model config for :func:`helpers.models.build_model` (a dict such as
        ``DEFAULT_MODEL``; missing keys take build_model's defaults, ``num_classes`` and
        ``input_shape`` the dataset's): the model is built after seeding, and the run is cached.
        Or a built ``keras.Model``: it is compiled and trained in place, and nothing is cached
        (its weights were initialised before ``seed`` could act on them).
    dataset
        From :func:`helpers.data.load`; ``None`` loads the default synthetic data.
    epochs, seed, batch_size, learning_rate
        Passes over the training set, the seed of weights and batch order, images per step,
        and the starting learning rate (cosine decay to zero over all steps).
    optimizer
        ``"adam"`` (default) or ``"sgd"`` (Nesterov momentum 0.9).
    weight_decay
        Decay of every weight per step, scaled by the learning rate (0: none, the default).
    schedule
        ``"cosine"`` (default): cosine decay to zero over all steps; ``"step"``: divided by 10
        after half and after three quarters of the steps.
    cache
        Read a finished run from the cache and store new ones (model configs only).
    progress
        ``None``: a progress bar in a live notebook or terminal, one line per run in the book
        build (``RESNEXT_BOOK_BUILD=1``). ``False``: silent. ``"widget"``, ``"text"``,
        ``"line"`` force one style.
    on_epoch
        Called as ``on_epoch(epoch, logs)`` after each epoch (``logs``: that epoch's values of
        the history), e.g. to move a progress bar of the caller's own.

    Returns
    -------
    dict
        ``{"config", "history": {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"},
        "test_accuracy", "params", "helpers_version", "key"}`` (docs/CONTRACT.md). ``seconds``
        is the wall time of each epoch's training pass (without the validation pass).

    Examples
    --------
    >>> run = train(DEFAULT_MODEL, epochs=1, progress=False)  # doctest: +SKIP
    >>> run["history"]["val_accuracy"]  # doctest: +SKIP
    [0.8...]
    """
    epochs, seed, batch_size, learning_rate, optimizer, weight_decay, schedule = (
        check_args(
            epochs, seed, batch_size, learning_rate, optimizer, weight_decay, schedule
        )
    )
    settings = {
        "epochs": epochs,
        "seed": seed,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "optimizer": optimizer,
        "weight_decay": weight_decay,
        "schedule": schedule,
    }
    progress_mode = _progress_mode(progress)
    if dataset is None:
        dataset = data_module.load()
    elif not isinstance(dataset, data_module.Dataset):
        raise ValueError(
            f"dataset must be a helpers.data.Dataset, got {type(dataset).__name__}"
        )

    if isinstance(model_or_config, dict):
        model_cfg = model_config(model_or_config, dataset)
        config = run_config(model_cfg, dataset, **settings)
        label = _describe(model_cfg, "model")

        def compute(config: dict[str, Any]) -> dict[str, Any]:
            from helpers.models import build_model

            _seed_everything(seed)
            model = build_model(**model_cfg)
            return _fit(model, dataset, config, progress_mode, label, on_epoch)

        if cache:
            return run_cache.cached(config, compute)
        return compute(config)

    if not hasattr(model_or_config, "fit") or not hasattr(
        model_or_config, "count_params"
    ):
        raise ValueError(
            "model_or_config must be a model config dict or a keras.Model, "
            f"got {type(model_or_config).__name__}"
        )
    model = model_or_config
    described = {"name": model.name, "params": int(model.count_params())}
    config = run_config(described, dataset, **settings)
    _seed_everything(seed)
    return _fit(model, dataset, config, progress_mode, model.name, on_epoch)


def retrain(
    run: dict[str, Any], cache: bool = False, progress: bool | str | None = None
) -> dict[str, Any]:
    """Train again with exactly the settings a run records (model, data, epochs, seed, batch
    size, learning rate, optimizer, weight decay, schedule), e.g. to check that a shipped run
    reproduces.

    Examples
    --------
    >>> from helpers import sweep
    >>> shipped = sweep.load_precomputed("depth")["runs"][0]
    >>> again = retrain(shipped, progress=False)  # doctest: +SKIP
    >>> again["config"] == shipped["config"]  # doctest: +SKIP
    True
    """
    config = run["config"]
    keys = ("epochs", "seed", "batch_size", "learning_rate", "optimizer")
    return train(
        config["model"],
        data_module.from_config(config["data"]),
        weight_decay=config.get("weight_decay", 0.0),
        schedule=config.get("schedule", "cosine"),
        cache=cache,
        progress=progress,
        **{key: config[key] for key in keys},
    )


def gradient_norms(
    model: keras.Model, x: np.ndarray, y: np.ndarray, training: bool = True
) -> list[dict[str, Any]]:
    """The norm of the loss gradient with respect to every convolution and dense kernel.

    One forward and one backward pass on the batch ``(x, y)`` (``tf.GradientTape``); the
    weights are not changed. The loss is the cross-entropy :func:`train` minimizes. With
    ``training=True`` (default) batch normalization uses the statistics of the batch, as in a
    training step; the moving statistics it updates on the way are restored afterwards.

    Parameters
    ----------
    model
        A built ``keras.Model`` (softmax or logits output, detected as in :func:`train`).
    x
        Images, shape ``(n, *model.input_shape[1:])``.
    y
        Integer labels, shape ``(n,)``, in ``[0, classes)``.
    training
        Run the model in training mode (batch statistics in BN).

    Returns
    -------
    list of dict
        One row per kernel, in the order of the model's layers (input to output):
        ``{"name": layer name, "kind": "conv" | "dense", "norm": ||dL/dW||,
        "weight_norm": ||W||}`` (Frobenius norms).

    Examples
    --------
    >>> import numpy as np
    >>> from helpers import models
    >>> net = models.build_model(block="plain", stages=[1], width=8, stem_width=8, seed=0)
    >>> x = np.random.default_rng(0).random((4, 32, 32, 3), dtype=np.float32)
    >>> rows = gradient_norms(net, x, np.array([0, 1, 2, 3]))
    >>> [r["name"] for r in rows]
    ['stem_conv', 'stage1_block1_conv1', 'stage1_block1_conv2', 'classifier']
    >>> all(r["norm"] > 0 for r in rows)
    True
    """
    if not hasattr(model, "trainable_variables") or not hasattr(model, "input_shape"):
        raise ValueError(
            f"model must be a built keras.Model, got {type(model).__name__}"
        )
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    expected = tuple(model.input_shape[1:])
    if x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected or len(x) == 0:
        raise ValueError(
            f"x must have shape (n, {', '.join(map(str, expected))}), got {x.shape}"
        )
    classes = int(model.output_shape[-1])
    if y.shape != (len(x),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y must be {len(x)} integer labels (one per image), got {y!r:.80}"
        )
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(
            f"y must hold labels in [0, {classes}), got values {y.min()}..{y.max()}"
        )
    if not isinstance(training, bool | np.bool_):
        raise ValueError(f"training must be True or False, got {training!r}")
    import keras
    import tensorflow as tf

    from helpers import models as models_module

    kernels = [
        (layer, layer.kernel)
        for layer in models_module.all_layers(model)
        if getattr(layer, "kernel", None) is not None
        and getattr(layer, "trainable", False)
    ]
    if not kernels:
        raise ValueError(f"model {model.name!r} has no convolution or dense kernels")
    saved = [v.numpy() for v in model.non_trainable_variables]  # BN moving statistics
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=models_module.from_logits(model)
    )
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.constant(y), model(tf.constant(x), training=bool(training)))
    grads = tape.gradient(loss, [k for _, k in kernels])
    for variable, value in zip(model.non_trainable_variables, saved, strict=True):
        variable.assign(value)
    rows = []
    for (layer, kernel), grad in zip(kernels, grads, strict=True):
        rows.append(
            {
                "name": layer.name,
                "kind": "dense" if type(layer).__name__ == "Dense" else "conv",
                "norm": float(tf.norm(grad)) if grad is not None else 0.0,
                "weight_norm": float(tf.norm(kernel)),
            }
        )
    return rows
