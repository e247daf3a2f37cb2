"""Speed of the explorers: a static slider move in headless Chromium (target < 50 ms), the live
explorer's replot of a cached run (target < 0.5 s), and, given a trainer, a retrain.

    python -m benchmarks.bench_widgets

``run(report)`` is what the benchmark runner calls; ``report(section, rows)`` prints a table.
``time_retrain()`` times the live explorer's Train button with real training.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STATIC_TARGET_MS = 50.0
REPLOT_TARGET_S = 0.5


def fake_run(cardinality: int, seed: int, epochs: int = 10) -> dict[str, Any]:
    """A run dict in the contract's format with made-up curves (no training)."""
    t = np.arange(1, epochs + 1)
    level = 0.55 + 0.05 * np.log2(cardinality) + 0.01 * seed
    accuracy = level * (1 - np.exp(-t / 2))
    loss = 2.0 * np.exp(-t / 3) + 0.05 * seed
    return {
        "config": {
            "model": {
                "block": "resnext",
                "stages": [1, 1, 1],
                "width": 64,
                "cardinality": cardinality,
                "bottleneck_width": 4,
            },
            "data": {"name": "synthetic"},
            "epochs": epochs,
            "seed": seed,
        },
        "history": {
            "loss": loss.tolist(),
            "val_loss": (loss + 0.1).tolist(),
            "accuracy": accuracy.tolist(),
            "val_accuracy": (accuracy - 0.03).tolist(),
        },
        "test_accuracy": float(accuracy[-1]),
        "params": 1000 * cardinality,
        "key": f"{cardinality}-{seed}-{epochs}",
    }


def _runs() -> list[dict[str, Any]]:
    return [fake_run(c, s) for c in (1, 2, 4, 8, 16, 32) for s in range(3)]


def bench_static(moves: int = 200) -> list[dict[str, Any]]:
    """Median, 90th percentile and max time of a slider move in headless Chromium."""
    from helpers import widgets

    explorer = widgets.static_explorer(_runs(), title="benchmark")
    rows: list[dict[str, Any]] = [
        {
            "measure": "static explorer HTML (18 runs x 10 epochs)",
            "value": f"{len(explorer.html) / 1024:.0f} KiB",
            "target": "",
        }
    ]
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        rows.append(
            {
                "measure": "slider update in Chromium",
                "value": "skipped",
                "target": f"no Chromium at {CHROMIUM}",
            }
        )
        return rows
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "bench.html"
        explorer.save(str(page_path))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_function(
                "document.querySelector('[data-rnx-ready]') !== null"
            )
            timings = page.evaluate(
                """([rootId, moves]) => {
                  const root = document.getElementById(rootId);
                  const sliders = root.querySelectorAll('[data-rnx=slider]');
                  const chart = root.querySelector('[data-rnx=chart]');
                  const out = [];
                  for (let i = 0; i < moves; i++) {
                    const s = sliders[i % sliders.length];
                    const t0 = performance.now();
                    s.value = String((Number(s.value) + 1) % (Number(s.max) + 1));
                    s.dispatchEvent(new Event('input', {bubbles: true}));
                    chart.getBoundingClientRect();
                    document.body.offsetHeight;  // layout included
                    out.push(performance.now() - t0);
                  }
                  return out;
                }""",
                [explorer.id, moves],
            )
            browser.close()
    timings.sort()
    median = statistics.median(timings)
    p90 = timings[int(0.9 * (len(timings) - 1))]
    verdict = "ok" if median < STATIC_TARGET_MS else "TOO SLOW"
    rows += [
        {
            "measure": f"slider update, median of {moves}",
            "value": f"{median:.2f} ms",
            "target": f"< {STATIC_TARGET_MS:.0f} ms ({verdict})",
        },
        {
            "measure": "slider update, 90th percentile",
            "value": f"{p90:.2f} ms",
            "target": "",
        },
        {
            "measure": "slider update, max",
            "value": f"{timings[-1]:.2f} ms",
            "target": "",
        },
    ]
    return rows


def _tiny_explorer(epochs: int) -> Any:
    """A live explorer over a small network and data, its run cache in a fresh folder."""
    from helpers import cache, data, live

    cache.set_cache_dir(tempfile.mkdtemp(prefix="bench-cache-"))
    model = {"stages": [1], "width": 16, "stem_width": 8}
    return live.LiveExplorer(model, data.load(n_train=256).config, epochs=epochs)


def bench_live_replot(repeats: int = 10) -> list[dict[str, Any]]:
    """Time from choosing a configuration in the run cache to its figure being redrawn."""
    import matplotlib

    matplotlib.use("Agg")
    explorer = _tiny_explorer(epochs=1)
    values = [1, 2, 4]
    for c in values:  # train each once: afterwards they come from the cache
        explorer.cardinality.value = c
        explorer.train_button.click()
    timings = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        explorer.cardinality.value = values[i % len(values)]
        if i > 0:  # the first draw warms matplotlib up
            timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    verdict = "ok" if median < REPLOT_TARGET_S else "TOO SLOW"
    return [
        {
            "measure": f"live explorer: replot a cached run, median of {len(timings)}",
            "value": f"{median:.3f} s",
            "target": f"< {REPLOT_TARGET_S} s ({verdict})",
        },
        {"measure": "live explorer: replot, max", "value": f"{max(timings):.3f} s",
         "target": ""},
    ]  # fmt: skip


def time_retrain(epochs: int = 1, seed: int = 12345) -> dict[str, Any]:
    """Seconds from pressing Train in the live explorer to the new figure (real training)."""
    explorer = _tiny_explorer(epochs)
    explorer.seed.value = seed
    start = time.perf_counter()
    explorer.train_button.click()
    elapsed = time.perf_counter() - start
    ok = "validation accuracy" in explorer.message.value
    return {
        "measure": f"live explorer: train one configuration ({epochs} epoch(s))",
        "value": f"{elapsed:.2f} s" if ok else "failed",
        "target": "< 20 s" if ok else explorer.message.value,
    }


def run(report: Callable[[str, list[dict[str, Any]]], None]) -> None:
    """Run the widget benchmarks and hand each section's rows to ``report``."""
    from helpers import defaults

    report("Static explorer (headless Chromium)", bench_static())
    report("Live explorer (ipywidgets, no kernel)", bench_live_replot())
    report("Live explorer, real training", [time_retrain(defaults.EPOCHS)])


def print_table(section: str, rows: list[dict[str, Any]]) -> None:
    """A plain text table, for running this file alone."""
    print(f"\n## {section}")
    if not rows:
        return
    columns = list(rows[0])
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(
            "  ".join(
                str(r.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)
            )
        )


if __name__ == "__main__":
    run(print_table)
