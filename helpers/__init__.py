"""Helpers for the ResNeXt book: data, models, complexity accounting, training, plots, widgets.

Each chapter imports what it needs from the submodules, e.g.::

    from helpers import models, complexity

Importing :mod:`helpers` itself is cheap: TensorFlow is only loaded by the submodules that
need it, after :func:`helpers.notebook.quiet_tensorflow` has turned its start-up logging down.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

# TensorFlow prints C++ start-up chatter (CPU feature notices, oneDNN hints) to stderr before
# any Python code can intervene; this must be set before the first `import tensorflow`.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__all__ = ["__version__"]
