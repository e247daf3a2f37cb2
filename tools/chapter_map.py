"""Draw the front page's map of chapters into images/chapter_map.svg: `python tools/chapter_map.py`.

The map is committed; rerun this script after adding or renaming a chapter.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Okabe-Ito colours, one per part of the book.
PARTS = {
    "From ResNet to ResNeXt": "#56B4E9",
    "Cardinality": "#E69F00",
    "In practice": "#009E73",
}
# The short title, a line about it and the part of the map of each chapter, by notebook.
BLURBS = {
    "01_skip_connections": ("Skip connections", "why deep plain nets\nfail to train",
                            "From ResNet to ResNeXt"),
    "02_residual_blocks": ("Residual blocks", "basic, bottleneck,\nResNet-50 counted",
                           "From ResNet to ResNeXt"),
    "03_width_vs_depth": ("Width vs depth", "wide ResNets at a\nfixed budget",
                          "From ResNet to ResNeXt"),
    "04_cardinality": ("Cardinality", "three equal forms,\nTable 2 rebuilt", "Cardinality"),
    "05_building_resnext": ("Building ResNeXt", "template rules,\nResNeXt-29 and -50",
                            "Cardinality"),
    "06_cardinality_experiments": ("Experiments", "cardinality sweep,\nthe explorer",
                                   "Cardinality"),
    "07_fast_grouped_convolutions": ("Fast group convs", "why fewer FLOPs can\nrun slower",
                                     "In practice"),
    "08_toy_example_revisited": ("A toy example", "noise, random labels,\nand the fix",
                                 "In practice"),
    "09_where_cardinality_went_next": ("What came next", "to depthwise convs\nand detection",
                                       "In practice"),
    "appendix_real_data": ("Appendices", "real data; how the\nexperiments were set up",
                           "In practice"),
    "appendix_regime": ("Appendices", "", "In practice"),
}  # fmt: skip


def toc_notebooks() -> list[str]:
    """The chapter notebooks (file stems) in the order of ``_toc.yml``, the one chapter list."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    stems = re.findall(r"file:\s*chapters/([\w-]+)", toc)
    return [s for s in stems if (ROOT / "chapters" / f"{s}.ipynb").is_file()]


def chapters() -> list[tuple[str, str, str, str]]:
    """(number, title, line, part) of every chapter in the order of the table of contents."""
    missing = [s for s in toc_notebooks() if s not in BLURBS]
    if missing:
        raise ValueError(
            f"BLURBS has no entry for {missing}: add one for each new chapter"
        )
    return [
        (s.split("_")[0].lstrip("0") if s[0].isdigit() else "A", *BLURBS[s])
        for s in toc_notebooks()
    ]


def draw() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4.6)
    ax.axis("off")
    listed = []
    for chapter in chapters():  # the appendices share one box, "A"
        if chapter[0] not in [c[0] for c in listed]:
            listed.append(chapter)
    rows = [listed[0:3], listed[3:6], listed[6:10]]
    centres = {}
    for r, row in enumerate(rows):
        y = 3.75 - r * 1.45
        xs = [1.3 + i * 2.45 for i in range(len(row))]
        for x, (num, title, sub, part) in zip(xs, row, strict=True):
            box = FancyBboxPatch(
                (x - 1.05, y - 0.5),
                2.1,
                1.0,
                boxstyle="round,pad=0.04",
                facecolor=PARTS[part],
                alpha=0.35,
                edgecolor=PARTS[part],
                linewidth=2,
            )
            ax.add_patch(box)
            ax.text(
                x,
                y + 0.22,
                f"{num}. {title}",
                ha="center",
                va="center",
                fontsize=11,
                fontweight="bold",
            )
            ax.text(x, y - 0.18, sub, ha="center", va="center", fontsize=9)
            centres[num] = (x, y)
    order = [c[0] for c in listed]
    for a, b in zip(order, order[1:], strict=False):
        (x0, y0), (x1, y1) = centres[a], centres[b]
        if y0 == y1:
            start, end, style = (x0 + 1.08, y0), (x1 - 1.08, y1), "arc3"
        else:  # wrap to the next row
            start, end, style = (x0, y0 - 0.52), (x1, y1 + 0.52), "arc3,rad=-0.08"
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=14,
                color="#444444",
                connectionstyle=style,
                linewidth=1.2,
            )
        )
    for i, (part, colour) in enumerate(PARTS.items()):
        ax.add_patch(
            FancyBboxPatch(
                (8.05, 3.95 - i * 0.33),
                0.22,
                0.2,
                boxstyle="square,pad=0",
                facecolor=colour,
                alpha=0.35,
                edgecolor=colour,
            )
        )
        ax.text(8.35, 4.05 - i * 0.33, part, va="center", fontsize=9)
    return fig


if __name__ == "__main__":
    out = ROOT / "images" / "chapter_map.svg"
    plt.rcParams["svg.hashsalt"] = (
        "resnext-book"  # stable ids, so the file only changes with the map
    )
    fig = draw()
    fig.savefig(out, bbox_inches="tight", metadata={"Date": None})
    print(f"wrote {out.relative_to(ROOT)}")
