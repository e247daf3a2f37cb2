"""helpers.plots.predictions (chapter 5): one panel per image, predicted class over it and the
true class under it, wrong predictions marked by colour and by a cross, bad input refused."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from helpers import plots  # noqa: E402

NAMES = ["disc", "ring", "square"]


def test_titles_labels_and_marks():
    images = np.random.default_rng(0).uniform(size=(5, 8, 8, 3))
    fig = plots.predictions(images, [0, 1, 2, 0, 1], [0, 1, 1, 0, 2], NAMES, ncols=3)
    axes = fig.axes
    assert len(axes) == 6  # 2 rows of 3, the last one empty
    assert not axes[5].axison
    assert [ax.get_title() for ax in axes[:5]] == [
        "disc ✓", "ring ✓", "ring ✗", "disc ✓", "square ✗",
    ]  # fmt: skip
    assert [ax.get_xlabel() for ax in axes[:5]] == [
        f"true: {NAMES[i]}" for i in (0, 1, 2, 0, 1)
    ]
    right, wrong = axes[0].title.get_color(), axes[2].title.get_color()
    assert right == plots.OKABE_ITO["blue"] and wrong == plots.OKABE_ITO["vermillion"]
    assert (
        axes[2].spines["left"].get_linewidth() > axes[0].spines["left"].get_linewidth()
    )


def test_probabilities_and_grayscale_images():
    fig = plots.predictions(
        np.zeros((2, 8, 8)), [0, 1], [0, 1], NAMES, probabilities=[0.5, 1.0]
    )
    assert [ax.get_title() for ax in fig.axes] == ["disc 50% ✓", "ring 100% ✓"]
    assert fig.axes[0].images[0].get_cmap().name == "gray"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((0, 8, 8, 3))}, "images"),
        ({"images": np.zeros((8, 8))}, "images"),
        ({"true_labels": [0]}, "true_labels"),
        ({"predicted_labels": [0, 3]}, "predicted_labels"),
        ({"predicted_labels": [0.0, 1.0]}, "predicted_labels"),
        ({"class_names": []}, "class_names"),
        ({"probabilities": [0.5, 1.5]}, "probabilities"),
        ({"ncols": 0}, "ncols"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(kwargs, message):
    arguments = {
        "images": np.zeros((2, 8, 8, 3)),
        "true_labels": [0, 1],
        "predicted_labels": [0, 1],
        "class_names": NAMES,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        plots.predictions(**arguments)
