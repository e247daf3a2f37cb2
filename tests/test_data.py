"""helpers.data: seeded datasets, their knobs, input validation, the offline CIFAR-10 error."""

from __future__ import annotations

import json
import socket
import time

import numpy as np
import pytest

from helpers import data, style

SMALL = {"n_train": 200, "n_val": 50, "n_test": 50}


@pytest.mark.parametrize("name", ["synthetic", "noise", "digits"])
def test_splits_have_the_promised_shapes_types_and_range(name):
    ds = data.load(name, **SMALL)
    for x, y, n in [
        (ds.x_train, ds.y_train, 200),
        (ds.x_val, ds.y_val, 50),
        (ds.x_test, ds.y_test, 50),
    ]:
        assert x.shape == (n, 32, 32, 3)
        assert x.dtype == np.float32
        assert y.shape == (n,)
        assert np.issubdtype(y.dtype, np.integer)
        assert 0.0 <= x.min() and x.max() <= 1.0
        assert set(np.unique(y)) <= set(range(10))
    assert ds.num_classes == len(ds.class_names) == 10
    assert ds.input_shape == (32, 32, 3)
    assert ds.config["name"] == name and ds.config["n_val"] == 50


@pytest.mark.parametrize("name", ["synthetic", "noise", "digits"])
def test_same_seed_gives_the_same_data_and_another_seed_other_data(name):
    a = data.load(name, seed=3, **SMALL)
    b = data.load(name, seed=3, **SMALL)
    c = data.load(name, seed=4, **SMALL)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert a.config == b.config
    assert not np.array_equal(a.x_train, c.x_train)
    assert a.config != c.config


@pytest.mark.parametrize("name", ["synthetic", "noise", "digits"])
def test_a_dataset_is_rebuilt_from_its_config(name):
    ds = data.load(name, seed=2, **SMALL)
    again = data.from_config(json.loads(json.dumps(ds.config)))  # as stored in a run
    assert again.config == ds.config
    np.testing.assert_array_equal(again.x_val, ds.x_val)
    if name == "synthetic":
        with pytest.raises(ValueError, match="generator"):
            data.from_config({**ds.config, "generator": 0})


def test_digits_splits_are_disjoint_and_use_all_images_by_default():
    ds = data.load("digits")
    total = len(ds.y_train) + len(ds.y_val) + len(ds.y_test)
    assert total == 1797
    flat = np.concatenate([ds.x_train, ds.x_val, ds.x_test]).reshape(total, -1)
    # load_digits has a handful of duplicate images, so compare counts, not just uniqueness.
    assert len(np.unique(flat, axis=0)) >= total - 10
    # 8x8 upsampled: every 4x4 block is constant and the three channels are equal.
    img = ds.x_train[0]
    np.testing.assert_array_equal(
        img[::4, ::4, 0].repeat(4, 0).repeat(4, 1), img[..., 0]
    )
    np.testing.assert_array_equal(img[..., 0], img[..., 2])


def test_synthetic_and_noise_splits_are_balanced():
    for name in ["synthetic", "noise"]:
        ds = data.load(name, n_train=200, n_val=100, n_test=30)
        assert np.bincount(ds.y_train, minlength=10).tolist() == [20] * 10
        assert np.bincount(ds.y_val, minlength=10).tolist() == [10] * 10


def test_default_synthetic_data_has_the_default_sizes():
    # How long generating it takes is measured by `make bench`, not asserted here.
    ds = data.load()
    assert len(ds.y_train) == data.SYNTHETIC_DEFAULTS["n_train"]
    assert len(ds.y_val) == data.SYNTHETIC_DEFAULTS["n_val"]
    assert ds.x_train.shape[1:] == (32, 32, 3)


def test_noise_knob_is_the_pixel_noise_std():
    clean = data.load(noise=0.0, **SMALL)
    noisy = data.load(noise=0.1, **SMALL)
    diff = (noisy.x_train - clean.x_train).ravel()
    # Clipping at 0 and 1 shrinks the spread a little; the same seed draws the same patterns.
    assert 0.07 < diff.std() < 0.105
    assert abs(diff.mean()) < 0.01


