"""helpers.live: the live explorer driven from Python, training a tiny network on tiny data
through the real training loop and a run cache of its own folder."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import cache, data, defaults, live, training  # noqa: E402

TINY = {
    "stages": [1],
    "width": 8,
    "stem_width": 8,
    "cardinality": 2,
    "bottleneck_width": 2,
}
TINY_DATA = {"name": "synthetic", "n_train": 32, "n_val": 16, "n_test": 16}


@pytest.fixture
def explorer(tmp_path):
    previous = cache.set_cache_dir(tmp_path)
    config = data.load(**TINY_DATA).config
    yield live.LiveExplorer(TINY, config, epochs=2)
    cache.set_cache_dir(previous)


def test_sliders_start_from_the_given_configuration(explorer):
    assert list(explorer.cardinality.options) == [1, 2, 4, 8]  # divisors of the width
    assert (explorer.cardinality.value, explorer.bottleneck_width.value) == (2, 2)
    assert (explorer.epochs.value, explorer.seed.value) == (2, 0)
    assert explorer.settings()["model"]["stages"] == [1]
    assert "not trained yet" in explorer.message.value
    assert not explorer.shown


def test_train_moves_the_progress_bar_and_later_comes_from_the_cache(explorer):
    explorer.cardinality.value = 4
    explorer.train_button.click()
    assert explorer.progress.value == explorer.progress.max == 2
    assert "validation accuracy" in explorer.message.value
    assert len(explorer.shown) == 1 and explorer.cached_run() is not None
    explorer.cardinality.value = 1
    assert "not trained yet" in explorer.message.value
    explorer.cardinality.value = 4  # trained before: shown from the on-disk cache
    assert "shown from the run cache" in explorer.message.value
    assert explorer.shown[-1]["config"]["model"]["cardinality"] == 4


def test_a_run_trained_elsewhere_is_found(explorer):
    s = explorer.settings()
    training.train({**s["model"], "bottleneck_width": 3}, explorer.dataset, epochs=2,
                   progress=False)  # fmt: skip
    explorer.bottleneck_width.value = 3
    assert "shown from the run cache" in explorer.message.value


def test_failures_are_reported_in_the_widget(explorer, monkeypatch):
    def offline(*args, **kwargs):
        raise ConnectionError("CIFAR-10 is not reachable")

    monkeypatch.setattr(training, "train", offline)
    explorer.train_button.click()  # must not raise
    assert "CIFAR-10 is not reachable" in explorer.message.value
    assert not explorer.train_button.disabled


def test_bad_arguments_raise_value_error_naming_them():
    with pytest.raises(ValueError, match="width"):
        live.LiveExplorer({"width": 0})
    with pytest.raises(ValueError, match="cardinality"):
        live.LiveExplorer({"width": 8, "cardinality": 3})
    with pytest.raises(ValueError, match="epochs"):
        live.LiveExplorer(epochs=0)
    assert defaults.MODEL["width"] % defaults.MODEL["cardinality"] == 0


def test_shipped_runs_and_their_training_settings_are_used(tmp_path):
    previous = cache.set_cache_dir(tmp_path)
    try:
        dataset = data.load(**TINY_DATA)
        settings = {"optimizer": "sgd", "learning_rate": 0.05, "schedule": "step"}
        shipped = training.train(
            TINY, dataset, epochs=2, progress=False, cache=False, **settings
        )
        explorer = live.LiveExplorer(
            TINY, dataset.config, epochs=2, train=settings, known=[shipped]
        )
        assert "shown from the runs shipped with the book" in explorer.message.value
        assert explorer.shown[-1] is shipped
        explorer.seed.value = 1
        explorer.train_button.click()  # trains with the shipped runs' settings
        trained = explorer.shown[-1]
        assert trained["config"]["schedule"] == "step"
        assert trained["config"]["optimizer"] == "sgd"
        assert trained["config"]["learning_rate"] == 0.05
    finally:
        cache.set_cache_dir(previous)
