"""The look of the book's figures: one matplotlib style file and one colour per configuration.

The style is ``helpers/book.mplstyle`` (shipped with the package): :func:`style` applies it for
the figures of :mod:`helpers.plots` and :mod:`helpers.diagrams`, :func:`use_style` for figures a
chapter draws itself. :func:`color_for` gives a configuration the same colour in every figure
and explorer of a kernel.

Examples
--------
>>> from helpers import style
>>> style.reset_colors()
>>> style.color_for("C=1"), style.color_for("C=2"), style.color_for("plain")
('#0072B2', '#E69F00', '#0072B2')
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "STYLE",
    "STYLE_FILE",
    "color_for",
    "new_figure",
    "reset_colors",
    "style",
    "use_style",
]

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: The order in which :func:`color_for` hands out colours. Yellow is last: it is hard to see
#: as a thin line on white.
PALETTE: tuple[str, ...] = tuple(OKABE_ITO.values())

#: The style file, and the settings it holds.
STYLE_FILE = str(resources.files("helpers").joinpath("book.mplstyle"))
STYLE: dict[str, Any] = dict(
    mpl.rc_params_from_file(STYLE_FILE, use_default_template=False)
)

_COLORS: dict[str, str] = {}
_CARDINALITY = re.compile(r"^C=(\d+)$")


def color_for(key: Hashable) -> str:
    """The colour of a configuration, the same every time it is asked for in this kernel.

    Cardinalities (``"C=1"``, ``"C=2"``, ... ``"C=64"``) have fixed colours, one palette step
    per doubling, so that neighbouring values always differ. Other keys get colours from
    :data:`PALETTE` in the order they are first seen; :func:`reset_colors` can fix any. Keys
    are compared as strings: ``color_for(4)`` and ``color_for("4")`` agree.

    Examples
    --------
    >>> reset_colors()
    >>> [color_for(f"C={c}") for c in (1, 2, 4)] == list(PALETTE[:3])
    True
    """
    name = str(key)
    if name not in _COLORS:
        match = _CARDINALITY.match(name)
        c = int(match.group(1)) if match else 0
        if c > 0 and c & (c - 1) == 0:  # a power of two
            _COLORS[name] = PALETTE[int(math.log2(c)) % (len(PALETTE) - 1)]
        else:
            others = sum(1 for k in _COLORS if not _CARDINALITY.match(k))
            _COLORS[name] = PALETTE[others % len(PALETTE)]
    return _COLORS[name]


def reset_colors(mapping: Mapping[Hashable, str] | None = None) -> None:
    """Forget the colours handed out so far; optionally fix some (``{"C=1": "#000000"}``)."""
    _COLORS.clear()
    for key, value in (mapping or {}).items():
        _COLORS[str(key)] = str(value)


@contextmanager
def style() -> Iterator[None]:
    """Context manager applying the book's style (every figure function of the package uses
    it)."""
    with mpl.rc_context(STYLE):
        yield


def use_style() -> None:
    """Apply the book's style globally, for figures a chapter draws itself with matplotlib."""
    mpl.rcParams.update(STYLE)


def new_figure(width: float, height: float, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure made through pyplot (so Jupyter's inline backend renders it when it is a cell's
    value) but closed at once (so it is not shown a second time at the end of the cell)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(fig)
    return fig, fig.subplots(**subplot_kw)