def test_variation_knob_widens_the_spread_within_a_class():
    def spread(variation):
        ds = data.load(n_train=400, n_val=10, n_test=10, noise=0.0, variation=variation)
        # Grey-level shape of each disc (class 0), normalised per image to remove colour.
        x = ds.x_train[ds.y_train == 0].mean(axis=3)
        x = (x - x.mean(axis=(1, 2), keepdims=True)) / (
            x.std(axis=(1, 2), keepdims=True) + 1e-6
        )
        return (
            np.abs(x).mean(axis=0).std()
        )  # low when every disc covers the same pixels

    assert spread(0.0) > spread(1.0) + 0.05


def test_classes_differ_more_between_than_within():
    """A nearest-class-mean classifier on clean, low-variation images beats chance by far."""
    ds = data.load(n_train=500, n_val=200, n_test=10, noise=0.0, variation=0.0)

    def features(x):
        grey = x.mean(axis=3)
        grey = grey - grey.mean(axis=(1, 2), keepdims=True)
        grey /= grey.std(axis=(1, 2), keepdims=True) + 1e-6
        # The sign of the contrast is random, so use the magnitude of the 2D spectrum.
        return np.abs(np.fft.fft2(grey)).reshape(len(x), -1)

    train, val = features(ds.x_train), features(ds.x_val)
    means = np.stack([train[ds.y_train == c].mean(axis=0) for c in range(10)])
    pred = np.argmin(((val[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    assert (pred == ds.y_val).mean() > 0.5


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"name": "mnist"}, "name"),
        ({"n_train": 0}, "n_train"),
        ({"n_val": -5}, "n_val"),
        ({"n_test": 2.5}, "n_test"),
        ({"n_train": True}, "n_train"),
        ({"seed": -1}, "seed"),
        ({"seed": "a"}, "seed"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"variation": 1.5}, "variation"),
        ({"variation": "high"}, "variation"),
        ({"contrast": 0.5}, "contrast"),
        ({"name": "digits", "noise": 0.1}, "noise"),
        ({"name": "digits", "n_train": 1500, "n_val": 300}, "n_train"),
        ({"name": "digits", "n_val": 1000, "n_test": 1000}, "n_val"),
        ({"name": "cifar10", "n_test": 20_000}, "n_test"),
        ({"name": "cifar10", "n_train": 49_000, "n_val": 2000}, "n_train"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(
    kwargs, param, monkeypatch
):
    # cifar10 must fail on its arguments before it looks for the data or the network.
    monkeypatch.setattr(
        data, "_cifar10", lambda config: pytest.fail("validated too late")
    )
    with pytest.raises(ValueError, match=param) as info:
        data.load(**kwargs)
    value = next(iter(v for k, v in kwargs.items() if k == param), None)
    if value is not None and not (isinstance(value, float) and np.isnan(value)):
        assert repr(value) in str(info.value) or str(value) in str(info.value)


def test_preview_grid_shows_every_class_with_its_name():
    import matplotlib.pyplot as plt

    ds = data.load(**SMALL)
    fig = data.preview_grid(ds, per_class=3, seed=1)
    try:
        assert len(fig.axes) == 3 * ds.num_classes
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles == list(ds.class_names)
        assert all(len(ax.images) == 1 for ax in fig.axes)
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="per_class"):
        data.preview_grid(ds, per_class=0)


# --------------------------------------------------------------------------------------------
# CIFAR-10: never hang offline, use the Keras cache when it is there
# --------------------------------------------------------------------------------------------


def _no_cached_cifar(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(
        data, "_keras_dataset_dirs", lambda: [tmp_path / "keras" / "datasets"]
    )

    def downloader():
        pytest.fail("the downloader must not be called offline")

    import keras

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", downloader)


def test_cifar10_offline_fails_fast_with_a_clear_error(monkeypatch, tmp_path):
    _no_cached_cifar(monkeypatch, tmp_path)

    def refuse(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match="CIFAR-10") as info:
        data.load("cifar10")
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert "cannot be reached" in message and "synthetic" in message


def test_cifar10_gives_up_within_seconds_when_the_network_hangs(monkeypatch, tmp_path):
    _no_cached_cifar(monkeypatch, tmp_path)

    def hang(*args, **kwargs):
        time.sleep(30)  # what a DNS lookup without a network can do
        raise OSError("timed out")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    with pytest.raises(ConnectionError):
        data.load("cifar10")
    assert time.perf_counter() - start < 5.0


def test_cifar10_uses_the_keras_cache_without_the_network(monkeypatch, tmp_path):
    datasets = tmp_path / "keras" / "datasets"
    datasets.mkdir(parents=True)
    (datasets / "cifar-10-batches-py-target_archive").write_bytes(b"cached archive")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: pytest.fail("went to the network")
    )
    rng = np.random.default_rng(0)
    fake = (
        (
            rng.integers(0, 256, (600, 32, 32, 3), dtype=np.uint8),
            rng.integers(0, 10, (600, 1)),
        ),
        (
            rng.integers(0, 256, (100, 32, 32, 3), dtype=np.uint8),
            rng.integers(0, 10, (100, 1)),
        ),
    )
    import keras

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", lambda: fake)
    ds = data.load("cifar10", n_train=400, n_val=100, n_test=50)
    assert ds.x_train.shape == (400, 32, 32, 3) and ds.x_test.shape == (50, 32, 32, 3)
    assert ds.y_val.shape == (100,)
    assert ds.x_train.dtype == np.float32 and ds.x_train.max() <= 1.0
    assert ds.class_names[0] == "airplane"


NAMES = ["disc", "ring", "square"]


def test_prediction_grid_titles_labels_and_marks():
    images = np.random.default_rng(0).uniform(size=(5, 8, 8, 3))
    fig = data.prediction_grid(images, [0, 1, 2, 0, 1], [0, 1, 1, 0, 2], NAMES, ncols=3)
    axes = fig.axes
    assert len(axes) == 6  # 2 rows of 3, the last one empty
    assert not axes[5].axison
    assert [ax.get_title() for ax in axes[:5]] == [
        "disc ✓", "ring ✓", "ring ✗", "disc ✓", "square ✗",
    ]  # fmt: skip
    assert [ax.get_xlabel() for ax in axes[:5]] == [
        f"true: {NAMES[i]}" for i in (0, 1, 2, 0, 1)
    ]
    right, wrong = axes[0].title.get_color(), axes[2].title.get_color()
    assert right == style.OKABE_ITO["blue"] and wrong == style.OKABE_ITO["vermillion"]
    assert (
        axes[2].spines["left"].get_linewidth() > axes[0].spines["left"].get_linewidth()
    )


def test_prediction_grid_probabilities_and_grayscale_images():
    fig = data.prediction_grid(
        np.zeros((2, 8, 8)), [0, 1], [0, 1], NAMES, probabilities=[0.5, 1.0]
    )
    assert [ax.get_title() for ax in fig.axes] == ["disc 50% ✓", "ring 100% ✓"]
    assert fig.axes[0].images[0].get_cmap().name == "gray"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((0, 8, 8, 3))}, "images"),
        ({"images": np.zeros((8, 8))}, "images"),
        ({"true_labels": [0]}, "true_labels"),
        ({"predicted_labels": [0, 3]}, "predicted_labels"),
        ({"predicted_labels": [0.0, 1.0]}, "predicted_labels"),
        ({"class_names": []}, "class_names"),
        ({"probabilities": [0.5, 1.5]}, "probabilities"),
        ({"ncols": 0}, "ncols"),
    ],
)
def test_prediction_grid_rejects_bad_arguments(kwargs, message):
    arguments = {
        "images": np.zeros((2, 8, 8, 3)),
        "true_labels": [0, 1],
        "predicted_labels": [0, 1],
        "class_names": NAMES,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        data.prediction_grid(**arguments)
