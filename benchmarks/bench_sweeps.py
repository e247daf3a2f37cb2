"""How fast the networks of the shipped sweeps train, against what this CPU can do.

    python -m benchmarks bench_sweeps

Measured in one run, so that the ratios compare like with like:

1. The machine: NumPy's float32 matrix product (2048 x 2048, best of 5) in GFLOP/s, the
   compute ceiling a dense kernel reaches here; and the memory bandwidth of a large array copy
   (best of 5), in GB/s.
2. Each distinct network shape of the sweeps ``depth`` and ``cardinality_table3`` (at the sweep's
   own batch size): the fastest of 12 training steps (forward, backward, update; random inputs),
   as useful GFLOP/s (``6 * multiply-adds`` per image, see :func:`helpers.timing.gflops`), as
   a share of the matrix product's GFLOP/s (target: 40%), and against the network's roofline
   bound (:func:`helpers.timing.roofline_seconds`: each layer limited by the matrix product's
   GFLOP/s or by the copy's bandwidth, whichever takes longer; target where 40% is out of
   reach: within 25% of the bound, i.e. at least 75% of it).

The bound explains why small networks cannot reach 40%: at 8 to 32 channels, the BN, ReLU and
addition layers after every convolution move as many bytes as the convolutions themselves and
do no arithmetic, so most of the bound is memory time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

import helpers  # noqa: F401  (quiets TensorFlow before it is imported)

MATMUL_SIZE = 2048
COPY_BYTES = 256 * 2**20
REPEATS = 5
STEPS = 12
SWEEPS = ("depth", "cardinality_table3")
SHARE_TARGET = 0.40
BOUND_TARGET = 0.75


def _best(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> dict[str, float]:
    """NumPy float32 matmul GFLOP/s and array-copy bandwidth (GB/s, read + write)."""
    rng = np.random.default_rng(0)
    a = rng.random((MATMUL_SIZE, MATMUL_SIZE), dtype=np.float32)
    b = rng.random((MATMUL_SIZE, MATMUL_SIZE), dtype=np.float32)
    seconds = _best(lambda: a @ b)
    source = np.ones(COPY_BYTES // 4, dtype=np.float32)
    target = np.empty_like(source)
    copy = _best(lambda: np.copyto(target, source))
    return {
        "matmul_gflops": 2 * MATMUL_SIZE**3 / seconds / 1e9,
        "bandwidth_gbs": 2 * COPY_BYTES / copy / 1e9,
    }


def _shapes() -> list[tuple[str, dict[str, Any], int]]:
    """(label, model config, batch size) of every distinct network of the sweeps."""
    from helpers import data, sweep, training

    shapes = []
    for name in SWEEPS:
        spec = sweep.SWEEPS[name]()
        dataset = data.load(**{**spec.data, "n_train": 10, "n_val": 10, "n_test": 10})
        batch = spec.train.get("batch_size", training.DEFAULT_BATCH_SIZE)
        seen = set()
        for model, _, _ in sweep.expand_grid(spec.base_config, spec.grid):
            config = training.model_config(model, dataset)
            key = (config["block"], tuple(config["stages"]), config["cardinality"])
            if key in seen or config.get("zero_init_last_bn"):
                continue
            seen.add(key)
            layers = 6 * config["stages"][0] + 2
            if config["block"] == "resnext":
                label = (
                    f"{name}: C={config['cardinality']} d={config['bottleneck_width']}"
                )
            else:
                label = f"{name}: {config['block']} {layers} layers"
            shapes.append((label, config, batch))
    return shapes


def bench_sweep_networks(ceiling: dict[str, float]) -> list[dict[str, Any]]:
    from helpers import complexity, models, timing

    rows = []
    for label, config, batch in _shapes():
        net = models.build_model(**config)
        seconds = timing.step_seconds(
            {label: net}, batch_size=batch, rounds=STEPS, warmup=2, statistic="min"
        )[label]
        multiply_adds = complexity.count(net).multiply_adds * batch
        measured = timing.gflops(multiply_adds, seconds)
        bound = timing.roofline_seconds(
            net, batch, ceiling["matmul_gflops"], ceiling["bandwidth_gbs"]
        )
        rows.append(
            {
                "network": label,
                "batch": batch,
                "step ms": round(1000 * seconds, 1),
                "images/s": round(batch / seconds),
                "GFLOP/s": round(measured, 1),
                "share of matmul": f"{measured / ceiling['matmul_gflops']:.0%}",
                "bound GFLOP/s": round(bound["flops"] / bound["seconds"] / 1e9, 1),
                "memory part of bound": f"{bound['memory_seconds'] / bound['seconds']:.0%}",
                "share of bound": f"{bound['seconds'] / seconds:.0%}",
            }
        )
    return rows


def run(report: Callable[[str, list[dict]], None]) -> None:
    ceiling = machine()
    report(
        "This machine (NumPy float32 matmul, array copy)",
        [
            {"measure": "matmul GFLOP/s", "value": round(ceiling["matmul_gflops"], 1)},
            {"measure": "copy GB/s", "value": round(ceiling["bandwidth_gbs"], 1)},
        ],
    )
    rows = bench_sweep_networks(ceiling)
    report("Training throughput of the sweep networks", rows)
    shares = [float(r["share of matmul"].rstrip("%")) / 100 for r in rows]
    bounds = [float(r["share of bound"].rstrip("%")) / 100 for r in rows]
    pairs = zip(shares, bounds, strict=True)
    either = [s >= SHARE_TARGET or b >= BOUND_TARGET for s, b in pairs]
    report(
        "Targets",
        [
            {
                "measure": f"networks at >= {SHARE_TARGET:.0%} of matmul",
                "value": f"{sum(s >= SHARE_TARGET for s in shares)} of {len(rows)}",
            },
            {
                "measure": f"networks at >= {BOUND_TARGET:.0%} of their roofline bound",
                "value": f"{sum(b >= BOUND_TARGET for b in bounds)} of {len(rows)}",
            },
            {
                "measure": "networks meeting either target",
                "value": f"{sum(either)} of {len(rows)}",
            },
        ],
    )


if __name__ == "__main__":
    from benchmarks.__main__ import report

    run(report)
