"""Run every benchmark section and print its tables: ``python -m benchmarks [NAME ...]``."""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time

SECTIONS = ["bench_models", "bench_training", "bench_sweeps", "bench_widgets"]


def report(section: str, rows: list[dict]) -> None:
    """Print ``rows`` (dicts with the same keys) as an aligned text table under a heading."""
    print(f"\n## {section}")
    if not rows:
        print("(no rows)")
        return
    keys = list(rows[0])
    cells = [[_fmt(r.get(k, "")) for k in keys] for r in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))
    sys.stdout.flush()


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def main(names: list[str]) -> int:
    cpu = platform.processor() or platform.machine()
    print(f"# benchmarks on {platform.node()}: {os.cpu_count()} CPUs, {cpu}")
    start = time.perf_counter()
    for name in names or SECTIONS:
        module = importlib.import_module(f"benchmarks.{name}")
        module.run(report)
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
