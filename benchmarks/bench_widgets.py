"""Speed of the explorers: a static slider move in headless Chromium (target < 50 ms), the live
explorer's replot of a cached run (target < 0.5 s), and, given a trainer, a retrain.

    python -m benchmarks.bench_widgets

``run(report)`` is what the benchmark runner calls; ``report(section, rows)`` prints a table.
``time_retrain(train_fn)`` times the live explorer's Train button with a real trainer (not run
by default: it trains a network).
"""

from __future__ import annotations

import functools
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


def bench_live_replot(repeats: int = 10) -> list[dict[str, Any]]:
    """Time from choosing a cached configuration to its figure being redrawn."""
    import matplotlib

    matplotlib.use("Agg")
    from helpers import widgets

    def no_training(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError("a cached configuration must not be trained")

    runs = [fake_run(c, 0, epochs=6) for c in (1, 2, 4, 8, 16, 32)]
    explorer = widgets.live_explorer(
        train_fn=no_training, load_fn=lambda name: name, runs=runs, epochs=6
    )
    card = explorer.controls["cardinality"]
    values = [1, 2, 4, 8, 16, 32]
    timings = []
    for i in range(repeats + 1):
        before = explorer.redraw_count
        start = time.perf_counter()
        card.value = (
            values[i % len(values)] if card.value != values[i % len(values)] else 64
        )
        elapsed = time.perf_counter() - start
        if (
            explorer.redraw_count > before and i > 0
        ):  # the first draw warms matplotlib up
            timings.append(elapsed)
    median = statistics.median(timings)
    verdict = "ok" if median < REPLOT_TARGET_S else "TOO SLOW"
    return [
        {
            "measure": f"live explorer: replot a cached run, median of {len(timings)}",
            "value": f"{median:.3f} s",
            "target": f"< {REPLOT_TARGET_S} s ({verdict})",
        },
        {
            "measure": "live explorer: replot, max",
            "value": f"{max(timings):.3f} s",
            "target": "",
        },
    ]


def time_retrain(
    train_fn: Callable[..., dict[str, Any]] | None = None,
    config: dict[str, Any] | None = None,
    dataset: str = "synthetic",
    epochs: int = 1,
    seed: int = 12345,
) -> dict[str, Any]:
    """Seconds from pressing Train in the live explorer to the new figure, with a real trainer.

    ``train_fn`` defaults to :func:`helpers.training.train`; pass ``functools.partial(train,
    cache=False)`` to time real training rather than a cache hit. Returns a report row.
    """
    from helpers import widgets

    explorer = widgets.live_explorer(
        dataset=dataset, base_config=config, train_fn=train_fn, epochs=epochs
    )
    explorer.controls["seed"].value = seed
    start = time.perf_counter()
    explorer.train_button.click()
    elapsed = time.perf_counter() - start
    ok = explorer.train_count == 1 and explorer.redraw_count >= 1
    return {
        "measure": f"live explorer: train one configuration ({epochs} epoch(s), {dataset})",
        "value": f"{elapsed:.2f} s" if ok else "failed",
        "target": "" if ok else explorer.message.value,
    }


def run(
    report: Callable[[str, list[dict[str, Any]]], None],
    train_fn: Callable[..., dict[str, Any]] | None = None,
) -> None:
    """Run the widget benchmarks and hand each section's rows to ``report``."""
    report("Static explorer (headless Chromium)", bench_static())
    report("Live explorer (ipywidgets, no kernel)", bench_live_replot())
    from helpers import training

    # A real retrain of one configuration for the book's default number of epochs, cache off.
    trainer = train_fn or functools.partial(training.train, cache=False)
    row = time_retrain(trainer, epochs=training.DEFAULT_EPOCHS)
    row["target"] = row["target"] or "< 20 s"
    report("Live explorer with the real trainer", [row])


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
