"""Parameters and multiply-adds: of built models, layer by layer, and of the paper's formulas.

The ResNeXt paper compares networks "of the same complexity": the same number of parameters
and the same number of FLOPs, where its "FLOPs" are multiply-adds. :func:`count` measures both
for any Keras model; :func:`block_params`, :func:`block_multiply_adds` and
:func:`bottleneck_width_for` are the closed forms of Section 3.3 behind Table 2.

How the counts are made (and how they relate to the paper's):

- parameters are the learned ones: convolution and dense kernels and biases and BN's scale
  and shift (gamma, beta). BN's moving mean and variance are statistics, not parameters; they
  are reported apart (``non_trainable``; ``model.count_params()`` includes them). The paper
  counts convolution and classifier weights only, without BN: ResNet-50 has 25.50M of those
  (Table 1: 25.5M) and 25.56M with gamma and beta, ResNeXt-29 16x64d 68.05M (Table 7: 68.1M)
  and 68.16M with them. :attr:`Count.params_without_bn` is the paper's count;
- multiply-adds are those of convolutions and dense layers, per image: a convolution costs
  ``kh * kw * in_channels / groups`` multiply-adds per output value. BN (which folds into the
  preceding convolution at inference), ReLU, additions and pooling are not counted, as in the
  paper's 4.1 billion for ResNet-50.

Examples
--------
>>> from helpers import complexity
>>> complexity.block_params(cardinality=32, bottleneck_width=4)
70144
>>> [row["bottleneck_width"] for row in complexity.table2()]
[64, 40, 24, 14, 4]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Count",
    "Table",
    "block_multiply_adds",
    "block_params",
    "bottleneck_width_for",
    "count",
    "table2",
]

#: The cardinalities of the paper's Table 2.
TABLE2_CARDINALITIES: tuple[int, ...] = (1, 2, 4, 8, 32)


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
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
        lines += [
            "  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells
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


@dataclass
class Count:
    """What :func:`count` returns: one row per layer and the totals.

    Attributes
    ----------
    rows
        Per layer: ``name``, ``kind``, ``params`` (learned), ``multiply_adds`` (per image),
        ``output_shape`` (without the batch axis).
    params
        Learned parameters: kernels, biases, BN gamma and beta.
    multiply_adds
        Multiply-adds of convolutions and dense layers for one image.
    bn_params
        The part of ``params`` that is BN gamma and beta.
    non_trainable
        BN moving means and variances (not in ``params``).
    """

    rows: Table = field(default_factory=Table)
    params: int = 0
    multiply_adds: int = 0
    bn_params: int = 0
    non_trainable: int = 0

    @property
    def params_without_bn(self) -> int:
        """Parameters other than BN's: what the paper's tables count."""
        return self.params - self.bn_params

    def to_text(self, weighted_only: bool = True) -> str:
        """The per-layer table (only layers with parameters unless ``weighted_only=False``)
        followed by the totals."""
        rows = Table(r for r in self.rows if r["params"] or not weighted_only)
        return (
            f"{rows.to_text()}\n"
            f"total: {self.params:,} parameters ({self.bn_params:,} of them BN gamma/beta; "
            f"{self.non_trainable:,} BN moving statistics not counted), "
            f"{self.multiply_adds:,} multiply-adds per image"
        )

    def __str__(self) -> str:
        return self.to_text()


def _kind(layer: Any) -> str:
    from helpers.grouped import GroupedConv2D

    name = type(layer).__name__
    groups = getattr(layer, "groups", 1) or 1
    if isinstance(layer, GroupedConv2D) or "Conv" in name:
        if "Depthwise" in name:
            return "depthwise conv"
        return "grouped conv" if groups > 1 else "conv"
    if name == "Dense":
        return "dense"
    if "BatchNormalization" in name:
        return "batchnorm"
    if "Pooling" in name:
        return "pool"
    if name in ("ReLU", "Activation", "Softmax"):
        return "activation"
    if name in ("Add", "Concatenate", "Multiply", "Average", "Subtract"):
        return "merge"
    if name == "InputLayer":
        return "input"
    return name.lower()


def _flatten(model: Any) -> list[Any]:
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(_flatten(layer))
        else:
            found.append(layer)
    return found


def _output_shape(layer: Any) -> tuple[int | None, ...] | None:
    try:
        return tuple(layer.output.shape[1:])
    except (AttributeError, ValueError):
        return None


def count(model: Any) -> Count:
    """Count the learned parameters and the multiply-adds of every layer of a Keras model.

    Works for any model whose layers have been called (a functional model, or a subclassed
    one after a first call), including nested models, ``keras.layers.Conv2D(groups=C)`` and
    :class:`helpers.grouped.GroupedConv2D`. See the module docstring for what is counted.

    Examples
    --------
    >>> from helpers import models
    >>> result = count(models.build_model(block="basic", stages=[1], width=16, stem_width=16))
    >>> result.params, result.multiply_adds
    (5306, 5161120)
    >>> [r["name"] for r in result.rows if r["kind"] == "conv"]
    ['stem_conv', 'stage1_block1_conv1', 'stage1_block1_conv2']
    """
    result = Count()
    for layer in _flatten(model):
        kind = _kind(layer)
        params = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
        shape = _output_shape(layer)
        kernel = (
            getattr(layer, "kernel", None) if kind in ("conv", "grouped conv", "dense") else None
        )
        if kind == "depthwise conv":
            kernel = getattr(layer, "kernel", None)
        multiply_adds = 0
        if kernel is not None:
            if shape is None or any(n is None for n in shape[:-1]):
                raise ValueError(
                    f"model={model.name!r}: layer {layer.name!r} has no static output shape; "
                    "call the model on an input first"
                )
            # Each output position costs one multiply-add per kernel weight of its group.
            multiply_adds = int(np.prod(kernel.shape)) * int(np.prod(shape[:-1]))
        if kind == "batchnorm":
            result.bn_params += params
            result.non_trainable += frozen
        result.params += params
        result.multiply_adds += multiply_adds
        result.rows.append(
            {
                "name": layer.name,
                "kind": kind,
                "params": params,
                "multiply_adds": multiply_adds,
                "output_shape": shape,
            }
        )
    return result


# --- the closed forms of Section 3.3 ----------------------------------------------------------
def _positive_int(parameter: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{parameter} must be a positive integer, got {parameter}={value!r}")
    return int(value)


def block_params(cardinality: int, bottleneck_width: int, channels: int = 256) -> int:
    """Weights of a ResNeXt block's three convolutions, the paper's ``C*(256d + 9d^2 + 256d)``.

    Parameters
    ----------
    cardinality
        ``C``, the number of paths.
    bottleneck_width
        ``d``, the channels of each path.
    channels
        Input and output channels of the block (256 in the paper's first stage).

    BN, biases and shortcuts are not included, as in the paper.

    Examples
    --------
    >>> block_params(1, 64)  # the ResNet bottleneck block
    69632
    """
    cardinality = _positive_int("cardinality", cardinality)
    bottleneck_width = _positive_int("bottleneck_width", bottleneck_width)
    channels = _positive_int("channels", channels)
    d = bottleneck_width
    return cardinality * (channels * d + 9 * d * d + d * channels)


def block_multiply_adds(
    cardinality: int,
    bottleneck_width: int,
    channels: int = 256,
    height: int = 56,
    width: int = 56,
) -> int:
    """Multiply-adds of a stride-1 ResNeXt block on a ``height`` x ``width`` map: every weight
    is used once per position (default: 56x56, the first stage of ResNeXt-50).

    Examples
    --------
    >>> block_multiply_adds(32, 4) / 1e6
    219.971584
    """
    height = _positive_int("height", height)
    width = _positive_int("width", width)
    return block_params(cardinality, bottleneck_width, channels) * height * width


def bottleneck_width_for(cardinality: int, budget: float | None = None, channels: int = 256) -> int:
    """The ``d`` whose ResNeXt block with ``cardinality`` paths has the parameter count nearest
    to ``budget`` (ties go to the smaller ``d``).

    Parameters
    ----------
    cardinality
        ``C``.
    budget
        Target of :func:`block_params`; default: the ResNet bottleneck block of these
        ``channels`` (``C=1``, ``d=channels/4``; about 70k for 256 channels).
    channels
        Input and output channels of the block.

    Examples
    --------
    >>> [bottleneck_width_for(c) for c in (1, 2, 4, 8, 32)]  # Table 2 of the paper
    [64, 40, 24, 14, 4]
    """
    cardinality = _positive_int("cardinality", cardinality)
    channels = _positive_int("channels", channels)
    if budget is None:
        budget = block_params(1, max(channels // 4, 1), channels)
    if isinstance(budget, bool) or not isinstance(budget, int | float | np.number):
        raise ValueError(f"budget must be a positive number, got budget={budget!r}")
    if not budget > 0 or not math.isfinite(budget):
        raise ValueError(f"budget must be a positive number, got budget={budget!r}")
    # C * (9 d^2 + 2 channels d) = budget: take the positive root, then the nearer integer.
    root = (-2 * channels + math.sqrt(4 * channels**2 + 36 * budget / cardinality)) / 18
    candidates = {max(1, math.floor(root)), max(1, math.ceil(root))}
    return min(
        sorted(candidates), key=lambda d: abs(block_params(cardinality, d, channels) - budget)
    )


def table2(channels: int = 256, cardinalities: Iterable[int] = TABLE2_CARDINALITIES) -> Table:
    """The paper's Table 2: for each cardinality, the bottleneck width that keeps a block's
    parameters at those of the ResNet block, and the resulting width of the grouped conv.

    Examples
    --------
    >>> print(table2())
    cardinality  bottleneck_width  group_width  params
              1                64           64  69,632
              2                40           80  69,760
              4                24           96  69,888
              8                14          112  71,456
             32                 4          128  70,144
    """
    rows = Table()
    for cardinality in cardinalities:
        d = bottleneck_width_for(cardinality, channels=channels)
        rows.append(
            {
                "cardinality": cardinality,
                "bottleneck_width": d,
                "group_width": cardinality * d,
                "params": block_params(cardinality, d, channels),
            }
        )
    return rows
