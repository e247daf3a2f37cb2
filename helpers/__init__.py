"""Helpers for the ResNeXt book: data, models, complexity accounting, training, run records,
figures and explorers. ``README.md`` lists the modules and what each owns.

Each chapter imports what it needs from the submodules, e.g.::

    from helpers import models, complexity

Importing :mod:`helpers` itself is cheap: TensorFlow is only loaded by the submodules that
need it, and this module turns its C++ start-up logging down before that can happen.
"""

from __future__ import annotations

import os

__version__ = "0.2.0"

# How a chapter's set-up cell tells this package from any other module called `helpers` (a
# different package of that name is on PyPI, and a reader may have a helpers.py of their own).
BOOK = "resnext-book"

# TensorFlow prints C++ start-up chatter (CPU feature notices, oneDNN hints) to stderr before
# any Python code can intervene; this must be set before the first `import tensorflow`.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__all__ = ["BOOK", "__version__"]
