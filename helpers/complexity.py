"""Parameters and multiply-adds: of built models, layer by layer, and of the paper's formulas.

The ResNeXt paper compares networks "of the same complexity": the same number of parameters
and the same number of FLOPs, where its "FLOPs" are multiply-adds. :func:`count` measures both
for any Keras model; :func:`block_params`, :func:`block_multiply_adds` and
:func:`bottleneck_width_for` are the closed forms of Section 3.4 behind Table 2.

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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from helpers import checks
from helpers.notebook import Table

__all__ = [
    "Count",
    "block_multiply_adds",
    "block_params",
    "block_table",
    "bottleneck_width_for",
    "conv_arithmetic_intensity",
    "count",
    "count_layer_multiply_adds",
    "stage_table",
    "table2",
]

#: The cardinalities of the paper's Table 2.
TABLE2_CARDINALITIES: tuple[int, ...] = (1, 2, 4, 8, 32)


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
    from helpers.models import all_layers

    result = Count()
    for layer in all_layers(model):
        kind = _kind(layer)
        params = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
        shape = _output_shape(layer)
        kernel = (
            getattr(layer, "kernel", None)
            if kind in ("conv", "grouped conv", "dense")
            else None
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


# --- the closed forms of Section 3.4 ----------------------------------------------------------
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
    cardinality = checks.positive_int("cardinality", cardinality)
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    channels = checks.positive_int("channels", channels)
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
    height = checks.positive_int("height", height)
    width = checks.positive_int("width", width)
    return block_params(cardinality, bottleneck_width, channels) * height * width


def bottleneck_width_for(
    cardinality: int, budget: float | None = None, channels: int = 256
) -> int:
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
    cardinality = checks.positive_int("cardinality", cardinality)
    channels = checks.positive_int("channels", channels)
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
        sorted(candidates),
        key=lambda d: abs(block_params(cardinality, d, channels) - budget),
    )


def table2(
    channels: int = 256, cardinalities: Iterable[int] = TABLE2_CARDINALITIES
) -> Table:
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


# --- the stages of a built network, as in the paper's Table 1 ---------------------------------
_BLOCK_LAYER = re.compile(r"^(?P<stage>stage\d+)_(?P<block>block\d+)_(?P<role>.+)$")
_PATH_CONV = re.compile(r"^path(?P<index>\d+)_conv(?P<number>[123])$")


def _blocks_of(model: Any) -> dict[str, Any]:
    """Layers grouped by part: ``"stem"``, ``"stageS_blockB"`` (in order), ``"head"``."""
    from helpers.models import all_layers

    parts: dict[str, list[Any]] = {"stem": []}
    for layer in all_layers(model):
        match = _BLOCK_LAYER.match(layer.name)
        if match:
            parts.setdefault(f"{match['stage']}_{match['block']}", []).append(layer)
        elif _kind(layer) == "input":
            continue
        elif len(parts) == 1:  # before the first block
            parts["stem"].append(layer)
        else:
            parts.setdefault("head", []).append(layer)
    if len(parts) == 1 or (len(parts) == 2 and "head" in parts):
        name = getattr(model, "name", "?")
        raise ValueError(
            f"model={name!r} has no layers named stage<S>_block<B>_<role>: build it with "
            "helpers.models (build_model, resnext29, resnet50, resnext50_32x4d)"
        )
    return parts


def block_table(model: Any) -> Table:
    """One row per part of a network built by :mod:`helpers.models`: the stem, every residual
    block (its layers are named ``stage<S>_block<B>_<role>``) and the head.

    Columns: ``part``, ``output`` (shape after the part, without the batch axis), ``params``
    (convolution and dense weights and biases, without BN: the paper's count),
    ``bn_params`` (BN gamma and beta) and ``multiply_adds`` (per image).

    Examples
    --------
    >>> from helpers import models
    >>> rows = block_table(models.build_model(stages=[1, 1], width=16, cardinality=2))
    >>> [r["part"] for r in rows]
    ['stem', 'stage1_block1', 'stage2_block1', 'head']
    >>> rows[2]["output"]
    (16, 16, 32)
    """
    measured = {row["name"]: row for row in count(model).rows}
    table = Table()
    for part, members in _blocks_of(model).items():
        params = bn = multiply_adds = 0
        for layer in members:
            row = measured[layer.name]
            if row["kind"] == "batchnorm":
                bn += row["params"]
            else:
                params += row["params"]
            multiply_adds += row["multiply_adds"]
        last = next(
            (layer for layer in reversed(members) if _output_shape(layer) is not None),
            None,
        )
        if part.startswith(
            "stage"
        ):  # the block's output: its final ReLU or its addition
            outputs = [ly for ly in members if ly.name.endswith(("_out", "_add"))]
            last = outputs[-1] if outputs else last
        table.append(
            {
                "part": part,
                "output": _output_shape(last) if last is not None else None,
                "params": params,
                "bn_params": bn,
                "multiply_adds": multiply_adds,
            }
        )
    return table


def _size(shape: Sequence[int | None] | None) -> str:
    if not shape:
        return "?"
    return (
        "×".join("?" if n is None else str(n) for n in shape[:-1])
        if len(shape) > 1
        else "1×1"
    )


def _conv_spec(kernel_size: Sequence[int], filters: int, groups: int = 1) -> str:
    kh, kw = kernel_size
    text = f"{kh}×{kw}, {filters}"
    return text + (f", C={groups}" if groups > 1 else "")


def _block_spec(prefix: str, members: Sequence[Any]) -> str:
    """The layers of one block as in Table 1: '1×1, 128 | 3×3, 128, C=32 | 1×1, 256'.

    Forms (a) and (b) of a ResNeXt block (``path<i>_conv<k>`` layers) are written as the
    equivalent form (c): C paths of d channels are one layer of C*d channels, C groups.
    """
    convs: dict[int, list[Any]] = {}
    for layer in members:
        role = layer.name[len(prefix) + 1 :]
        path = _PATH_CONV.match(role)
        number = int(path["number"]) if path else None
        if number is None and re.fullmatch(r"conv[1-9]", role):
            number = int(role[-1])
        if number is not None:
            convs.setdefault(number, []).append(layer)
    specs = []
    for number in sorted(convs):
        layers_ = convs[number]
        first = layers_[0]
        paths = len(layers_)
        if (
            paths > 1 and number == 3
        ):  # form (a): C 1x1 convs to the output width, summed
            filters, groups = first.filters, 1
        else:
            filters = first.filters * paths
            groups = max(getattr(first, "groups", 1) or 1, paths if number == 2 else 1)
        specs.append(_conv_spec(first.kernel_size, filters, groups))
    return " | ".join(specs)


def _stem_specs(members: Sequence[Any]) -> list[tuple[str, Any, str]]:
    rows = []
    for layer in members:
        kind = _kind(layer)
        stride = getattr(layer, "strides", (1, 1))[0]
        suffix = f", stride {stride}" if stride > 1 else ""
        if kind == "conv":
            rows.append(
                ("conv", layer, _conv_spec(layer.kernel_size, layer.filters) + suffix)
            )
        elif kind == "pool":
            size = layer.pool_size[0]
            rows.append(("pool", layer, f"{size}×{size} max pool{suffix}"))
    return rows


def stage_table(model: Any) -> Table:
    """The stages of a network built by :mod:`helpers.models`, laid out like the paper's Table 1.

    Rows: ``conv1`` (the stem convolution), ``pool`` (the stem's max pool, if any), one row per
    stage named as in the paper (``conv2`` for the first stage, then ``conv3`` ...), and ``fc``
    (global average pooling and the classifier). Columns: ``stage``; ``output``, the map size
    after it (e.g. ``56×56``); ``layers``, the convolutions of the stage's first block (a grouped
    convolution shows ``C=``); ``blocks``, the number of blocks; ``params``, convolution and
    dense weights without BN (the paper's count); ``multiply_adds``, per image.

    The layers of a stage are read from its first block (the template: all blocks of a stage
    share them; the first one alone has stride 2 and, where needed, a projection shortcut,
    whose weights ``params`` includes).

    Examples
    --------
    >>> from helpers import models
    >>> table = stage_table(models.build_model(stages=[1, 2], width=32, cardinality=4,
    ...                                        bottleneck_width=2))
    >>> [row["stage"] for row in table]
    ['conv1', 'conv2', 'conv3', 'fc']
    >>> table[2]["output"], table[2]["layers"], table[2]["blocks"]
    ('16×16', '1×1, 16 | 3×3, 16, C=4 | 1×1, 64', 2)
    """
    parts = _blocks_of(model)
    per_part = {row["part"]: row for row in block_table(model)}
    table = Table()
    for role, layer, spec in _stem_specs(parts["stem"]):
        name = "conv1" if role == "conv" else role
        params = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        measured = count_layer_multiply_adds(layer)
        table.append(
            {
                "stage": name,
                "output": _size(_output_shape(layer)),
                "layers": spec,
                "blocks": None,
                "params": params,
                "multiply_adds": measured,
            }
        )
    stages: dict[str, list[str]] = {}
    for part in parts:
        if part.startswith("stage"):
            stages.setdefault(part.split("_")[0], []).append(part)
    for index, (_stage, blocks) in enumerate(stages.items()):
        rows = [per_part[b] for b in blocks]
        table.append(
            {
                "stage": f"conv{index + 2}",
                "output": _size(rows[-1]["output"]),
                "layers": _block_spec(blocks[0], parts[blocks[0]]),
                "blocks": len(blocks),
                "params": sum(r["params"] for r in rows),
                "multiply_adds": sum(r["multiply_adds"] for r in rows),
            }
        )
    head = parts.get("head", [])
    dense = [layer for layer in head if _kind(layer) == "dense"]
    if dense:
        units = dense[-1].units
        activation = getattr(getattr(dense[-1], "activation", None), "__name__", "")
        softmax = ", softmax" if activation == "softmax" else ""
        spec = f"global average pool, {units}-d fc{softmax}"
        row = per_part["head"]
        table.append(
            {
                "stage": "fc",
                "output": "1×1",
                "layers": spec,
                "blocks": None,
                "params": row["params"],
                "multiply_adds": row["multiply_adds"],
            }
        )
    return table


def count_layer_multiply_adds(layer: Any) -> int:
    """Multiply-adds per image of one convolution or dense layer (0 for other layers), counted
    as :func:`count` does: every kernel weight once per output position.

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((8, 8, 3))
    >>> conv = keras.layers.Conv2D(4, 3, padding="same")
    >>> _ = conv(x)
    >>> count_layer_multiply_adds(conv)  # 3*3*3*4 weights at 8*8 positions
    6912
    """
    kind = _kind(layer)
    kernel = getattr(layer, "kernel", None)
    if (
        kind not in ("conv", "grouped conv", "dense", "depthwise conv")
        or kernel is None
    ):
        return 0
    shape = _output_shape(layer)
    if shape is None or any(n is None for n in shape[:-1]):
        raise ValueError(
            f"layer={layer.name!r} has no static output shape; call it first"
        )
    return int(np.prod(kernel.shape)) * int(np.prod(shape[:-1]))


def conv_arithmetic_intensity(
    in_channels: int,
    out_channels: int,
    groups: int,
    height: int,
    width: int,
    batch: int = 1,
    kernel_size: int = 3,
    bytes_per_value: int = 4,
) -> float:
    """Floating-point operations per byte moved of a stride-1 'same' convolution's forward pass,
    when its input, output and weights each cross the memory bus once (the best case of the
    roofline model): ``2 * multiply_adds / (bytes_per_value * (inputs + outputs + weights))``.

    Grouping divides the multiply-adds and the weights by ``groups`` but not the input and the
    output, so the intensity falls with ``groups``: a layer that waited on arithmetic at
    ``groups=1`` may wait on memory at ``groups=32``.

    Parameters
    ----------
    in_channels, out_channels, groups
        Channels and number of groups (``groups`` divides both channel counts).
    height, width, batch
        The output map and the number of images.
    kernel_size
        Side of the square kernel.
    bytes_per_value
        4 for float32.

    Examples
    --------
    >>> round(conv_arithmetic_intensity(64, 64, 1, 16, 16, batch=8), 1)
    126.2
    >>> round(conv_arithmetic_intensity(64, 64, 32, 16, 16, batch=8), 1)
    4.5
    """
    for name, value in (
        ("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups),
        ("height", height), ("width", width), ("batch", batch), ("kernel_size", kernel_size),
        ("bytes_per_value", bytes_per_value),
    ):  # fmt: skip
        checks.positive_int(name, value)
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
        )
    weights = kernel_size * kernel_size * (in_channels // groups) * out_channels
    positions = batch * height * width
    multiply_adds = weights * positions
    values = positions * in_channels + positions * out_channels + weights
    return 2 * multiply_adds / (bytes_per_value * values)
