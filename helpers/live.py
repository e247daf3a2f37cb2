"""The live explorer: sliders for a ResNeXt configuration, a Train button for configurations the
run cache does not hold yet, and the curves of the last few configurations in one figure.

It is a short :class:`ipywidgets.VBox` over :func:`helpers.training.train` and the on-disk run
cache (:mod:`helpers.cache`): moving a slider to a configuration trained before (by anyone, in
any chapter) shows it at once; Train trains the rest, with a progress bar that moves after each
epoch. :func:`helpers.widgets.explorer` puts it above a chapter's static explorer, starting from
the same point.

Examples
--------
>>> from helpers import live
>>> ex = live.LiveExplorer({"cardinality": 4, "bottleneck_width": 4}, epochs=2)  # doctest: +SKIP
>>> ex.cardinality.value = 8  # doctest: +SKIP
>>> ex.train_button.click()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets

from helpers import cache, checks, data, defaults, plots, training

__all__ = ["LiveExplorer"]


class LiveExplorer(ipywidgets.VBox):
    """Sliders for cardinality C, bottleneck width d, epochs and seed over one dataset.

    Parameters
    ----------
    model
        The model config the sliders start from (missing keys: :data:`helpers.defaults.MODEL`).
    data_config
        The dataset, as a run records it (``run["config"]["data"]``); ``None``: the default
        synthetic data.
    epochs, seed
        Where the epochs and seed sliders start.
    train
        The other training settings of :func:`helpers.training.train` (``batch_size``,
        ``learning_rate``, ``optimizer``, ``weight_decay``, ``schedule``), e.g. those of a
        chapter's shipped runs; missing ones take train's defaults.
    known
        Runs to show without training when the sliders reach their configuration (a chapter's
        shipped runs), besides those in the run cache.
    """

    #: How many configurations the figure overlays.
    MAX_SHOWN = 6

    def __init__(
        self,
        model: Mapping[str, Any] | None = None,
        data_config: Mapping[str, Any] | None = None,
        epochs: int = defaults.EPOCHS,
        seed: int = 0,
        train: Mapping[str, Any] | None = None,
        known: Any = (),
    ) -> None:
        w = ipywidgets
        self.train_settings = {
            "batch_size": defaults.BATCH_SIZE,
            "learning_rate": defaults.LEARNING_RATE,
            "optimizer": "adam",
            **(train or {}),
        }
        self.known = {run["key"]: run for run in known}
        self.model = {**defaults.MODEL, **(model or {})}
        width = checks.positive_int("model['width']", self.model["width"])
        c0 = checks.positive_int("model['cardinality']", self.model["cardinality"])
        d0 = checks.positive_int(
            "model['bottleneck_width']", self.model["bottleneck_width"]
        )
        epochs = checks.positive_int("epochs", epochs)
        seed = checks.seed("seed", seed)
        self.dataset = (
            data.from_config(dict(data_config)) if data_config else data.load()
        )
        divisors = [c for c in range(1, width + 1) if width % c == 0]
        if c0 not in divisors:
            raise ValueError(
                f"model['cardinality']={c0} must divide model['width']={width}"
            )
        style = {"description_width": "140px"}
        self.cardinality = w.SelectionSlider(
            options=divisors, value=c0, description="cardinality C", style=style
        )
        self.bottleneck_width = w.IntSlider(
            value=d0,
            min=1,
            max=max(64, d0),
            description="bottleneck width d",
            style=style,
        )
        self.epochs = w.IntSlider(
            value=epochs, min=1, max=max(20, epochs), description="epochs", style=style
        )
        self.seed = w.IntSlider(
            value=seed, min=0, max=9, description="seed", style=style
        )
        self.train_button = w.Button(description="Train", icon="play")
        self.progress = w.IntProgress(value=0, min=0, max=epochs, description="epoch")
        self.message = w.HTML()
        self.figure = w.Output()
        self.shown: list[dict[str, Any]] = []
        sliders = [self.cardinality, self.bottleneck_width, self.epochs, self.seed]
        for slider in sliders:
            slider.observe(self._update, names="value")
        self.train_button.on_click(self.train)
        buttons = w.HBox([self.train_button, self.progress])
        super().__init__([*sliders, buttons, self.message, self.figure])
        self._update()

    def settings(self) -> dict[str, Any]:
        """The model config and training settings the sliders describe."""
        model = {
            **self.model,
            "cardinality": self.cardinality.value,
            "bottleneck_width": self.bottleneck_width.value,
        }
        return {"model": model, "epochs": self.epochs.value, "seed": self.seed.value}

    def cached_run(self) -> dict[str, Any] | None:
        """The run of the current configuration: a known run, one from the on-disk cache, or
        ``None``."""
        s = self.settings()
        config = training.run_config(
            training.model_config(s["model"], self.dataset),
            self.dataset,
            epochs=s["epochs"],
            seed=s["seed"],
            **self.train_settings,
        )
        return self.known.get(cache.run_key(config)) or cache.load(config)

    def train(self, _button: Any = None) -> None:
        """Train the current configuration (or show it, when the cache has it)."""
        s = self.settings()
        self.progress.max, self.progress.value = s["epochs"], 0
        self.train_button.disabled = True
        self._say(f"Training {self._label(s)} ...")
        try:
            run = training.train(
                s["model"], self.dataset, epochs=s["epochs"], seed=s["seed"],
                progress=False, on_epoch=lambda epoch, _logs: self._epoch_done(epoch),
                **self.train_settings,
            )  # fmt: skip
        except Exception as error:  # noqa: BLE001 - a widget reports, it does not raise
            self._say(f"Training failed: {type(error).__name__}: {error}")
            return
        finally:
            self.train_button.disabled = False
        self._show(run)
        accuracy = 100 * run["history"]["val_accuracy"][-1]
        self._say(f"Trained {self._label(s)}: validation accuracy {accuracy:.1f}%.")

    def _epoch_done(self, epoch: int) -> None:
        self.progress.value = epoch

    def _update(self, _change: Any = None) -> None:
        run = self.cached_run()
        label = self._label(self.settings())
        if run is None:
            self._say(f"{label}: not trained yet. Press Train.")
        else:
            self._show(run)
            shipped = run["key"] in self.known
            where = "the runs shipped with the book" if shipped else "the run cache"
            self._say(f"{label}: trained before, shown from {where}.")

    def _show(self, run: dict[str, Any]) -> None:
        self.shown = [r for r in self.shown if r["key"] != run["key"]][
            -self.MAX_SHOWN + 1 :
        ]
        self.shown.append(run)
        labels = [self._label(r["config"]) for r in self.shown]
        fig = plots.training_curves(self.shown, labels=labels)
        self.figure.clear_output(wait=True)
        with self.figure:
            from IPython.display import display

            display(fig)

    @staticmethod
    def _label(settings: Mapping[str, Any]) -> str:
        m = settings["model"]
        return (
            f"C={m['cardinality']}, d={m['bottleneck_width']}, seed {settings['seed']}"
        )

    def _say(self, text: str) -> None:
        self.message.value = text
