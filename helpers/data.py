"""Datasets for the book: small, seeded, 32x32x3 images with integer labels.

``load(name, ...)`` returns a :class:`Dataset` with train, validation and test splits as
float32 NHWC arrays in [0, 1] and int64 labels. Four datasets:

``"synthetic"`` (the default)
    Ten classes of drawn patterns (disc, ring, square, frame, plus, cross, triangle, stripes,
    checkerboard, spots) with a random position, size, tilt, colour pair, frequency and phase,
    plus pixel noise. Generated in about a second, fully determined by the seed, and tuned so
    that the book's default small ResNeXt learns it to >= 95% validation accuracy in a few
    seconds of CPU time, while ``variation`` and ``noise`` make it as hard as a chapter needs.
``"noise"``
    Uniform noise with random (balanced) labels: the control. Nothing can be learned, so the
    validation accuracy of any model stays at chance (10%).
``"digits"``
    The 1,797 handwritten 8x8 digits that ship with scikit-learn (offline), upsampled to
    32x32x3 and split by the seed.
``"cifar10"``
    CIFAR-10 through ``keras.datasets.cifar10``: used from the Keras cache when it has been
    downloaded before, downloaded when online, and a clear error within seconds when offline.

Examples
--------
>>> from helpers import data
>>> ds = data.load("synthetic", n_train=100, n_val=20, n_test=20, seed=1)
>>> ds.x_train.shape, ds.x_train.dtype.name, ds.num_classes
((100, 32, 32, 3), 'float32', 10)
"""

from __future__ import annotations

import math
import os
import socket
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from helpers import checks

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "DATASETS",
    "SYNTHETIC_CLASSES",
    "SYNTHETIC_DEFAULTS",
    "Dataset",
    "from_config",
    "load",
    "prediction_grid",
    "preview_grid",
]

# Bump when the synthetic generator changes, so that cached runs trained on the old images are
# not mistaken for runs on the new ones (the number is part of ``Dataset.config``).
SYNTHETIC_GENERATOR_VERSION = 1

SYNTHETIC_CLASSES = (
    "disc",
    "ring",
    "square",
    "frame",
    "plus",
    "cross",
    "triangle",
    "stripes",
    "checkerboard",
    "spots",
)
SYNTHETIC_DEFAULTS: dict[str, Any] = {
    "n_train": 2000,
    "n_val": 500,
    "n_test": 500,
    "noise": 0.1,  # std of the Gaussian pixel noise added to images in [0, 1]
    "variation": 0.5,  # intra-class variation: 0 = every image of a class alike, 1 = widest
}
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_HOST = ("www.cs.toronto.edu", 443)

