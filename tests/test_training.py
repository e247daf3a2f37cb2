"""helpers.training: runs in the contract's format, seeds, caching, progress, and learning.

The learning tests are marked slow (they train the default model for its full schedule, some
seconds each on two cores); the rest trains a tiny network for one or two epochs.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

import helpers
from helpers import cache, data, models, training

TINY = {
    "stem_width": 8,
    "width": 16,
    "cardinality": 2,
    "bottleneck_width": 2,
    "stages": [1, 1],
}
RUN_KEYS = {"config", "history", "test_accuracy", "params", "helpers_version", "key"}
HISTORY_KEYS = {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"}


@pytest.fixture(scope="module", autouse=True)
def session_cache(tmp_path_factory):
    """A cache shared by the training and sweep tests of one pytest session, empty at start."""
    previous = cache.set_cache_dir(tmp_path_factory.getbasetemp() / "run-cache")
    yield cache.cache_dir()
    cache.set_cache_dir(previous)


@pytest.fixture(scope="module")
def small_data():
    return data.load(n_train=256, n_val=64, n_test=64)


@pytest.fixture(scope="module")
def tiny_run(small_data):
    return training.train(
        TINY, small_data, epochs=2, seed=5, cache=False, progress=False
    )


def _numbers(run):
    """Everything a run measured except wall-clock time."""
    history = {k: v for k, v in run["history"].items() if k != "seconds"}
    return history, run["test_accuracy"], run["params"]


def test_a_run_has_the_contract_format(small_data, tiny_run):
    run = tiny_run
    assert set(run) == RUN_KEYS
    assert set(run["history"]) == HISTORY_KEYS
    assert all(len(v) == 2 for v in run["history"].values())
    assert all(s > 0 for s in run["history"]["seconds"])
    assert 0.0 <= run["test_accuracy"] <= 1.0
    config = run["config"]
    assert config["data"] == small_data.config
    assert (config["epochs"], config["seed"], config["batch_size"]) == (2, 5, 64)
    assert config["learning_rate"] == training.DEFAULT_LEARNING_RATE
    assert config["optimizer"] == "adam"
    assert config["model"]["width"] == 16 and config["model"]["block"] == "resnext"
    assert run["params"] == models.build_model(**config["model"]).count_params()
    assert run["helpers_version"] == helpers.__version__
    assert run["key"] == cache.run_key(config)


def test_same_seed_gives_identical_numbers_and_another_seed_different(
    small_data, tiny_run
):
    first = tiny_run
    again = training.train(
        TINY, small_data, epochs=2, seed=5, cache=False, progress=False
    )
    other = training.train(
        TINY, small_data, epochs=2, seed=6, cache=False, progress=False
    )
    assert _numbers(first) == _numbers(again)  # exactly equal, not approximately
    assert _numbers(first)[0] != _numbers(other)[0]


def test_a_built_keras_model_is_trained_in_place_and_not_cached(
    small_data, session_cache
):
    keras.utils.set_random_seed(0)
    model = models.build_model(**TINY)
    before = [w.copy() for w in model.get_weights()]
    files_before = set(session_cache.glob("*.json"))
    run = training.train(model, small_data, epochs=1, progress=False)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(before, model.get_weights(), strict=True)
    )
    assert set(session_cache.glob("*.json")) == files_before
    assert run["params"] == model.count_params()
    assert run["config"]["model"]["name"] == model.name


def test_model_configs_are_completed_so_equal_models_share_a_cache_key(small_data):
    short = training.model_config({"cardinality": 4}, small_data)
    full = training.model_config(training.DEFAULT_MODEL, small_data)
    assert short == full
    assert full["stages"] == [1, 1, 1]  # tuples of build_model's defaults become lists


def test_a_config_run_is_read_from_the_cache_the_second_time(small_data, monkeypatch):
    first = training.train(TINY, small_data, epochs=1, seed=11, progress=False)

    def no_training(*args, **kwargs):
        raise AssertionError("trained although the run is cached")

    monkeypatch.setattr(training, "_fit", no_training)
    again = training.train(TINY, small_data, epochs=1, seed=11, progress=False)
    assert again == first
    with pytest.raises(AssertionError, match="trained although"):
        training.train(
            TINY, small_data, epochs=1, seed=12, progress=False
        )  # another key
    with pytest.raises(AssertionError, match="trained although"):
        training.train(TINY, small_data, epochs=1, seed=11, cache=False, progress=False)


def test_weight_decay_and_schedule_are_in_the_key_only_when_used(small_data):
    settings = {"epochs": 2, "seed": 0, "batch_size": 32, "learning_rate": 0.1}
    model = training.model_config(TINY, small_data)
    plain = training.run_config(model, small_data, optimizer="sgd", **settings)
    decayed = training.run_config(
        model, small_data, optimizer="sgd", weight_decay=5e-4, **settings
    )
    assert (
        "weight_decay" not in plain
    )  # keys of runs made before it existed still match
    assert decayed == {**plain, "weight_decay": 5e-4}
    assert cache.run_key(plain) != cache.run_key(decayed)
    stepped = training.run_config(
        model, small_data, optimizer="sgd", schedule="step", **settings
    )
    assert "schedule" not in plain and stepped == {**plain, "schedule": "step"}


def test_the_step_schedule_divides_the_rate_by_ten_twice(small_data, monkeypatch):
    import keras

    seen = {}
    real = keras.optimizers.SGD

    def spy(learning_rate, **kwargs):
        seen["schedule"] = learning_rate
        return real(learning_rate=learning_rate, **kwargs)

    monkeypatch.setattr(keras.optimizers, "SGD", spy)
    run = training.train(
        TINY,
        small_data,
        epochs=4,
        batch_size=32,
        optimizer="sgd",
        learning_rate=0.1,
        schedule="step",
        cache=False,
        progress=False,
    )
    steps = 4 * -(-len(small_data.y_train) // 32)
    rates = [float(seen["schedule"](step)) for step in range(steps)]
    assert rates[0] == pytest.approx(0.1) and rates[-1] == pytest.approx(0.001)
    assert rates[steps // 2 + 1] == pytest.approx(0.01)
    assert sorted(set(round(r, 6) for r in rates), reverse=True) == [0.1, 0.01, 0.001]
    assert run["config"]["schedule"] == "step"


def test_weight_decay_changes_training_and_retrain_keeps_it(small_data):
    def run(decay):
        return training.train(
            TINY,
            small_data,
            epochs=1,
            optimizer="sgd",
            learning_rate=0.05,
            weight_decay=decay,
            cache=False,
            progress=False,
        )

    without, heavy = run(0.0), run(0.5)
    assert heavy["history"]["loss"] != without["history"]["loss"]
    again = training.retrain(heavy)
    assert again["config"] == heavy["config"]
    assert again["history"]["loss"] == heavy["history"]["loss"]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": 2.5}, "epochs"),
        ({"seed": -1}, "seed"),
        ({"batch_size": 0}, "batch_size"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": math.inf}, "learning_rate"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"weight_decay": -1e-4}, "weight_decay"),
        ({"schedule": "linear"}, "schedule"),
        ({"progress": "loud"}, "progress"),
        ({"model_or_config": {**TINY, "cardinalty": 4}}, "cardinalty"),
        ({"model_or_config": {**TINY, "num_classes": 3}}, "num_classes"),
        ({"model_or_config": "resnext"}, "model_or_config"),
        ({"dataset": "synthetic"}, "dataset"),
    ],
)
def test_bad_arguments_raise_value_error_before_training(
    kwargs, param, small_data, monkeypatch
):
    monkeypatch.setattr(
        training, "_fit", lambda *a, **k: pytest.fail("validated too late")
    )
    arguments = {
        "model_or_config": TINY,
        "dataset": small_data,
        "cache": False,
        **kwargs,
    }
    with pytest.raises(ValueError, match=param):
        training.train(**arguments)


def test_book_build_prints_one_quiet_line_and_no_keras_bars(
    small_data, monkeypatch, capfd
):
    monkeypatch.setenv("RESNEXT_BOOK_BUILD", "1")
    training.train(TINY, small_data, epochs=2, cache=False)
    out, err = capfd.readouterr()
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert "2 epochs" in lines[0] and "val accuracy" in lines[0]
    for text in (out, err):
        assert "━" not in text and "Epoch 1/" not in text and "step" not in text


def test_text_progress_in_a_captured_terminal_is_one_line(capsys):
    bar = training._Progress("text", "tiny", total_steps=8, epochs=2)
    assert not bar.live  # pytest captures stderr: no terminal to redraw a bar in
    for epoch in (1, 2):
        for _ in range(4):
            bar.step()
        bar.end_epoch(epoch, {"loss": 0.5, "val_accuracy": 0.8})
    bar.close("2 epochs in 1 s")
    out, err = capsys.readouterr()
    assert out == "tiny: 2 epochs in 1 s\n" and err == ""


def test_text_progress_in_a_terminal_redraws_one_bar(capsys, monkeypatch):
    bar = training._Progress("text", "tiny", total_steps=4, epochs=1)
    bar.live = True
    for _ in range(4):
        bar.step()
    bar.end_epoch(1, {"loss": 0.5, "val_accuracy": 0.75})
    bar.close("done")
    out, err = capsys.readouterr()
    assert out == ""
    assert "[########################]" in err and "val acc 0.750" in err
    assert err.endswith("tiny: done\x1b[K\n") and err.count("\n") == 1


def test_widget_progress_counts_every_step():
    pytest.importorskip("ipywidgets")
    bar = training._Progress("widget", "tiny", total_steps=8, epochs=2)
    for _ in range(8):
        bar.step()
    bar.end_epoch(2, {"loss": 0.1, "val_accuracy": 0.9})
    bar.close("done")
    assert bar._bar.value == bar._bar.max == 8
    assert "val acc 0.900" in bar._text.value or bar._text.value.endswith("done")


# --------------------------------------------------------------------------------------------
# Learning (slow): the default model learns the default data, nothing learns noise, digits
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_default_model_reaches_95_percent_on_the_default_synthetic_data():
    # Cached in the session cache (empty at the start): test_sweep reuses this run.
    run = training.train(training.DEFAULT_MODEL, data.load(), seed=0, progress=False)
    history = run["history"]
    assert len(history["val_accuracy"]) == training.DEFAULT_EPOCHS
    assert history["val_accuracy"][-1] >= 0.95, history["val_accuracy"]
    assert run["test_accuracy"] >= 0.93
    assert history["loss"][-1] < history["loss"][0]
    # Two CPU cores train it in about 20 s; a loaded machine may take twice as long.
    assert sum(history["seconds"]) < 90


@pytest.mark.slow
def test_noise_control_stays_at_chance():
    # 1,000 validation images with balanced random labels: chance is 10% +/- 0.95% (1 sd).
    noise = data.load("noise", n_train=500, n_val=1000, n_test=100)
    run = training.train(training.DEFAULT_MODEL, noise, cache=False, progress=False)
    assert 0.07 <= run["history"]["val_accuracy"][-1] <= 0.13, run["history"][
        "val_accuracy"
    ]


@pytest.mark.slow
def test_digits_reach_97_percent_test_accuracy():
    run = training.train(
        training.DEFAULT_MODEL, data.load("digits"), cache=False, progress=False
    )
    assert run["test_accuracy"] >= 0.97, run["history"]["val_accuracy"]


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.random((8, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, size=8)


@pytest.fixture(scope="module")
def net():
    return models.build_model(
        block="basic", stages=[1, 1], width=8, stem_width=8, seed=0
    )


def test_one_row_per_kernel_in_layer_order(net, batch):
    rows = training.gradient_norms(net, *batch)
    names = [r["name"] for r in rows]
    assert names[0] == "stem_conv" and names[-1] == "classifier"
    assert set(names) >= {"stage1_block1_conv1", "stage2_block1_proj_conv"}
    assert all(r["kind"] == "conv" for r in rows[:-1]) and rows[-1]["kind"] == "dense"
    assert all(r["norm"] > 0 and r["weight_norm"] > 0 for r in rows)


def test_matches_a_direct_gradient_and_changes_nothing(net, batch):
    import tensorflow as tf

    x, y = batch
    before = [v.numpy().copy() for v in net.variables]
    rows = training.gradient_norms(net, x, y)
    after = [v.numpy() for v in net.variables]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    kernel = net.get_layer("stage1_block1_conv2").kernel
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, net(x, training=True))
    expected = float(tf.norm(tape.gradient(loss, kernel)))
    got = next(r["norm"] for r in rows if r["name"] == "stage1_block1_conv2")
    assert got == pytest.approx(expected, rel=1e-5)


def test_same_weights_same_norms(batch):
    def norms():
        net = models.build_model(
            block="plain", stages=[2], width=8, stem_width=8, seed=3
        )
        return [r["norm"] for r in training.gradient_norms(net, *batch)]

    assert norms() == pytest.approx(norms(), rel=1e-6)


@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.zeros((4, 16, 16, 3), np.float32), np.zeros(4, int), "x must have shape"),
        (
            np.zeros((4, 32, 32, 3), np.float32),
            np.zeros(3, int),
            "y must be 4 integer labels",
        ),
        (np.zeros((4, 32, 32, 3), np.float32), np.full(4, 10), "labels in"),
        (np.zeros((4, 32, 32, 3), np.float32), np.zeros(4), "integer labels"),
    ],
)
def test_rejects_bad_batches(net, x, y, match):
    with pytest.raises(ValueError, match=match):
        training.gradient_norms(net, x, y)


def test_rejects_what_is_not_a_model(batch):
    with pytest.raises(ValueError, match="model must be a built keras.Model"):
        training.gradient_norms("resnet", *batch)
