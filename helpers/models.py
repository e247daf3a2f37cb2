"""The networks of the book, built from the blocks of :mod:`helpers.blocks`: the small CIFAR-style
networks of the chapters (:func:`build_model`, whose keywords are the run's model config),
ResNeXt-29 and the ImageNet ResNet-50 and ResNeXt-50 of the paper's Table 1, and chapter 8's
online example (:func:`toy_online_model`).

Every layer of a block is named ``stage{s}_block{b}_{role}`` (the roles are listed in
:mod:`helpers.blocks`); the stem is ``stem_*``, the classifier ``pool`` and ``classifier``.
The blocks are re-exported here (``models.resnext_block`` is ``blocks.resnext_block``).

Examples
--------
>>> from helpers import models
>>> model = models.build_model(block="resnext", cardinality=4, bottleneck_width=4)
>>> model.output_shape
(None, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from helpers import checks, defaults
from helpers.blocks import (
    FORMS,
    FusedBatchNormalization,
    all_layers,
    basic_block,
    bn_layer,
    bottleneck_block,
    conv_layer,
    copy_block_weights,
    from_logits,
    layer_seed,
    naive_parallel_block,
    plain_block,
    relu_layer,
    resnext_block,
)
from helpers.grouped import IMPLS

__all__ = [
    "BLOCK_KINDS",
    "DEFAULT_CONFIG",
    "FORMS",
    "FusedBatchNormalization",
    "all_layers",
    "basic_block",
    "block_kinds",
    "bottleneck_block",
    "build_model",
    "copy_block_weights",
    "from_logits",
    "naive_parallel_block",
    "plain_block",
    "resnet50",
    "resnext29",
    "resnext50",
    "resnext50_32x4d",
    "resnext_block",
    "toy_online_model",
]

#: Valid values of ``block`` in :func:`build_model`.
BLOCK_KINDS: tuple[str, ...] = ("plain", "basic", "bottleneck", "resnext")

#: The model config: the keyword arguments of :func:`build_model` and their defaults.
DEFAULT_CONFIG: dict[str, Any] = defaults.BUILD_MODEL


def block_kinds() -> tuple[str, ...]:
    """Return the valid block names of :func:`build_model`.

    Examples
    --------
    >>> block_kinds()
    ('plain', 'basic', 'bottleneck', 'resnext')
    """
    return BLOCK_KINDS


# --- networks ---------------------------------------------------------------------------------
def _stack(
    x: Any,
    block: str,
    stages: Sequence[int],
    out_widths: Sequence[int],
    bottleneck_widths: Sequence[int],
    cardinality: int,
    *,
    preact: bool,
    zero_init_last_bn: bool,
    form: str,
    grouped_impl: str,
    seed: int | None,
) -> Any:
    """Stages of blocks; the first block of every stage after the first has stride 2."""
    for s, (count, out_width, bottleneck_width) in enumerate(
        zip(stages, out_widths, bottleneck_widths, strict=True)
    ):
        for b in range(count):
            kwargs = {
                "stride": 2 if (s > 0 and b == 0) else 1,
                "preact": preact,
                "zero_init_last_bn": zero_init_last_bn,
                "seed": seed,
                "name": f"stage{s + 1}_block{b + 1}",
            }
            if block == "plain":
                x = plain_block(x, out_width, **kwargs)
            elif block == "basic":
                x = basic_block(x, out_width, **kwargs)
            elif block == "bottleneck":
                x = bottleneck_block(x, out_width, bottleneck_width, **kwargs)
            else:
                x = resnext_block(
                    x, out_width, cardinality, bottleneck_width, form=form,
                    grouped_impl=grouped_impl, **kwargs,
                )  # fmt: skip
    return x


def _head(x: Any, num_classes: int, preact: bool, seed: int | None) -> Any:
    if preact:  # pre-activation blocks leave their output un-normalized
        x = relu_layer(bn_layer(x, "final_bn"), "final_relu")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    init = keras.initializers.GlorotUniform(seed=layer_seed(seed, "classifier"))
    return layers.Dense(
        num_classes, activation="softmax", kernel_initializer=init, name="classifier"
    )(x)


def build_model(
    *,
    block: str = "resnext",
    stages: Sequence[int] = (1, 1, 1),
    stem_width: int = 16,
    width: int = 64,
    cardinality: int = 4,
    bottleneck_width: int = 4,
    num_classes: int = 10,
    input_shape: Sequence[int] = (32, 32, 3),
    preact: bool = False,
    grouped_impl: str = "auto",
    form: str = "c",
    zero_init_last_bn: bool = False,
    seed: int | None = None,
) -> keras.Model:
    """Build the book's small configurable network (the model config of the contract).

    3x3 stem convolution (``stem_width``) + BN + ReLU, then ``len(stages)`` stages of blocks,
    global average pooling and a softmax classifier. Stage ``i`` (from 0) has blocks with
    ``width * 2**i`` output channels; every stage after the first starts with a stride-2 block.

    Parameters
    ----------
    block
        ``"plain"``, ``"basic"``, ``"bottleneck"`` or ``"resnext"`` (:data:`BLOCK_KINDS`).
    stages
        Blocks per stage, e.g. ``[1, 1, 1]``.
    stem_width, width
        Channels of the stem, and output channels of the first stage's blocks.
    cardinality
        ``C`` of ResNeXt blocks (ignored by the other blocks).
    bottleneck_width
        ``d`` of ResNeXt blocks (channels per path), or the bottleneck channels of
        ``"bottleneck"`` blocks, in the first stage; doubles with every stage.
    num_classes, input_shape
        Classifier outputs, and the ``(height, width, channels)`` of the images.
    preact
        Pre-activation blocks (then the stem is a bare convolution and a BN-ReLU precedes the
        pooling, as in He et al. 2016b).
    grouped_impl
        Implementation of the grouped convolutions (:data:`helpers.grouped.IMPLS`).
    form
        Form of the ResNeXt blocks, ``"a"``, ``"b"`` or ``"c"`` (see :func:`resnext_block`).
    zero_init_last_bn
        Start the last BN of every residual branch at zero, so each block starts as identity.
    seed
        Seed of the weight initializers; ``None`` uses Keras' global random state (set it with
        ``keras.utils.set_random_seed``).

    Raises
    ------
    ValueError
        For an unknown name or a non-positive size, naming the parameter and the value.

    Examples
    --------
    >>> model = build_model(block="bottleneck", stages=[1, 1], bottleneck_width=16, seed=0)
    >>> model.output_shape
    (None, 10)
    """
    block = checks.choice("block", block, BLOCK_KINDS)
    stages = checks.positive_ints("stages", stages)
    stem_width = checks.positive_int("stem_width", stem_width)
    width = checks.positive_int("width", width)
    cardinality = checks.positive_int("cardinality", cardinality)
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    num_classes = checks.positive_int("num_classes", num_classes)
    input_shape = checks.positive_ints("input_shape", input_shape, length=3)
    preact = checks.flag("preact", preact)
    grouped_impl = checks.choice("grouped_impl", grouped_impl, IMPLS)
    form = checks.choice("form", form, FORMS)
    zero_init_last_bn = checks.flag("zero_init_last_bn", zero_init_last_bn)
    if preact and zero_init_last_bn:
        raise ValueError(
            "zero_init_last_bn=True needs preact=False: a pre-activation block ends with a "
            "convolution, not a BN"
        )
    seed = checks.seed("seed", seed, allow_none=True)

    inputs = keras.Input(tuple(input_shape), name="images")
    x = conv_layer(inputs, stem_width, 3, "stem_conv", seed=seed)
    if not preact:
        x = relu_layer(bn_layer(x, "stem_bn"), "stem_relu")
    n = len(stages)
    x = _stack(
        x, block, stages, [width * 2**i for i in range(n)],
        [bottleneck_width * 2**i for i in range(n)], cardinality, preact=preact,
        zero_init_last_bn=zero_init_last_bn, form=form, grouped_impl=grouped_impl, seed=seed,
    )  # fmt: skip
    outputs = _head(x, num_classes, preact, seed)
    label = f"{cardinality}x{bottleneck_width}d" if block == "resnext" else ""
    return keras.Model(
        inputs, outputs, name=f"{block}{label}_{'-'.join(map(str, stages))}"
    )


def resnext29(
    cardinality: int,
    bottleneck_width: int,
    num_classes: int = 10,
    *,
    form: str = "c",
    grouped_impl: str = "auto",
    seed: int | None = None,
) -> keras.Model:
    """ResNeXt-29 for 32x32 images, as in the paper's CIFAR experiments (Section 5.3).

    A 3x3 stem convolution with 64 channels, then 3 stages of 3 ResNeXt blocks with 256, 512
    and 1024 output channels; ``bottleneck_width`` doubles with each stage. 29 = 3 * 3 * 3
    weighted layers + stem + classifier. Table 7 lists 34.4M parameters for ``8x64d`` and
    68.1M for ``16x64d``.

    Examples
    --------
    >>> from helpers import complexity
    >>> round(complexity.count(resnext29(8, 64)).params / 1e6, 1)
    34.4
    """
    cardinality = checks.positive_int("cardinality", cardinality)
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    num_classes = checks.positive_int("num_classes", num_classes)
    form = checks.choice("form", form, FORMS)
    grouped_impl = checks.choice("grouped_impl", grouped_impl, IMPLS)
    seed = checks.seed("seed", seed, allow_none=True)
    inputs = keras.Input((32, 32, 3), name="images")
    x = conv_layer(inputs, 64, 3, "stem_conv", seed=seed)
    x = relu_layer(bn_layer(x, "stem_bn"), "stem_relu")
    x = _stack(
        x, "resnext", [3, 3, 3], [256, 512, 1024],
        [bottleneck_width * 2**i for i in range(3)], cardinality, preact=False,
        zero_init_last_bn=False, form=form, grouped_impl=grouped_impl, seed=seed,
    )  # fmt: skip
    outputs = _head(x, num_classes, False, seed)
    return keras.Model(
        inputs, outputs, name=f"resnext29_{cardinality}x{bottleneck_width}d"
    )


def _imagenet50(
    block: str,
    cardinality: int,
    bottleneck_width: int,
    num_classes: int,
    form: str,
    grouped_impl: str,
    seed: int | None,
    name: str,
) -> keras.Model:
    """The 50-layer ImageNet architecture of Table 1: a 7x7/2 stem and a 3x3/2 max pool, then
    stages of 3, 4, 6, 3 bottleneck blocks with 256 to 2048 output channels, for 224x224."""
    num_classes = checks.positive_int("num_classes", num_classes)
    form = checks.choice("form", form, FORMS)
    grouped_impl = checks.choice("grouped_impl", grouped_impl, IMPLS)
    seed = checks.seed("seed", seed, allow_none=True)
    inputs = keras.Input((224, 224, 3), name="images")
    x = conv_layer(inputs, 64, 7, "stem_conv", stride=2, seed=seed)
    x = relu_layer(bn_layer(x, "stem_bn"), "stem_relu")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    x = _stack(
        x, block, [3, 4, 6, 3], [256, 512, 1024, 2048],
        [bottleneck_width * 2**i for i in range(4)], cardinality, preact=False,
        zero_init_last_bn=False, form=form, grouped_impl=grouped_impl, seed=seed,
    )  # fmt: skip
    return keras.Model(inputs, _head(x, num_classes, False, seed), name=name)


def resnet50(num_classes: int = 1000, *, seed: int | None = None) -> keras.Model:
    """ResNet-50 as compared in the paper's Table 1 (stride on the 3x3 convolutions).

    Examples
    --------
    >>> model = resnet50()  # doctest: +SKIP
    >>> model.output_shape  # doctest: +SKIP
    (None, 1000)
    """
    return _imagenet50("bottleneck", 1, 64, num_classes, "c", "auto", seed, "resnet50")


def resnext50(
    cardinality: int = 32,
    bottleneck_width: int = 4,
    num_classes: int = 1000,
    *,
    form: str = "c",
    grouped_impl: str = "auto",
    seed: int | None = None,
) -> keras.Model:
    """ResNeXt-50 (``C`` x ``d``d) for 224x224 images, e.g. the variants of Table 3.

    Examples
    --------
    >>> model = resnext50(2, 40)  # doctest: +SKIP
    >>> model.name  # doctest: +SKIP
    'resnext50_2x40d'
    """
    cardinality = checks.positive_int("cardinality", cardinality)
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    name = f"resnext50_{cardinality}x{bottleneck_width}d"
    return _imagenet50(
        "resnext",
        cardinality,
        bottleneck_width,
        num_classes,
        form,
        grouped_impl,
        seed,
        name,
    )


def resnext50_32x4d(
    num_classes: int = 1000, *, grouped_impl: str = "auto", seed: int | None = None
) -> keras.Model:
    """ResNeXt-50 (32x4d) of the paper's Table 1.

    Examples
    --------
    >>> model = resnext50_32x4d()  # doctest: +SKIP
    >>> model.output_shape  # doctest: +SKIP
    (None, 1000)
    """
    return resnext50(32, 4, num_classes, grouped_impl=grouped_impl, seed=seed)


def toy_online_model(
    branches: int = 8,
    filters: int = 64,
    *,
    stem: bool = True,
    num_classes: int = 10,
    input_shape: Sequence[int] = (32, 32, 3),
    seed: int | None = None,
) -> keras.Model:
    """The whole model of the online example: one :func:`naive_parallel_block`, global average
    pooling and a softmax classifier.

    Parameters
    ----------
    branches, filters
        Of the block (8 and 64 in the example).
    stem
        Put a 3x3 convolution with ``filters`` outputs and a ReLU (``stem_conv``) before the
        block, so that the branches see ``filters`` channels (the cost of the example); with
        ``False`` they read the image itself.
    num_classes, input_shape
        Classifier outputs and ``(height, width, channels)`` of the images.
    seed
        Seed of the weight initializers.

    Examples
    --------
    >>> model = toy_online_model(branches=2, filters=8, seed=0)
    >>> model.output_shape, model.name
    ((None, 10), 'toy_online_2x8')
    """
    branches = checks.positive_int("branches", branches)
    filters = checks.positive_int("filters", filters)
    stem = checks.flag("stem", stem)
    num_classes = checks.positive_int("num_classes", num_classes)
    input_shape = checks.positive_ints("input_shape", input_shape, length=3)
    seed = checks.seed("seed", seed, allow_none=True)
    inputs = keras.Input(tuple(input_shape), name="images")
    x = inputs
    if stem:
        init = keras.initializers.GlorotUniform(seed=layer_seed(seed, "stem_conv"))
        x = layers.Conv2D(
            filters, 3, padding="same", activation="relu", kernel_initializer=init,
            name="stem_conv",
        )(x)  # fmt: skip
    x = naive_parallel_block(x, branches, filters, seed=seed, name="block")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    init = keras.initializers.GlorotUniform(seed=layer_seed(seed, "classifier"))
    outputs = layers.Dense(
        num_classes, activation="softmax", kernel_initializer=init, name="classifier"
    )(x)
    return keras.Model(inputs, outputs, name=f"toy_online_{branches}x{filters}")
