"""Timing training steps: one step timer, one way to take turns, one GFLOP/s formula.

Chapter 3 and 8 time whole networks (:func:`step_seconds`), chapter 7 grouped convolutions and
ResNeXt blocks (:func:`time_grouped_conv`, :func:`time_resnext_blocks`), and ``benchmarks/``
all of these; every one of them times a step with :func:`step_timer` and lets the variants take
turns with :func:`take_turns`, so that load from other processes falls on all alike.

Examples
--------
>>> import keras
>>> from helpers import timing
>>> inputs = keras.Input((4, 4, 2))
>>> model = keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs))
>>> step = timing.step_timer(model, np.zeros((1, 4, 4, 2), "float32"))
>>> step() > 0
True
>>> timing.gflops(multiply_adds=1e9, seconds=2.0)
3.0
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import keras
import numpy as np

from helpers import checks, complexity
from helpers.blocks import as_model, from_logits, resnext_block
from helpers.grouped import IMPLS, GroupedConv2D, on_gpu, resolve_impl

__all__ = [
    "gflops",
    "roofline_seconds",
    "step_seconds",
    "step_timer",
    "take_turns",
    "time_grouped_conv",
    "time_resnext_blocks",
]


def gflops(multiply_adds: float, seconds: float) -> float:
    """Useful billions of floating-point operations per second of a training step whose forward
    pass takes ``multiply_adds``: two operations per multiply-add, and the backward pass costs
    about twice the forward, so ``6 * multiply_adds / seconds / 1e9``.

    Examples
    --------
    >>> gflops(2e9, 4.0)
    3.0
    """
    return 6 * multiply_adds / seconds / 1e9


def _elements(tensors: Any) -> int:
    """Number of values in a tensor or a list of tensors, without the batch axis."""
    if isinstance(tensors, list | tuple):
        return sum(_elements(t) for t in tensors)
    return int(np.prod(tensors.shape[1:]))


def roofline_seconds(
    model: keras.Model, batch_size: int, peak_gflops: float, bandwidth_gbs: float
) -> dict[str, float]:
    """The roofline bound of one training step: the least time it can take on a machine that
    does ``peak_gflops`` and moves ``bandwidth_gbs`` gigabytes per second.

    Each layer is bounded on its own by its arithmetic or its memory traffic, whichever takes
    longer, and the bounds add up. A convolution or dense layer does ``6 * multiply_adds``
    operations (forward, and twice that backward) and moves its input, output and weights three
    times (forward; gradient of the input; gradient of the weights). Any other layer (BN, ReLU,
    addition, pooling) does next to no arithmetic but reads and writes its values: five
    crossings of the memory bus per value (forward read and write; backward reads the gradient
    and the input and writes a gradient). All values are float32 (4 bytes).

    Returns
    -------
    dict
        ``{"seconds", "compute_seconds", "memory_seconds", "flops", "bytes"}``: the bound, the
        parts of it spent by layers bounded by arithmetic and by memory, and the totals.

    Examples
    --------
    >>> x = keras.Input((8, 8, 16))
    >>> y = keras.layers.ReLU()(keras.layers.Conv2D(16, 3, padding="same")(x))
    >>> bound = roofline_seconds(keras.Model(x, y), 32, peak_gflops=100, bandwidth_gbs=10)
    >>> bound["flops"] == 6 * 3 * 3 * 16 * 16 * 8 * 8 * 32
    True
    >>> bound["memory_seconds"] > 0 and bound["seconds"] > bound["compute_seconds"]
    True
    """
    from helpers.blocks import all_layers
    from helpers.complexity import count_layer_multiply_adds

    batch_size = checks.positive_int("batch_size", batch_size)
    peak = checks.number("peak_gflops", peak_gflops, low=1e-9) * 1e9
    bandwidth = checks.number("bandwidth_gbs", bandwidth_gbs, low=1e-9) * 1e9
    totals = dict.fromkeys(
        ("seconds", "compute_seconds", "memory_seconds", "flops", "bytes"), 0.0
    )
    for layer in all_layers(model):
        if type(layer).__name__ == "InputLayer":
            continue
        inputs, outputs = _elements(layer.input), _elements(layer.output)
        multiply_adds = count_layer_multiply_adds(layer) * batch_size
        if multiply_adds:
            weights = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
            flops = 6.0 * multiply_adds
            values = 3 * (batch_size * (inputs + outputs) + weights)
        else:
            flops = 0.0
            values = 5 * batch_size * max(inputs, outputs)
        moved = 4.0 * values
        compute, memory = flops / peak, moved / bandwidth
        totals["seconds"] += max(compute, memory)
        totals["compute_seconds" if compute >= memory else "memory_seconds"] += max(
            compute, memory
        )
        totals["flops"] += flops
        totals["bytes"] += moved
    return totals


def step_timer(
    model: keras.Model, x: Any, y: Any = None, optimizer: str = "sgd"
) -> Callable[[], float]:
    """One training step of ``model`` (forward, backward, update) on the batch ``x``, as a
    function that runs it and returns its wall time in seconds.

    With labels ``y`` the loss is the cross-entropy (from logits unless the model ends in a
    softmax); without, the mean square of the output, which serves layers and blocks that have
    no classifier. ``optimizer`` is ``"sgd"`` or ``"adam"`` (learning rate 1e-3). The step is
    traced here, once: the first call is not slower for it.
    """
    import tensorflow as tf

    checks.choice("optimizer", optimizer, ("sgd", "adam"))
    opt = (keras.optimizers.SGD if optimizer == "sgd" else keras.optimizers.Adam)(1e-3)
    opt.build(model.trainable_variables)
    inputs = tf.constant(x)
    labels = None if y is None else tf.constant(y)
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(
        from_logits=from_logits(model)
    )

    def step() -> Any:
        with tf.GradientTape() as tape:
            out = model(inputs, training=True)
            if labels is None:
                loss = tf.reduce_mean(tf.square(out))
            else:
                loss = cross_entropy(labels, out)
        opt.apply(
            tape.gradient(loss, model.trainable_variables), model.trainable_variables
        )
        return loss

    # A concrete function runs without tf.function's retracing bookkeeping (which warns when
    # one step function per model is traced).
    concrete = tf.function(step).get_concrete_function()

    def timed() -> float:
        start = time.perf_counter()
        concrete().numpy()  # .numpy() waits for the result (on a GPU too)
        return time.perf_counter() - start

    return timed


def take_turns(
    steps: Mapping[Hashable, Callable[[], float]],
    rounds: int,
    warmup: int = 0,
    budget_s: float = math.inf,
    times: dict[Hashable, list[float]] | None = None,
) -> dict[Hashable, list[float]]:
    """Time each step ``rounds`` times, one step of each per round after ``warmup`` untimed
    steps each; a step whose times add up to ``budget_s`` is not timed again. ``times`` holds
    earlier samples to add to. Returns ``{key: [seconds, ...]}``.

    Examples
    --------
    >>> take_turns({"a": lambda: 0.5, "b": lambda: 2.0}, rounds=3, budget_s=1.0)
    {'a': [0.5, 0.5], 'b': [2.0]}
    """
    times = {key: list((times or {}).get(key, [])) for key in steps}
    for step in steps.values():
        for _ in range(warmup):
            step()
    for _ in range(rounds):
        for key, step in steps.items():
            if sum(times[key]) < budget_s:
                times[key].append(step())
    return times


def step_seconds(
    models: Any,
    batch_size: int = 64,
    rounds: int = 10,
    warmup: int = 2,
    seed: int = 0,
    statistic: str = "median",
) -> dict[str, float]:
    """Wall time of one training step (forward, backward, Adam update, cross-entropy loss) of
    each model, the models taking turns (:func:`take_turns`). The inputs are random images and
    labels of each model's input shape, drawn with ``seed``: the time is the computation's,
    without the data pipeline.

    Parameters
    ----------
    models
        ``{name: keras.Model}``, built models.
    batch_size, rounds, warmup, seed
        Images per step; timed steps per model; untimed steps per model first; the seed of the
        random inputs and labels.
    statistic
        ``"median"`` of the timed steps, or ``"min"``: on a machine shared with other work the
        fastest step is the better estimate of what the computation itself costs.

    Returns
    -------
    dict
        ``{name: seconds per step}`` in the order of ``models``.

    Examples
    --------
    >>> from helpers import models
    >>> net = models.build_model(stages=[1], width=16, stem_width=8, cardinality=2,
    ...                          bottleneck_width=2, input_shape=[8, 8, 3])
    >>> times = step_seconds({"tiny": net}, batch_size=4, rounds=2, warmup=1)
    >>> list(times), times["tiny"] > 0
    (['tiny'], True)
    """
    if not isinstance(models, Mapping) or not models:
        raise ValueError(
            f"models must be a non-empty dict {{name: keras.Model}}, got {models!r:.80}"
        )
    for name, model in models.items():
        if not hasattr(model, "trainable_variables") or not hasattr(
            model, "input_shape"
        ):
            raise ValueError(
                f"models[{name!r}] must be a built keras.Model, got {type(model).__name__}"
            )
    batch_size = checks.positive_int("batch_size", batch_size)
    rounds = checks.positive_int("rounds", rounds)
    warmup = checks.seed("warmup", warmup)
    rng = np.random.default_rng(checks.seed("seed", seed))
    statistic = checks.choice("statistic", statistic, ("median", "min"))
    steps = {}
    for name, model in models.items():
        x = rng.random((batch_size, *model.input_shape[1:]), dtype=np.float32)
        y = rng.integers(0, int(model.output_shape[-1]), size=batch_size)
        steps[name] = step_timer(model, x, y, optimizer="adam")
    times = take_turns(steps, rounds, warmup)
    reduce = np.median if statistic == "median" else np.min
    return {name: float(reduce(values)) for name, values in times.items()}


# --- grouped convolutions and blocks (chapter 7) -----------------------------------------------
def _time_variants(
    builders: dict[tuple[str, int], Any],
    batch: np.ndarray,
    repeats: int,
    budget_s: float,
    max_step_s: float | None,
) -> tuple[dict[tuple[str, int], dict[str, Any]], dict[tuple[str, int], keras.Model]]:
    """Build and time the variants ``(impl, C) -> build()`` in one run.

    Each variant is built, traced and run once (``first_s``), twice more untimed and once
    timed, one after the other in the given order. Once a variant of an implementation takes
    longer than ``max_step_s`` per step, its later (larger C) variants are skipped. Then the
    variants take turns until each has ``repeats`` timed steps or ``budget_s`` seconds of them.
    """
    steps, first, times, models, too_slow = {}, {}, {}, {}, set()
    for key, build in builders.items():
        impl, _ = key
        if impl in too_slow:
            continue
        start = time.perf_counter()
        models[key] = build()
        steps[key] = step = step_timer(models[key], batch)
        step()
        first[key] = time.perf_counter() - start
        step()
        step()
        times[key] = [step()]
        if max_step_s is not None and times[key][0] > max_step_s:
            too_slow.add(impl)
    times = take_turns(steps, repeats - 1, budget_s=budget_s, times=times)
    results = {
        key: {
            "samples": samples,
            "first_s": first[key],
            "median_s": float(np.median(samples)),
        }
        for key, samples in times.items()
    }
    return results, models


def _check_timing(
    impls: Any,
    sizes: dict[str, Any],
    repeats: Any,
    budget_s: Any,
    max_step_s: Any,
    seed: Any,
) -> list[str]:
    if isinstance(impls, str) or not isinstance(impls, Sequence) or not impls:
        raise ValueError(
            f"impls={impls!r} must be a non-empty list of names from {IMPLS}"
        )
    for name in impls:
        checks.choice("impls", name, IMPLS)
    for name, value in {**sizes, "repeats": repeats}.items():
        checks.positive_int(name, value)
    checks.number("budget_s", budget_s, low=1e-9)
    if max_step_s is not None:
        checks.number("max_step_s", max_step_s, low=1e-9)
    checks.seed("seed", seed)
    return list(impls)


def _timing_row(
    impl: str, c: int, channels: int, timed: dict[str, Any] | None, multiply_adds: int
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "impl": impl,
        "runs": resolve_impl(impl, groups=c, in_channels=channels),
        "C": c,
        "ms": None,
        "steps": 0,
        "first_ms": None,
        "multiply_adds": multiply_adds,
        "gflops": None,
        "skipped": timed is None,
        "device": "GPU" if on_gpu() else "CPU",
    }
    if timed is not None:
        seconds = timed["median_s"]
        row.update(
            ms=seconds * 1e3,
            steps=len(timed["samples"]),
            first_ms=timed["first_s"] * 1e3,
            gflops=gflops(multiply_adds, seconds),
        )
    return row


def time_grouped_conv(
    cardinalities: Sequence[int] = (1, 2, 4, 8, 16, 32),
    impls: Sequence[str] = ("native", "split", "auto"),
    channels: int = 64,
    batch: int = 8,
    size: int = 16,
    repeats: int = 5,
    budget_s: float = 1.0,
    max_step_s: float | None = 1.0,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time a training step of a ``channels`` -> ``channels`` 3x3 grouped convolution for every
    implementation in ``impls`` and every number of groups in ``cardinalities``, in one run.

    A step is forward, backward and an SGD update (the loss is the mean square of the output);
    its time is the median of up to ``repeats`` steps, the variants taking turns so that load
    from other processes falls on all alike; a variant whose steps add up to ``budget_s`` is
    not timed again. Keras' native path can take seconds per step on a CPU at large C: once
    a step of an implementation takes longer than ``max_step_s``, its larger cardinalities
    are not built, and their rows say ``skipped``.

    Parameters
    ----------
    cardinalities
        Numbers of groups ``C``, ascending; each must divide ``channels``.
    impls
        Names from :data:`IMPLS`; ``"auto"`` runs what it resolves to here (column ``runs``).
    channels, batch, size
        Input and output channels of the layer, and the input batch
        ``(batch, size, size, channels)``: random normal numbers drawn with ``seed``.
    repeats, budget_s, max_step_s
        Timed steps per variant at most; seconds after which a variant is not timed again;
        the step time beyond which larger C of an implementation are skipped (``None``: never).

    Returns
    -------
    list of dict
        One row per (impl, C), impls in the given order: ``impl``, ``runs`` (the resolved
        implementation), ``C``, ``ms`` (median milliseconds per step; ``None`` if skipped),
        ``steps`` (timed steps), ``first_ms`` (the first call, with tracing and compiling),
        ``multiply_adds`` (of the forward convolution on the whole batch), ``gflops`` (useful
        billions of floating-point operations per second, ``6 * multiply_adds / seconds``:
        two per multiply-add, and the backward pass costs about twice the forward),
        ``skipped``, ``device`` (``"CPU"`` or ``"GPU"``).

    Examples
    --------
    >>> rows = time_grouped_conv([1, 2], ["split"], channels=8, batch=1, size=4, repeats=1)
    >>> [(r["impl"], r["C"], r["ms"] > 0) for r in rows]
    [('split', 1, True), ('split', 2, True)]
    """
    sizes = {"channels": channels, "batch": batch, "size": size}
    impls = _check_timing(impls, sizes, repeats, budget_s, max_step_s, seed)
    if isinstance(cardinalities, str | bytes) or not isinstance(
        cardinalities, Sequence
    ):
        raise ValueError(
            f"cardinalities={cardinalities!r} must be a list of positive ints"
        )
    if not cardinalities:
        raise ValueError("cardinalities must not be empty")
    for c in cardinalities:
        if (
            isinstance(c, bool)
            or not isinstance(c, int | np.integer)
            or c < 1
            or channels % c
        ):
            raise ValueError(
                f"cardinalities holds {c!r}, which is not a positive int dividing "
                f"channels={channels}"
            )
    cardinalities = sorted(int(c) for c in cardinalities)
    x = (
        np.random.default_rng(seed)
        .normal(size=(batch, size, size, channels))
        .astype("float32")
    )

    def builder(c: int, impl: str) -> Any:
        def build() -> keras.Model:
            inputs = keras.Input((size, size, channels))
            layer = GroupedConv2D(channels, 3, groups=c, impl=impl, name="conv")
            return keras.Model(inputs, layer(inputs))

        return build

    def multiply_adds(c: int) -> int:  # of the forward convolution on the whole batch
        return 9 * (channels // c) * channels * size * size * batch

    builders = {(impl, c): builder(c, impl) for impl in impls for c in cardinalities}
    timed, _ = _time_variants(builders, x, repeats, budget_s, max_step_s)
    return [
        _timing_row(impl, c, channels, timed.get((impl, c)), multiply_adds(c))
        for impl in impls
        for c in cardinalities
    ]


def time_resnext_blocks(
    shapes: Sequence[tuple[int, int]] = ((1, 64), (32, 4)),
    impls: Sequence[str] = ("native", "auto"),
    channels: int = 256,
    batch: int = 8,
    size: int = 8,
    repeats: int = 5,
    budget_s: float = 1.0,
    max_step_s: float | None = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time a training step of whole ResNeXt blocks (:func:`helpers.models.resnext_block`,
    form (c), ``channels`` in and out) of the shapes ``(C, d)``, for every implementation of
    their grouped convolution in ``impls``, in one run (as :func:`time_grouped_conv` does).

    Parameters
    ----------
    shapes
        ``(cardinality, bottleneck_width)`` pairs, e.g. the ResNet block ``(1, 64)`` and the
        ResNeXt block ``(32, 4)`` of equal complexity (the paper's Table 2).
    impls, channels, batch, size, repeats, budget_s, max_step_s, seed
        As in :func:`time_grouped_conv`.

    Returns
    -------
    list of dict
        One row per (impl, shape), with the keys of :func:`time_grouped_conv` (``C`` and ``d``
        describe the block; ``multiply_adds`` counts the whole block on the whole batch) and
        ``params`` (learned parameters of the block).

    Examples
    --------
    >>> rows = time_resnext_blocks([(2, 2)], ["split"], channels=8, batch=1, size=4, repeats=1)
    >>> [(r["C"], r["d"], r["ms"] > 0) for r in rows]
    [(2, 2, True)]
    """
    sizes = {"channels": channels, "batch": batch, "size": size}
    impls = _check_timing(impls, sizes, repeats, budget_s, max_step_s, seed)
    if (
        isinstance(shapes, str | bytes)
        or not isinstance(shapes, Sequence)
        or not shapes
    ):
        raise ValueError(f"shapes={shapes!r} must be a non-empty list of (C, d) pairs")
    for shape in shapes:
        ok = isinstance(shape, Sequence) and len(shape) == 2
        if not ok or not all(isinstance(v, int | np.integer) and v > 0 for v in shape):
            raise ValueError(
                f"shapes holds {shape!r}, which is not a (C, d) pair of positive ints"
            )
    shapes = [(int(c), int(d)) for c, d in shapes]
    x = (
        np.random.default_rng(seed)
        .normal(size=(batch, size, size, channels))
        .astype("float32")
    )

    def builder(c: int, d: int, impl: str) -> Any:
        def build() -> keras.Model:
            shape = (size, size, channels)
            return as_model(
                resnext_block, shape, channels, c, d, grouped_impl=impl, name="block"
            )

        return build

    # _time_variants keys variants by (impl, index) and skips later ones of a slow impl.
    builders = {(impl, i): builder(c, d, impl) for impl in impls for i, (c, d) in
                enumerate(shapes)}  # fmt: skip
    timed, models = _time_variants(builders, x, repeats, budget_s, max_step_s)
    rows = []
    for impl in impls:
        for i, (c, d) in enumerate(shapes):
            model = models.get((impl, i)) or builder(c, d, impl)()
            counted = complexity.count(model)
            row = _timing_row(
                impl, c, c * d, timed.get((impl, i)), counted.multiply_adds * batch
            )
            row.update(d=d, params=counted.params)
            rows.append(row)
    return rows
