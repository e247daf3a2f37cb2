"""Matplotlib figures as inline SVG that several can share a page, with text alternatives.

:func:`figure_to_svg` saves a figure as SVG and gives it a ``<title>`` and ``<desc>`` read off
the figure (its title, each panel's axis labels and legend, the words a diagram draws), so a
screen reader can name it; :func:`clean_svg` makes any SVG text safe to put beside others
(unique ids, no metadata) and labels it as an image; :func:`new_id` makes the element ids.
The static explorers of :mod:`helpers.widgets` put their figures on the page this way.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import secrets
from typing import Any

__all__ = ["clean_svg", "figure_to_svg", "new_id"]

_COUNTER = itertools.count(1)
_PROCESS_TOKEN = secrets.token_hex(2)


def new_id(prefix: str, payload: str) -> str:
    """An element id unique on a page: a counter (unique in this kernel), a digest of the
    content, and a token of this process (two kernels' outputs can share a JupyterLab page)."""
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}-{next(_COUNTER)}-{digest}{_PROCESS_TOKEN}"


def figure_to_svg(fig: Any) -> str:
    """A matplotlib figure as inline SVG text: no XML header, no metadata, ids made unique so
    several figures can share a page, and scaling to the page width.

    Examples
    --------
    >>> from helpers import diagrams
    >>> svg = figure_to_svg(diagrams.block_diagram("plain"))
    >>> svg.startswith("<svg") and "<?xml" not in svg
    True
    """
    if not hasattr(fig, "savefig"):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    # A text alternative for screen readers, read off the figure: its title; for each panel
    # with axes its title, axis labels and legend entries; then the other words drawn (the
    # labels of a diagram). clean_svg links it to the <svg> as its accessible name.
    from matplotlib.text import Text

    def words(artist: Any) -> str:
        if artist is None or not artist.get_visible():
            return ""
        return " ".join(str(artist.get_text()).split())

    used: set[int] = set()
    panels = []
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            used.update(id(t) for tick in ticks for t in (tick.label1, tick.label2))
            used.add(id(axis.get_offset_text()))
            used.add(id(axis.label))
        used.update(id(t) for t in (ax.title, ax._left_title, ax._right_title))
        legend = ax.get_legend()
        if legend is not None:
            used.update(id(t) for t in legend.get_texts())
            used.add(id(legend.get_title()))
        if not ax.get_visible() or not ax.axison:
            continue
        bits = [words(ax.title)]
        if words(ax.xaxis.label):
            bits.append(f"x axis: {words(ax.xaxis.label)}")
        if words(ax.yaxis.label):
            bits.append(f"y axis: {words(ax.yaxis.label)}")
        if legend is not None:
            entries = [words(t) for t in legend.get_texts() if words(t)]
            if entries:
                bits.append("legend: " + ", ".join(entries))
        panels.append("; ".join(b for b in bits if b))
    suptitle = getattr(fig, "_suptitle", None)
    used.add(id(suptitle))
    others = [t for t in fig.findobj(Text) if id(t) not in used and words(t)]
    titles = [words(ax.title) for ax in fig.get_axes() if words(ax.title)]
    largest = max(others, key=lambda t: t.get_fontsize(), default=None)
    title = (
        words(suptitle)
        or (fig.get_label() or "").strip()
        or (titles[0] if len(titles) == 1 else "")
        or words(largest)
        or "Figure"
    )
    desc = [p for p in panels if p and p != title]
    labels = list(dict.fromkeys(words(t) for t in others if words(t) != title))
    if labels:
        desc.append("labels: " + ", ".join(labels))
    start = svg.find("<svg")
    end = svg.find(">", start) + 1 if start >= 0 else 0
    if end > 0:
        alt = f"<title>{html.escape(title)}</title>"
        if desc:
            alt += f"<desc>{html.escape('. '.join(desc))}</desc>"
        svg = svg[:end] + alt + svg[end:]
    return clean_svg(svg)


def clean_svg(svg: str) -> str:
    """SVG text ready to share a page: no XML header or metadata, ids made unique, an image
    role named by its ``<title>`` (one is made from the drawn words if missing), and scaling
    to the page width.

    Examples
    --------
    >>> out = clean_svg('<?xml version="1.0"?><svg width="10pt"><g id="a"/></svg>')
    >>> out.startswith('<svg role="img"') and 'id="a"' not in out
    True
    """
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("svg: expected SVG text containing an <svg> element")
    svg = svg[start:]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    ids = re.findall(r'\bid="([^"]+)"', svg)
    if ids:
        prefix = new_id("s", svg) + "-"
        wanted = set(ids)

        def rename(match: re.Match) -> str:
            name = match.group(2)
            return (
                f"{match.group(1)}{prefix}{name}" if name in wanted else match.group(0)
            )

        svg = re.sub(r'(\bid=")([^"]+)(?=")', rename, svg)
        svg = re.sub(r"(url\(#)([^)]+)(?=\))", rename, svg)
        svg = re.sub(r'((?:xlink:)?href="#)([^"]+)(?=")', rename, svg)
    # A text alternative: an image role named by the SVG's own <title> (and <desc>). SVG without
    # one (text given to static_choice) gets a title from the text matplotlib leaves in
    # comments, e.g. <!-- epoch -->, or a plain "figure" so that it is never unnamed.
    head_end = svg.find(">") + 1
    head, rest = svg[:head_end], svg[head_end:]
    if not re.match(r"\s*<title\b", rest):
        words = [
            " ".join(w.split())
            for w in re.findall(r"<!--(.*?)-->", rest, flags=re.S)
            if w.strip() and not w.strip().startswith(("Created with", "Generated by"))
        ]
        name = "Figure with the labels: " + ", ".join(words[:12]) if words else "Figure"
        rest = f"<title>{html.escape(name)}</title>" + rest
    labelled = re.match(
        r"\s*<title\b[^>]*>.*?</title>(\s*<desc\b[^>]*>.*?</desc>)?", rest, re.S
    )
    title_id = new_id("t", svg)
    rest = re.sub(r"<title\b[^>]*>", f'<title id="{title_id}">', rest, count=1)
    refs = title_id
    if labelled and labelled.group(1):
        desc_id = title_id + "-d"
        rest = re.sub(r"<desc\b[^>]*>", f'<desc id="{desc_id}">', rest, count=1)
        refs += " " + desc_id
    head = re.sub(r'\s(role|aria-labelledby|aria-label)="[^"]*"', "", head)
    svg = head + rest
    # Scale with the page: keep the intrinsic size as a maximum, keep the aspect ratio.
    svg = re.sub(
        r"<svg\b",
        '<svg role="img" aria-labelledby="'
        + refs
        + '" style="max-width:100%;height:auto" '
        'preserveAspectRatio="xMidYMid meet"',
        svg,
        count=1,
    )
    return svg.strip()
