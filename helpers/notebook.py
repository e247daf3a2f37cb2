"""Small utilities for chapter notebooks: gluing numbers into prose, telling a book build apart.

The book is built by ``make book``, which sets ``RESNEXT_BOOK_BUILD=1`` for the kernels that
execute the chapters. Code that behaves differently in the static book (no progress bars, static
explorers instead of live widgets) asks :func:`in_book_build`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

BUILD_ENV_VAR = "RESNEXT_BOOK_BUILD"


def in_book_build() -> bool:
    """Return True while the notebook is being executed to build the HTML book.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("RESNEXT_BOOK_BUILD", None) and None
    >>> in_book_build()
    False
    """
    return os.environ.get(BUILD_ENV_VAR, "") not in ("", "0")


def glue(name: str, value: Any, display: bool = False) -> Any:
    """Make ``value`` available to the prose as ``{glue:}`name```, and return it.

    Uses ``myst_nb.glue`` when it is installed (the book build); on Colab or in a plain kernel,
    where myst-nb is absent, it does nothing but return the value, so chapters run everywhere.

    Examples
    --------
    >>> glue("answer", 42)
    42
    """
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = (
            value.item()
        )  # NumPy scalars: `{glue:text}` format specs need plain numbers
    try:
        from myst_nb import glue as _myst_glue
    except ImportError:
        return value
    _myst_glue(name, value, display=display)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def glue_all(values: Mapping[str, Any], show: bool = True) -> dict[str, Any]:
    """:func:`glue` every ``{name: value}`` and, with ``show``, print them as a compact table.

    The table is for readers where ``{glue:text}`` cannot render (Colab, a plain Jupyter): they
    still see each number the prose quotes, next to where it is quoted.

    Examples
    --------
    >>> glued = glue_all({"ch0_mean": 97.25, "ch0_seeds": 3})
    ch0_mean   97.25
    ch0_seeds  3
    """
    glued = {name: glue(name, value) for name, value in values.items()}
    if show and glued:
        width = max(len(name) for name in glued)
        print("\n".join(f"{n:<{width}}  {_shown(v)}" for n, v in glued.items()))
    return glued
