"""Display utilities for chapter notebooks: text and HTML tables, gluing numbers into the prose
(and showing them where the prose cannot render them), telling a book build apart.

The book is built by ``make book``, which sets ``RESNEXT_BOOK_BUILD=1`` for the kernels that
execute the chapters. Code that behaves differently in the static book (no progress bars, static
explorers instead of live widgets) asks :func:`in_book_build`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["HTMLTable", "Table", "glue", "glue_all", "html_table", "in_book_build"]

BUILD_ENV_VAR = "RESNEXT_BOOK_BUILD"


def in_book_build() -> bool:
    """Return True while the notebook is being executed to build the HTML book.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.pop("RESNEXT_BOOK_BUILD", None)
    >>> in_book_build()
    False
    >>> os.environ["RESNEXT_BOOK_BUILD"] = "1"
    >>> in_book_build()
    True
    >>> del os.environ["RESNEXT_BOOK_BUILD"]
    >>> if saved is not None:
    ...     os.environ["RESNEXT_BOOK_BUILD"] = saved
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


class Table(list):
    """A list of row dicts (one per row, same keys) that prints as an aligned text table.

    Examples
    --------
    >>> print(Table([{"C": 1, "d": 64}, {"C": 32, "d": 4}]))
     C   d
     1  64
    32   4
    """

    def to_text(self, columns: Sequence[str] | None = None) -> str:
        """Return the rows as text, one line per row, numbers right-aligned with separators
        for thousands (``columns`` picks and orders the keys; default: all)."""
        if not self:
            return "(no rows)"
        columns = list(columns or self[0].keys())
        cells = [[_format_cell(row.get(c)) for c in columns] for row in self]
        widths = [
            max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)
        ]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
        ]
        lines += [
            "  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)).rstrip()
            for r in cells
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _format_cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, tuple | list):
        return "x".join("?" if v is None else str(v) for v in value)
    return str(value)


class HTMLTable(Table):
    """A :class:`Table` that a notebook shows as an HTML table (text when printed).

    Made by :func:`html_table`. Long cells wrap, so a table with long layer descriptions stays
    within the page; numbers are right-aligned, text is left-aligned.
    """

    caption: str | None = None
    columns: list[str] | None = None

    def to_html(self) -> str:
        """The rows as an HTML ``<table>`` (cells escaped)."""
        columns = list(self.columns or (self[0].keys() if self else []))
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        body = []
        for row in self:
            cells = []
            for c in columns:
                value = row.get(c)
                align = (
                    "right" if isinstance(value, int | float | np.number) else "left"
                )
                cells.append(
                    f'<td style="text-align:{align}">{html.escape(_format_cell(value))}</td>'
                )
            body.append(f"<tr>{''.join(cells)}</tr>")
        caption = (
            f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        )
        return (
            '<table class="table rnx-table" style="font-size:0.9em;width:auto">'
            f"{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text(self.columns)


def html_table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str] | None = None,
    caption: str | None = None,
) -> HTMLTable:
    """Rows (dicts with the same keys) as a table that a notebook shows as HTML.

    Parameters
    ----------
    rows
        One dict per row, e.g. the rows of :func:`stage_table`.
    columns
        The keys to show, in order (default: all keys of the first row).
    caption
        An optional caption above the table.

    Examples
    --------
    >>> table = html_table([{"model": "ResNet-50", "params": 25_503_912}])
    >>> "<td style=\\"text-align:right\\">25,503,912</td>" in table._repr_html_()
    True
    >>> print(table)
        model      params
    ResNet-50  25,503,912
    """
    rows = list(rows)
    if not rows or not all(isinstance(row, dict) for row in rows):
        raise ValueError(f"rows: expected a non-empty list of dicts, got {rows!r:.80}")
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise ValueError(f"columns: expected a list of key names, got {columns!r}")
        missing = [c for c in columns if not any(c in row for row in rows)]
        if missing:
            raise ValueError(f"columns: {missing[0]!r} is not a key of any row")
    table = HTMLTable(rows)
    table.columns = list(columns) if columns is not None else None
    table.caption = caption
    return table
