"""The book's defaults, in one place: the model config and the training settings.

This module imports nothing heavy, so that every other module (and a chapter) can read the
defaults without loading TensorFlow. The dataset sizes belong to :mod:`helpers.data`
(``SYNTHETIC_DEFAULTS``, ``DATASETS``); the package version is ``helpers.__version__``.

Examples
--------
>>> from helpers import defaults
>>> defaults.MODEL["cardinality"], defaults.MODEL["bottleneck_width"], defaults.EPOCHS
(4, 4, 6)
"""

from __future__ import annotations

from typing import Any

__all__ = ["BATCH_SIZE", "BUILD_MODEL", "EPOCHS", "LEARNING_RATE", "MODEL"]

#: The book's small ResNeXt, the model config chapters and sweeps start from: stage widths 64,
#: 128, 256 with 4 paths of 4, 8, 16 channels. Tuned together with the default synthetic data:
#: with Adam at 1e-2 (cosine decay) it passes 95% validation accuracy (98-99% for seeds 0-2) in
#: :data:`EPOCHS` epochs of 2,000 images, about 2.5 s each on two CPU cores.
MODEL: dict[str, Any] = {
    "block": "resnext",
    "stages": [1, 1, 1],
    "stem_width": 16,
    "width": 64,
    "cardinality": 4,
    "bottleneck_width": 4,
    "num_classes": 10,
    "input_shape": [32, 32, 3],
    "preact": False,
    "grouped_impl": "auto",
}

#: Every keyword of :func:`helpers.models.build_model` with its default (``tests/test_models.py``
#: checks that they agree): a run's model config is :data:`MODEL` or a change of it, with
#: these filled in.
BUILD_MODEL: dict[str, Any] = {
    **MODEL,
    "form": "c",
    "zero_init_last_bn": False,
    "seed": None,
}

#: Passes over the training set, images per step, and the starting learning rate.
EPOCHS = 6
BATCH_SIZE = 64
LEARNING_RATE = 1e-2
