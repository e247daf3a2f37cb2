"""helpers.notebook: tables, glue (several values at once, shown too), the book-build flag."""

from __future__ import annotations

import pytest

from helpers import notebook


def test_table_prints_aligned_with_thousands_separators():
    text = str(notebook.Table([{"C": 1, "weights": 70144}, {"C": 32, "weights": 1.5}]))
    assert text.splitlines() == [" C  weights", " 1   70,144", "32      1.5"]
    assert str(notebook.Table()) == "(no rows)"


def test_html_table_escapes_aligns_and_prints_as_text():
    rows = [{"stage": "conv2", "layers": "1×1, 128 | <b>", "blocks": 3}]
    table = notebook.html_table(rows, columns=["stage", "blocks"], caption="Table 1")
    text = table._repr_html_()
    assert text.startswith("<table") and "<caption>Table 1</caption>" in text
    assert '<td style="text-align:right">3</td>' in text
    assert "layers" not in text  # only the chosen columns
    shown = notebook.html_table(rows)._repr_html_()
    assert "&lt;b&gt;" in shown and "<b>" not in shown
    assert str(table).split() == ["stage", "blocks", "conv2", "3"]


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        ([], None, "rows"),
        (["not a dict"], None, "rows"),
        ([{"a": 1}], "a", "columns"),
        ([{"a": 1}], ["b"], "columns"),
    ],
)
def test_html_table_refuses_bad_input(rows, columns, message):
    with pytest.raises(ValueError, match=message):
        notebook.html_table(rows, columns=columns)


def test_glue_all_returns_plain_values_and_shows_them(capsys):
    import numpy as np

    glued = notebook.glue_all({"x_mean": np.float64(97.25), "x_seeds": 3})
    assert glued == {"x_mean": 97.25, "x_seeds": 3}
    assert type(glued["x_mean"]) is float  # {glue:text} format specs need plain numbers
    assert capsys.readouterr().out.splitlines() == ["x_mean   97.25", "x_seeds  3"]
    notebook.glue_all({"x_quiet": 1}, show=False)
    assert capsys.readouterr().out == ""


def test_in_book_build_reads_the_environment(monkeypatch):
    monkeypatch.setenv(notebook.BUILD_ENV_VAR, "1")
    assert notebook.in_book_build()
    monkeypatch.setenv(notebook.BUILD_ENV_VAR, "0")
    assert not notebook.in_book_build()
