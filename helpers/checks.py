"""Argument checks shared by the package: each raises ``ValueError`` naming the parameter and
the value it got, before any work is done.

Examples
--------
>>> from helpers import checks
>>> checks.positive_int("epochs", 3)
3
>>> checks.positive_int("epochs", 0)
Traceback (most recent call last):
...
ValueError: epochs must be a positive integer, got epochs=0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["choice", "flag", "number", "positive_int", "positive_ints", "seed"]


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


def positive_int(name: str, value: Any, *, allow_none: bool = False) -> int | None:
    """``value`` as an ``int`` if it is an integer above zero (or ``None`` when allowed)."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {name}={value!r}")
    return int(value)


def positive_ints(name: str, values: Any, length: int | None = None) -> list[int]:
    """``values`` as a list of ``int`` if it is a sequence of integers above zero (of
    ``length`` items, when given).

    Examples
    --------
    >>> positive_ints("input_shape", (32, 32, 3), length=3)
    [32, 32, 3]
    """
    ok = not isinstance(values, str | bytes) and isinstance(values, Sequence)
    if not ok or not values or (length is not None and len(values) != length):
        size = f"{length} " if length else ""
        raise ValueError(
            f"{name} must be a sequence of {size}positive integers, got {name}={values!r}"
        )
    return [positive_int(f"{name}[{i}]", v) for i, v in enumerate(values)]


def seed(name: str, value: Any, *, allow_none: bool = False) -> int | None:
    """``value`` as an ``int`` if it is a non-negative integer (or ``None`` when allowed)."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or value < 0:
        none = "None or " if allow_none else ""
        raise ValueError(
            f"{name} must be {none}a non-negative integer, got {name}={value!r}"
        )
    return int(value)


def number(
    name: str, value: Any, low: float = -math.inf, high: float = math.inf
) -> float:
    """``value`` as a ``float`` if it is a finite number in ``[low, high]``.

    Examples
    --------
    >>> number("noise", 0.5, 0, 1)
    0.5
    """
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.number)
    if not ok or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(
            f"{name} must be a finite number in [{low}, {high}], got {name}={value!r}"
        )
    return float(value)


def choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {tuple(choices)}")
    return value


def flag(name: str, value: Any) -> bool:
    """``value`` as a ``bool`` if it is ``True`` or ``False``."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {name}={value!r}")
    return bool(value)