# Default sizes and accepted knobs of each dataset. ``None`` as a size means "all there is".
DATASETS: dict[str, dict[str, Any]] = {
    "synthetic": dict(SYNTHETIC_DEFAULTS),
    "noise": {"n_train": 2000, "n_val": 500, "n_test": 500},
    "digits": {"n_train": None, "n_val": 300, "n_test": 300},
    "cifar10": {"n_train": 5000, "n_val": 1000, "n_test": 1000},
}
_DIGITS_TOTAL = 1797
_CIFAR10_TRAIN_TOTAL = 50_000
_CIFAR10_TEST_TOTAL = 10_000
_SIZE = 32


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train, validation and test splits of one dataset (see :func:`load`).

    Images are float32 arrays of shape ``(n, 32, 32, 3)`` with values in [0, 1]; labels are
    int64 arrays of shape ``(n,)``. ``config`` is the JSON-able description that
    :func:`load` was called with (all defaults filled in); it identifies the data in cached runs.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    name: str
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        """Number of classes (``len(class_names)``)."""
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """Shape of one image, ``(height, width, channels)``."""
        return tuple(self.x_train.shape[1:])  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={len(self.y_train)}, val={len(self.y_val)}, "
            f"test={len(self.y_test)}, classes={self.num_classes})"
        )


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _check_count(param: str, value: Any, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{param} must be a positive integer, got {value!r}")
    return int(value)


def _check_unit(param: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{param} must be a number in [{low}, {high}], got {value!r}")
    if not np.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{param} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def load(
    name: str = "synthetic",
    n_train: int | None = None,
    n_val: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    **knobs: Any,
) -> Dataset:
    """Load (or generate) a dataset and split it into train, validation and test sets.

    Parameters
    ----------
    name
        ``"synthetic"``, ``"noise"``, ``"digits"`` or ``"cifar10"``.
    n_train, n_val, n_test
        Number of images per split; ``None`` takes the dataset's default (see ``DATASETS``).
        For ``"digits"``, ``n_train=None`` means all images left after validation and test.
    seed
        Seed of everything random: generation, label draws and which images go to which split.
    **knobs
        Only for ``"synthetic"``: ``noise`` (std of Gaussian pixel noise, 0 to 1, default 0.1)
        and ``variation`` (intra-class variation, 0 to 1, default 0.5).

    Returns
    -------
    Dataset
        Float32 images in [0, 1], shape ``(n, 32, 32, 3)``, int64 labels, class names and
        a JSON-able ``config``.

    Raises
    ------
    ValueError
        For an unknown name, a non-positive size, an unknown knob or a knob out of range,
        before any work starts; for ``"cifar10"``, ``ConnectionError`` when it is neither in
        the Keras cache nor downloadable.

    Examples
    --------
    >>> ds = load("synthetic", n_train=50, n_val=10, n_test=10, noise=0.2, variation=1.0)
    >>> ds.config["noise"], ds.class_names[:3]
    (0.2, ('disc', 'ring', 'square'))
    >>> load("mnist")
    Traceback (most recent call last):
    ...
    ValueError: name must be one of 'synthetic', 'noise', 'digits', 'cifar10', got 'mnist'
    """
    if name not in DATASETS:
        choices = ", ".join(repr(n) for n in DATASETS)
        raise ValueError(f"name must be one of {choices}, got {name!r}")
    defaults = DATASETS[name]
    allow_all = name == "digits"
    sizes = {
        "n_train": _check_count("n_train", n_train, allow_none=True),
        "n_val": _check_count("n_val", n_val, allow_none=True),
        "n_test": _check_count("n_test", n_test, allow_none=True),
    }
    for key, value in sizes.items():
        if value is None:
            sizes[key] = defaults[key]
    if sizes["n_train"] is None and not allow_all:  # pragma: no cover - no such default
        raise ValueError(f"n_train must be given for {name!r}")
    seed = _check_seed(seed)
    allowed = {k for k in defaults if not k.startswith("n_")}
    unknown = sorted(set(knobs) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise ValueError(
            f"{unknown[0]} is not a knob of dataset {name!r} (its knobs: {known}), "
            f"got {unknown[0]}={knobs[unknown[0]]!r}"
        )
    config: dict[str, Any] = {"name": name, **sizes, "seed": seed}

    if name == "synthetic":
        noise = _check_unit("noise", knobs.get("noise", defaults["noise"]), 0.0, 1.0)
        variation = _check_unit(
            "variation", knobs.get("variation", defaults["variation"]), 0.0, 1.0
        )
        config.update(
            noise=noise, variation=variation, generator=SYNTHETIC_GENERATOR_VERSION
        )
        return _synthetic(config)
    if name == "noise":
        return _noise(config)
    if name == "digits":
        total = sizes["n_val"] + sizes["n_test"] + (sizes["n_train"] or 0)
        if sizes["n_train"] is None and total >= _DIGITS_TOTAL:
            raise ValueError(
                f"n_val + n_test must leave images for training ({_DIGITS_TOTAL} digits), "
                f"got n_val={sizes['n_val']}, n_test={sizes['n_test']}"
            )
        if total > _DIGITS_TOTAL:
            raise ValueError(
                f"n_train + n_val + n_test must be at most {_DIGITS_TOTAL} for 'digits', "
                f"got n_train={sizes['n_train']}, n_val={sizes['n_val']}, "
                f"n_test={sizes['n_test']}"
            )
        return _digits(config)
    # cifar10
    if sizes["n_train"] + sizes["n_val"] > _CIFAR10_TRAIN_TOTAL:
        raise ValueError(
            f"n_train + n_val must be at most {_CIFAR10_TRAIN_TOTAL} for 'cifar10', "
            f"got n_train={sizes['n_train']}, n_val={sizes['n_val']}"
        )
    if sizes["n_test"] > _CIFAR10_TEST_TOTAL:
        raise ValueError(
            f"n_test must be at most {_CIFAR10_TEST_TOTAL} for 'cifar10', "
            f"got n_test={sizes['n_test']}"
        )
    return _cifar10(config)


def from_config(config: dict[str, Any]) -> Dataset:
    """Rebuild the dataset that ``config`` (a ``Dataset.config``, e.g. from a run) describes.

    Raises
    ------
    ValueError
        When the config is not one ``load`` returns, or was made by another version of the
        synthetic generator (the images would differ).

    Examples
    --------
    >>> ds = load(n_train=20, n_val=10, n_test=10, noise=0.0)
    >>> from_config(ds.config).config == ds.config
    True
    """
    if not isinstance(config, dict) or "name" not in config:
        raise ValueError(
            f"config must be a Dataset.config dict with a 'name', got {config!r}"
        )
    kwargs = {k: v for k, v in config.items() if k not in ("name", "generator")}
    generator = config.get("generator")
    if config["name"] == "synthetic" and generator != SYNTHETIC_GENERATOR_VERSION:
        raise ValueError(
            f"config was made by synthetic generator version {generator!r}; this is version "
            f"{SYNTHETIC_GENERATOR_VERSION}, whose images differ"
        )
    return load(config["name"], **kwargs)


def _make(
    config: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    class_names: tuple[str, ...],
) -> Dataset:
    """Cut arrays ordered train | val | test into a Dataset."""
    a = config["n_train"]
    b = a + config["n_val"]
    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    return Dataset(
        x_train=x[:a],
        y_train=y[:a],
        x_val=x[a:b],
        y_val=y[a:b],
        x_test=x[b:],
        y_test=y[b:],
        class_names=class_names,
        name=config["name"],
        config=config,
    )


def _balanced_labels(
    rng: np.random.Generator, n: int, num_classes: int = 10
) -> np.ndarray:
    """Labels with every class as equally often as n allows, in random order."""
    return rng.permutation(np.arange(n) % num_classes)


# --------------------------------------------------------------------------------------------
# Synthetic patterns
# --------------------------------------------------------------------------------------------


def _synthetic(config: dict[str, Any]) -> Dataset:
    rng = np.random.default_rng(config["seed"])
    sizes = (config["n_train"], config["n_val"], config["n_test"])
    # Each split is balanced on its own, so the validation accuracy of a constant guess is 10%.
    labels = np.concatenate([_balanced_labels(rng, n) for n in sizes])
    images = render_patterns(
        labels, rng, variation=config["variation"], noise=config["noise"]
    )
    return _make(config, images, labels, SYNTHETIC_CLASSES)


def render_patterns(
    labels: np.ndarray,
    rng: np.random.Generator,
    variation: float = 0.5,
    noise: float = 0.1,
    size: int = _SIZE,
    chunk: int = 512,
) -> np.ndarray:
    """Draw one image of class ``labels[i]`` for each i (see ``SYNTHETIC_CLASSES``).

    Shapes are drawn as signed distance fields (so their edges are anti-aliased) in a frame that
    is shifted, scaled and tilted at random; textures fill the image at a random orientation,
    frequency and phase. ``variation`` widens every one of these ranges and narrows the colour
    contrast; ``noise`` is the std of Gaussian pixel noise. Returns float32 ``(n, size, size, 3)``
    in [0, 1].
    """
    labels = np.asarray(labels)
    n = len(labels)
    v = float(variation)
    # All random parameters first (a fixed number of draws per image), then the pixels.
    centre = rng.uniform(-1.0, 1.0, (n, 2)) * (
        1.0 + 6.0 * v
    )  # pixels from the image centre
    radius = size * (
        0.30 + rng.uniform(-1.0, 1.0, n) * 0.10 * v
    )  # shape radius, pixels
    tilt = (
        rng.uniform(-1.0, 1.0, n) * np.deg2rad(20.0) * v
    )  # shapes keep their upright pose
    texture_angle = rng.uniform(0.0, np.pi, n)  # textures: any orientation
    period = size / (
        5.0 + rng.uniform(-1.0, 1.0, n) * 2.0 * v
    )  # pixels per texture cycle
    phase = rng.uniform(0.0, 2.0 * np.pi, (n, 2))
    background = rng.uniform(0.0, 1.0, (n, 3))
    contrast = rng.uniform(0.6 - 0.3 * v, 0.9 - 0.2 * v, n)
    direction = rng.uniform(
        0.4, 1.0, (n, 3)
    )  # foreground tint, relative to the background
    pixel_noise = rng.standard_normal((n, size, size, 3), dtype=np.float32) * noise

    sign = np.where(background.mean(axis=1) > 0.5, -1.0, 1.0)
    foreground = np.clip(
        background + sign[:, None] * contrast[:, None] * direction, 0.0, 1.0
    )

    out = np.empty((n, size, size, 3), dtype=np.float32)
    grid = np.arange(size, dtype=np.float32) - (size - 1) / 2.0
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        mask = _pattern_masks(
            labels[sl],
            grid,
            centre[sl],
            radius[sl],
            tilt[sl],
            texture_angle[sl],
            period[sl],
            phase[sl],
        )
        bg = background[sl, None, None, :].astype(np.float32)
        fg = foreground[sl, None, None, :].astype(np.float32)
        out[sl] = bg + mask[..., None] * (fg - bg)
    out += pixel_noise
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _pattern_masks(
    labels: np.ndarray,
    grid: np.ndarray,
    centre: np.ndarray,
    radius: np.ndarray,
    tilt: np.ndarray,
    texture_angle: np.ndarray,
    period: np.ndarray,
    phase: np.ndarray,
) -> np.ndarray:
    """Foreground coverage in [0, 1], shape ``(n, size, size)``, for each label."""
    n = len(labels)
    ys = grid[None, :, None]
    xs = grid[None, None, :]
    dx = xs - centre[:, 0, None, None]
    dy = ys - centre[:, 1, None, None]
    r = radius[:, None, None]
    cos, sin = np.cos(tilt)[:, None, None], np.sin(tilt)[:, None, None]
    # Shape frame: unit = radius, u to the right, w upwards (image rows grow downwards).
    u = (dx * cos + dy * sin) / r
    w = (dx * sin - dy * cos) / r
    au, aw = np.abs(u), np.abs(w)
    rho = np.sqrt(u * u + w * w)

    # Texture frame: pixels along a random orientation, in cycles.
    ca = np.cos(texture_angle)[:, None, None]
    sa = np.sin(texture_angle)[:, None, None]
    p = period[:, None, None]
    s = (xs * ca + ys * sa) / p
    t = (-xs * sa + ys * ca) / p
    ph0 = phase[:, 0, None, None]
    ph1 = phase[:, 1, None, None]

    mask = np.zeros((n, len(grid), len(grid)), dtype=np.float32)

    def shape(cls: int, sdf: np.ndarray) -> None:
        # Signed distance (in radius units; negative inside) -> coverage with a 1-pixel ramp.
        sel = labels == cls
        if sel.any():
            mask[sel] = np.clip(0.5 - sdf[sel] * r[sel], 0.0, 1.0)

    def texture(cls: int, value: np.ndarray, sharpness: float = 3.0) -> None:
        sel = labels == cls
        if sel.any():
            mask[sel] = np.clip(0.5 + sharpness * value[sel], 0.0, 1.0)

    bar = 0.28
    shape(0, rho - 1.0)  # disc
    shape(1, np.abs(rho - 0.78) - 0.22)  # ring
    shape(2, np.maximum(au, aw) - 0.82)  # square
    shape(3, np.abs(np.maximum(au, aw) - 0.70) - 0.17)  # frame
    shape(
        4,
        np.minimum(np.maximum(au, aw - 1.0 + bar), np.maximum(aw, au - 1.0 + bar))
        - bar,
    )
    du, dw = (
        np.abs(u + w) / np.sqrt(2.0),
        np.abs(u - w) / np.sqrt(2.0),
    )  # cross = tilted plus
    shape(
        5,
        np.minimum(np.maximum(du, dw - 1.0 + bar), np.maximum(dw, du - 1.0 + bar))
        - bar,
    )
    # Triangle pointing up: the largest projection on the three edge normals.
    normals = np.deg2rad([270.0, 30.0, 150.0])
    tri = np.max([u * np.cos(a) + w * np.sin(a) for a in normals], axis=0) - 0.5
    shape(6, tri * 1.4)
    texture(7, np.sin(2 * np.pi * s + ph0))  # stripes
    texture(
        8, np.sin(2 * np.pi * s + ph0) * np.sin(2 * np.pi * t + ph1)
    )  # checkerboard
    texture(
        9, np.cos(2 * np.pi * s + ph0) * np.cos(2 * np.pi * t + ph1) - 0.55
    )  # spots
    return mask


# --------------------------------------------------------------------------------------------
# Noise control, digits, CIFAR-10
# --------------------------------------------------------------------------------------------


def _noise(config: dict[str, Any]) -> Dataset:
    rng = np.random.default_rng(config["seed"])
    sizes = (config["n_train"], config["n_val"], config["n_test"])
    total = sum(sizes)
    images = rng.uniform(0.0, 1.0, (total, _SIZE, _SIZE, 3)).astype(np.float32)
    labels = np.concatenate([_balanced_labels(rng, n) for n in sizes])
    return _make(config, images, labels, tuple(f"class {i}" for i in range(10)))


def _digits(config: dict[str, Any]) -> Dataset:
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0  # (1797, 8, 8), values 0..16
    labels = digits.target.astype(np.int64)
    n_val, n_test = config["n_val"], config["n_test"]
    n_train = config["n_train"] or (len(labels) - n_val - n_test)
    config["n_train"] = n_train
    order = np.random.default_rng(config["seed"]).permutation(len(labels))
    order = np.concatenate([order[n_val + n_test :][:n_train], order[: n_val + n_test]])
    # 8x8 -> 32x32: each pixel becomes a 4x4 block, grey copied into three channels.
    big = np.repeat(np.repeat(images[order], 4, axis=1), 4, axis=2)
    x = np.repeat(big[..., None], 3, axis=3)
    return _make(config, x, labels[order], tuple(str(d) for d in range(10)))


def _keras_dataset_dirs() -> list[Path]:
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    # Keras falls back to the temporary folder when the home folder is not writable.
    return [
        Path(home) / "datasets",
        Path(tempfile.gettempdir()) / ".keras" / "datasets",
    ]


def _cifar10_cached() -> bool:
    """True when the CIFAR-10 archive is already in the Keras download cache."""
    for d in _keras_dataset_dirs():
        if (d / "cifar-10-batches-py-target_archive").is_file():
            return True
    return False


def _online(host: tuple[str, int] = CIFAR10_HOST, timeout: float = 3.0) -> bool:
    """Can we open a TCP connection to ``host`` within ``timeout`` seconds (DNS included)?"""
    result: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection(host, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    # A thread, because name resolution ignores socket timeouts and can hang offline.
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _cifar10(config: dict[str, Any]) -> Dataset:
    if not _cifar10_cached() and not _online():
        raise ConnectionError(
            f"CIFAR-10 is not in the Keras cache ({_keras_dataset_dirs()[0]}) and "
            f"{CIFAR10_HOST[0]} cannot be reached, so it cannot be downloaded. Connect to the "
            f"internet (or copy the archive from {CIFAR10_URL} into the Keras cache), or use "
            "load('synthetic') or load('digits'), which work offline."
        )
    import keras

    (x_tr, y_tr), (x_te, y_te) = keras.datasets.cifar10.load_data()
    rng = np.random.default_rng(config["seed"])
    n_train, n_val, n_test = config["n_train"], config["n_val"], config["n_test"]
    train_idx = rng.permutation(len(y_tr))[: n_train + n_val]
    test_idx = rng.permutation(len(y_te))[:n_test]
    x = np.concatenate([x_tr[train_idx], x_te[test_idx]]).astype(np.float32) / 255.0
    y = np.concatenate([y_tr[train_idx], y_te[test_idx]]).reshape(-1)
    return _make(config, x, y, CIFAR10_CLASSES)


# --------------------------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------------------------


def preview_grid(
    dataset: Dataset, per_class: int = 6, seed: int = 0, split: str = "train"
):
    """Figure with ``per_class`` random images of every class, one column per class.

    Parameters
    ----------
    dataset
        From :func:`load`.
    per_class
        Images shown per class (rows).
    seed
        Which images are picked.
    split
        ``"train"``, ``"val"`` or ``"test"``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = preview_grid(load(n_train=100, n_val=10, n_test=10), per_class=2)
    >>> len(fig.axes)
    20
    """
    per_class = _check_count("per_class", per_class)
    seed = _check_seed(seed)
    if split not in ("train", "val", "test"):
        raise ValueError(f"split must be 'train', 'val' or 'test', got {split!r}")
    import matplotlib.pyplot as plt

    x = getattr(dataset, f"x_{split}")
    y = getattr(dataset, f"y_{split}")
    rng = np.random.default_rng(seed)
    k = dataset.num_classes
    fig, axes = plt.subplots(
        per_class, k, figsize=(0.75 * k, 0.75 * per_class + 0.35), squeeze=False
    )
    for c in range(k):
        idx = np.flatnonzero(y == c)
        chosen = rng.choice(idx, size=min(per_class, len(idx)), replace=False)
        for row in range(per_class):
            ax = axes[row, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if row < len(chosen):
                ax.imshow(x[chosen[row]], vmin=0.0, vmax=1.0, interpolation="nearest")
        axes[0, c].set_title(dataset.class_names[c], fontsize=8)
    fig.subplots_adjust(
        left=0.01, right=0.99, bottom=0.01, top=1 - 0.3 / fig.get_figheight()
    )
    fig.subplots_adjust(wspace=0.06, hspace=0.06)
    return fig


def prediction_grid(
    images: Any,
    true_labels: Sequence[int],
    predicted_labels: Sequence[int],
    class_names: Sequence[str],
    probabilities: Sequence[float] | None = None,
    ncols: int = 6,
    title: str | None = None,
) -> Figure:
    """Images with the predicted class over each and the true class under it.

    A right prediction is written in blue with a tick, a wrong one in vermillion with a cross
    and a vermillion frame (colour and mark, so it reads without colour too).

    Parameters
    ----------
    images
        Array of shape ``(n, height, width)`` or ``(n, height, width, channels)``, values in
        [0, 1].
    true_labels, predicted_labels
        ``n`` class indices each.
    class_names
        Names of the classes, indexed by label.
    probabilities
        Optional: the predicted class's probability per image, written as a percentage.
    ncols
        Images per row.

    Examples
    --------
    >>> import numpy as np
    >>> fig = prediction_grid(np.zeros((3, 8, 8, 3)), [0, 1, 1], [0, 1, 0], ["a", "b"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a ✓', 'b ✓', 'a ✗']
    """
    x = np.asarray(images, dtype=float)
    if x.ndim not in (3, 4) or len(x) == 0:
        raise ValueError(
            f"images: expected an array (n, height, width[, channels]) with n >= 1, "
            f"got shape {x.shape}"
        )
    n = len(x)
    names = [str(c) for c in class_names]
    if not names:
        raise ValueError("class_names: expected at least one class name, got none")
    labels = {}
    for parameter, values in (
        ("true_labels", true_labels),
        ("predicted_labels", predicted_labels),
    ):
        array = np.asarray(values)
        if array.shape != (n,) or not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"{parameter}: expected {n} integer labels, got {values!r:.80}"
            )
        if array.min() < 0 or array.max() >= len(names):
            raise ValueError(
                f"{parameter}: labels must be in 0..{len(names) - 1}, got {array.tolist()!r:.80}"
            )
        labels[parameter] = array
    probs = None
    if probabilities is not None:
        probs = np.asarray(probabilities, dtype=float)
        if probs.shape != (n,) or not np.all((probs >= 0) & (probs <= 1)):
            raise ValueError(
                f"probabilities: expected {n} numbers in [0, 1], got {probabilities!r:.80}"
            )
    ncols = checks.positive_int("ncols", ncols)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    from helpers import style

    right_color, wrong_color = style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
    with style.style():
        fig, axes = style.new_figure(1.4 * ncols, 1.65 * nrows + (0.3 if title else 0.0),
                                nrows=nrows, ncols=ncols, squeeze=False)  # fmt: skip
        for i, ax in enumerate(axes.ravel()):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if i >= n:
                ax.set_axis_off()
                continue
            image = np.clip(x[i], 0.0, 1.0)
            cmap = "gray" if image.ndim == 2 or image.shape[-1] == 1 else None
            ax.imshow(image.squeeze() if cmap else image, cmap=cmap, vmin=0, vmax=1,
                      interpolation="nearest")  # fmt: skip
            truth, guess = (
                int(labels["true_labels"][i]),
                int(labels["predicted_labels"][i]),
            )
            right = truth == guess
            color = right_color if right else wrong_color
            text = names[guess] + (
                f" {100 * probs[i]:.0f}%" if probs is not None else ""
            )
            ax.set_title(
                f"{text} {'✓' if right else '✗'}", color=color, fontsize=8.5, pad=3
            )
            ax.set_xlabel(
                f"true: {names[truth]}", fontsize=8.5, color="#444444", labelpad=2
            )
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(color if not right else "#cccccc")
                spine.set_linewidth(2.5 if not right else 0.8)
        if title:
            fig.suptitle(title)
    return fig
