"""Speed of grouped convolutions, ResNeXt blocks and small networks on this machine.

``run(report)`` measures, in one process:

1. one training step (forward, backward, SGD update) of a lone 3x3 grouped convolution for
   every implementation of :class:`helpers.grouped.GroupedConv2D`;
2. one training step of a ResNeXt block for C in 1..32, at a fixed grouped-conv width and at
   the equal complexity of the paper's Table 2, with Keras' own ``Conv2D(groups=C)`` and with
   helpers' choice (``impl="auto"``), each as a ratio to the C=1 block;
3. the time of one training epoch of a small ResNeXt and of a ResNet of equal complexity;
4. NumPy's float32 matrix product, as the yardstick for the GFLOP/s above.

Times are medians of several repeats after a warm-up. Keras' native grouped convolution runs
through XLA on a CPU and takes seconds per step at large C; once one cardinality is slower than
:data:`NATIVE_LIMIT_S` per step, the larger ones are skipped and marked so.

Run alone with ``python -m benchmarks.bench_models``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers import complexity, grouped, models, notebook, timing  # noqa: E402
from helpers.blocks import as_model  # noqa: E402

Report = Callable[[str, list[dict]], None]

CARDINALITIES = (1, 2, 4, 8, 16, 32)
NATIVE_LIMIT_S = (
    1.0  # skip larger cardinalities of Keras' native path beyond this per step
)
REPEATS = 5


def _interleaved_seconds(steps: dict[Any, Callable[[], float]]) -> dict[Any, float]:
    """Median seconds of each step, the steps taking turns after one warm-up step each, until
    each has ``3 * REPEATS`` timings or half a second of them (slow steps get fewer)."""
    times = timing.take_turns(steps, rounds=3 * REPEATS, warmup=1, budget_s=0.5)
    return {key: statistics.median(values) for key, values in times.items()}


def _native_steps(
    build: Callable[[int], Callable[[], float]], cardinalities: list[int]
) -> dict[int, Callable[[], float]]:
    """Steps with Keras' native grouped convolution for the cardinalities worth timing: up to
    the first whose step takes longer than :data:`NATIVE_LIMIT_S` (larger C are slower)."""
    steps = {}
    for cardinality in cardinalities:
        steps[cardinality] = step = build(cardinality)
        step()
        if cardinality > 1 and step() > NATIVE_LIMIT_S:
            break
    return steps


# --- 1. one grouped convolution -------------------------------------------------------------
def conv_impls(
    cardinalities: tuple[int, ...] = CARDINALITIES,
    width: int = 128,
    batch: int = 32,
    size: int = 16,
) -> list[dict]:
    """Training-step milliseconds of a ``width`` -> ``width`` 3x3 grouped convolution on a
    ``batch`` x ``size`` x ``size`` map, per implementation."""
    x = (
        np.random.default_rng(0)
        .normal(size=(batch, size, size, width))
        .astype("float32")
    )
    impls = [name for name in grouped.IMPLS if name != "auto"]  # "native" first
    if not grouped.direct_available():
        impls.remove("direct")

    def build(cardinality: int, impl: str) -> Callable[[], None]:
        inputs = keras.Input((size, size, width))
        layer = grouped.GroupedConv2D(width, 3, groups=cardinality, impl=impl)
        return timing.step_timer(keras.Model(inputs, layer(inputs)), x)

    native = _native_steps(lambda c: build(c, "native"), list(cardinalities))
    steps = {(c, "native"): step for c, step in native.items()}
    steps.update(
        {(c, impl): build(c, impl) for c in cardinalities for impl in impls[1:]}
    )
    seconds = _interleaved_seconds(steps)
    rows = []
    for c in cardinalities:
        row: dict[str, Any] = {"C": c, "group width": width // c}
        for impl in impls:
            key = (c, impl)
            row[f"{impl} ms"] = (
                round(seconds[key] * 1e3, 1) if key in seconds else "skipped"
            )
        row["auto picks"] = grouped.resolve_impl(groups=c, in_channels=width)
        rows.append(row)
    return rows


# --- 2. one ResNeXt block -------------------------------------------------------------------
def _block(
    channels: int, cardinality: int, bottleneck_width: int, size: int, impl: str
):
    return as_model(
        models.resnext_block, (size, size, channels), channels, cardinality,
        bottleneck_width, grouped_impl=impl, name="block",
    )  # fmt: skip


def blocks(
    widths: dict[int, int],
    channels: int = 256,
    batch: int = 32,
    size: int = 16,
) -> list[dict]:
    """Training-step time of a ResNeXt block (``channels`` in and out) for each cardinality in
    ``widths`` (C -> d), with Keras' native grouped convolution and with helpers' choice."""
    x = (
        np.random.default_rng(0)
        .normal(size=(batch, size, size, channels))
        .astype("float32")
    )
    variants = {"keras native": "native", "helpers": "auto"}
    built = {}

    def build(cardinality: int, impl: str) -> Callable[[], None]:
        model = _block(channels, cardinality, widths[cardinality], size, impl)
        built[cardinality, impl] = model
        return timing.step_timer(model, x)

    native = _native_steps(lambda c: build(c, "native"), list(widths))
    steps = {(c, "native"): step for c, step in native.items()}
    steps.update({(c, "auto"): build(c, "auto") for c in widths})
    seconds = _interleaved_seconds(steps)
    rows = []
    for c, d in widths.items():
        row: dict[str, Any] = {"C": c, "d": d, "group width": c * d}
        for label, impl in variants.items():
            if (c, impl) not in seconds:
                row[f"{label} ms"], row[f"{label} ratio"] = "skipped", ""
                continue
            row[f"{label} ms"] = round(seconds[c, impl] * 1e3, 1)
            row[f"{label} ratio"] = round(seconds[c, impl] / seconds[1, impl], 2)
        model = built[c, "auto"]
        row["helpers impl"] = model.get_layer("block_conv2").resolved_impl
        madds = complexity.count(model).multiply_adds
        row["helpers GFLOP/s"] = round(
            timing.gflops(madds * batch, seconds[c, "auto"]), 1
        )
        rows.append(row)
    return rows


# --- 3. small networks ----------------------------------------------------------------------
class _EpochTimer(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


def networks(
    resnexts: tuple[tuple[int, int], ...] = ((4, 4), (8, 4)),
    images: int = 1000,
    rounds: int = 3,
    batch: int = 64,
    width: int = 64,
) -> list[dict]:
    """Seconds per training epoch of small ResNeXts (C, d) and of the ResNets whose blocks
    have the same parameter count (``build_model`` with ``stages=[1, 1, 1]``; (4, 4) is the
    book's default model): the median of ``rounds`` epochs, the models taking turns, after a
    first epoch of each (which includes tracing)."""
    configs = {}
    for cardinality, bottleneck_width in resnexts:
        budget = complexity.block_params(cardinality, bottleneck_width, channels=width)
        resnet_width = complexity.bottleneck_width_for(1, budget=budget, channels=width)
        configs[f"ResNet (bottleneck {resnet_width})"] = {
            "block": "bottleneck",
            "bottleneck_width": resnet_width,
        }
        configs[f"ResNeXt ({cardinality}x{bottleneck_width}d)"] = {
            "block": "resnext",
            "cardinality": cardinality,
            "bottleneck_width": bottleneck_width,
        }
    rng = np.random.default_rng(0)
    x = rng.normal(size=(images, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=images)
    built, timers = {}, {}
    for label, config in configs.items():
        model = models.build_model(stages=[1, 1, 1], width=width, seed=0, **config)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        built[label], timers[label] = model, _EpochTimer()
    for round_ in range(rounds + 1):
        for label, model in built.items():
            fit_kwargs = {
                "batch_size": batch,
                "verbose": 0,
                "callbacks": [timers[label]],
            }
            model.fit(x, y, initial_epoch=round_, epochs=round_ + 1, **fit_kwargs)
    rows, base = [], 0.0
    for label, model in built.items():
        seconds = statistics.median(timers[label].seconds[1:])
        base = (
            seconds if label.startswith("ResNet ") else base
        )  # each ResNeXt follows its ResNet
        counted = complexity.count(model)
        rows.append(
            {
                "model": label,
                "params": counted.params,
                "multiply-adds": counted.multiply_adds,
                "epoch s": round(seconds, 2),
                "ratio to ResNet": round(seconds / base, 2),
                "GFLOP/s": round(
                    timing.gflops(counted.multiply_adds * images, seconds), 1
                ),
            }
        )
    return rows


# --- 4. the yardstick -----------------------------------------------------------------------
def numpy_matmul(n: int = 1024, when: str = "") -> dict:
    """GFLOP/s of NumPy's float32 ``n`` x ``n`` matrix product (BLAS, all cores): the median
    and the best of 10 (the best is the machine's speed when nothing else competes)."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(n, n)).astype("float32")
    b = rng.normal(size=(n, n)).astype("float32")
    times = []
    a @ b  # warm-up
    for _ in range(10):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    flop = 2 * n**3
    return {
        "what": f"numpy float32 matmul {n}x{n} {when}".strip(),
        "median GFLOP/s": round(flop / statistics.median(times) / 1e9, 1),
        "best GFLOP/s": round(flop / min(times) / 1e9, 1),
    }


def run(report: Report) -> None:
    """Measure and print every table of this module (about two minutes on two cores)."""
    keras.utils.set_random_seed(0)
    device = "GPU" if tf.config.list_logical_devices("GPU") else "CPU"
    note = (
        f" [{device}; direct grouped kernels: {grouped.direct_available()}; "
        f"native: larger C skipped after a step over {NATIVE_LIMIT_S:g} s]"
    )
    yardstick = [numpy_matmul(when="(start)")]
    report(
        "3x3 grouped conv 128->128, train step, batch 32x16x16 (ms)" + note,
        conv_impls(),
    )
    fixed = {c: 128 // c for c in CARDINALITIES}
    report(
        "ResNeXt block 256->256 at group-conv width 128, train step, batch 32x16x16 "
        "(ratio: to the C=1 block of the same column)" + note,
        blocks(fixed),
    )
    equal = {c: complexity.bottleneck_width_for(c) for c in CARDINALITIES}
    report(
        "ResNeXt block 256->256 at equal complexity (Table 2), train step, batch 32x16x16 "
        "(ratio: to the C=1 block of the same column)" + note,
        blocks(equal),
    )
    report(
        "Small networks of equal complexity, 1000 images 32x32x3, batch 64, per epoch",
        networks(),
    )
    yardstick.append(numpy_matmul(when="(end)"))
    report("NumPy float32 matmul, the yardstick for the GFLOP/s above", yardstick)


def _print_report(section: str, rows: list[dict]) -> None:
    print(f"\n## {section}")
    print(notebook.Table(rows).to_text() if rows else "(no rows)")
    sys.stdout.flush()


if __name__ == "__main__":
    run(_print_report)
