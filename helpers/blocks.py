"""The residual blocks of the book, built with the Keras functional API: plain, basic,
bottleneck and ResNeXt blocks (three forms), and the parallel block of chapter 8's online example.

Blocks follow He et al. (2016) and Xie et al. (2017): batch normalization (BN) after every
convolution, ReLU after every BN except the last of the block, which comes after the addition
of the shortcut. With ``preact=True`` the order is the pre-activation one of He et al. (2016,
"Identity mappings"): BN and ReLU come before each convolution and nothing follows the addition.
The shortcut is the identity, or a projection (1x1 convolution with the block's stride, then BN;
without the BN in pre-activation blocks) when the width or the map size changes. Downsampling
blocks put their stride on the 3x3 convolution, as the ResNeXt paper does. Convolutions
followed by BN have no bias (BN's beta is the bias). BN is :class:`FusedBatchNormalization`,
Keras' layer with TensorFlow's fused training kernel (the same function; the book's small
networks train 1.3 to 1.7 times faster with it on a CPU).

Every layer of a block is named ``{name}_{role}``, with the roles

- ``conv1``, ``conv2``, ``conv3``: the block's convolutions in order (``conv2`` is the 3x3 of a
  bottleneck);
- ``bn1``, ``bn2``, ``bn3``: the BN after ``conv1 .. conv3`` (in pre-activation blocks ``bn1``
  and ``bn2`` are the BN before ``conv2`` and ``conv3``);
- ``relu1``, ``relu2``: the ReLUs inside the branch;
- ``preact_bn``, ``preact_relu``: BN and ReLU of the block input (``preact=True`` only);
- ``proj_conv``, ``proj_bn``: the projection shortcut;
- ``add``, ``out``: the addition and the ReLU after it;
- ``path{i}_{role}``: the same roles inside path ``i`` of forms (a) and (b) of a ResNeXt
  block, whose paths are joined by ``sum`` (a) or ``concat`` (b),

so :func:`copy_block_weights` can move weights between the three forms of a ResNeXt block.

Examples
--------
>>> import keras
>>> from helpers import blocks
>>> x = keras.Input((8, 8, 64))
>>> keras.Model(x, blocks.resnext_block(x, 64, cardinality=4, bottleneck_width=4)).output_shape
(None, 8, 8, 64)
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import layers

from helpers import checks
from helpers.grouped import IMPLS, GroupedConv2D

__all__ = [
    "FORMS",
    "FusedBatchNormalization",
    "all_layers",
    "as_model",
    "basic_block",
    "block_name",
    "bn_layer",
    "bottleneck_block",
    "conv_layer",
    "copy_block_weights",
    "from_logits",
    "layer_seed",
    "naive_parallel_block",
    "plain_block",
    "relu_layer",
    "resnext_block",
]

#: The three equivalent forms of a ResNeXt block (Figure 3 of the paper): (a) aggregated
#: residual transformations, (b) early concatenation, (c) grouped convolution.
FORMS: tuple[str, ...] = ("a", "b", "c")


# BN momentum 0.9 as in the paper's Torch code (Keras' default 0.99 adapts too slowly for the
# book's short runs); epsilon 1.001e-5 as in keras.applications' ResNets, the smallest value
# TensorFlow's fused kernel accepts.
_BN_MOMENTUM = 0.9
_BN_EPSILON = 1.001e-5


@keras.saving.register_keras_serializable(package="helpers")
class FusedBatchNormalization(layers.BatchNormalization):
    """``keras.layers.BatchNormalization`` whose training step runs TensorFlow's fused kernel.

    Keras 3 normalizes a batch with separate operations (mean, variance, scale, shift), each a
    pass over the feature map; TensorFlow's fused kernel does it, and its gradient, in one.
    In small networks on a CPU these passes take much of a training step; with the fused
    kernel the book's small networks train 1.3 to 1.7 times faster. Both compute the same
    function, and the moving statistics are updated as Keras does (with the biased batch
    variance). The fused kernel is used for float32 channels-last 4-D inputs in training with
    the TensorFlow backend; everything else (inference, masks, renorm, other backends) runs
    Keras' code.

    Examples
    --------
    >>> import numpy as np
    >>> bn = FusedBatchNormalization()
    >>> y = bn(np.arange(32, dtype="float32").reshape(2, 2, 2, 4), training=True)
    >>> np.round(np.std(np.asarray(y), axis=(0, 1, 2)), 3).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """

    def _fusable(self, inputs: Any, training: Any, mask: Any) -> bool:
        return bool(
            training
            and self.trainable
            and mask is None
            # Keras added `renorm` in 3.14 and `synchronized` in 3.1: read both defensively so
            # that every Keras the package admits (see pyproject.toml) runs this layer.
            and not getattr(self, "renorm", False)
            and not getattr(self, "synchronized", False)
            and keras.backend.backend() == "tensorflow"
            and len(inputs.shape) == 4
            and self.axis in (-1, 3)
            and inputs.dtype == "float32"
            and self.compute_dtype == "float32"
            and self.epsilon >= 1.001e-5  # the kernel raises smaller values to this
        )

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if not self._fusable(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        channels = inputs.shape[-1]
        scale = self.gamma if self.scale else tf.ones((channels,), inputs.dtype)
        offset = self.beta if self.center else tf.zeros((channels,), inputs.dtype)
        outputs, mean, unbiased_variance = tf.compat.v1.nn.fused_batch_norm(
            inputs, scale, offset, epsilon=self.epsilon, is_training=True
        )
        # The kernel returns the unbiased variance; Keras' moving variance uses the biased one.
        count = tf.cast(tf.reduce_prod(tf.shape(inputs)[:-1]), inputs.dtype)
        variance = unbiased_variance * (count - 1.0) / tf.maximum(count, 1.0)
        momentum = tf.cast(self.momentum, inputs.dtype)
        self.moving_mean.assign(self.moving_mean * momentum + mean * (1.0 - momentum))
        self.moving_variance.assign(
            self.moving_variance * momentum + variance * (1.0 - momentum)
        )
        return outputs


# --- validation -------------------------------------------------------------------------------
def block_name(name: str | None, kind: str) -> str:
    if name is None:
        return f"{kind}{keras.backend.get_uid(kind)}"
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got name={name!r}")
    return name


# --- layers with predictable names and seeds --------------------------------------------------
def layer_seed(seed: int | None, layer_name: str) -> int | None:
    """A seed for one layer's initializer: a function of the model seed and the layer name, so
    that it does not depend on the order in which layers are built."""
    if seed is None:
        return None
    return zlib.crc32(f"{seed}/{layer_name}".encode()) & 0x7FFFFFFF


def conv_layer(
    x: Any,
    filters: int,
    kernel_size: int,
    name: str,
    *,
    stride: int = 1,
    groups: int = 1,
    grouped_impl: str | None = None,
    seed: int | None = None,
) -> Any:
    """A bias-free 'same' convolution with He-normal weights; a :class:`GroupedConv2D` when
    ``grouped_impl`` is given (even for one group, so the three block forms keep their types)."""
    init = keras.initializers.HeNormal(seed=layer_seed(seed, name))
    if grouped_impl is not None:
        layer = GroupedConv2D(
            filters,
            kernel_size,
            groups=groups,
            strides=stride,
            padding="same",
            impl=grouped_impl,
            kernel_initializer=init,
            name=name,
        )
    else:
        layer = layers.Conv2D(
            filters,
            kernel_size,
            strides=stride,
            padding="same",
            use_bias=False,
            kernel_initializer=init,
            name=name,
        )
    return layer(x)


def bn_layer(x: Any, name: str, zero_gamma: bool = False) -> Any:
    return FusedBatchNormalization(
        momentum=_BN_MOMENTUM,
        epsilon=_BN_EPSILON,
        gamma_initializer="zeros" if zero_gamma else "ones",
        name=name,
    )(x)


def relu_layer(x: Any, name: str) -> Any:
    return layers.ReLU(name=name)(x)


def _check_block(
    x: Any, out_channels: Any, stride: Any, preact: Any, zero_init_last_bn: Any
) -> tuple[int, int, bool, bool]:
    out_channels = checks.positive_int("out_channels", out_channels)
    stride = checks.positive_int("stride", stride)
    preact = checks.flag("preact", preact)
    zero_init_last_bn = checks.flag("zero_init_last_bn", zero_init_last_bn)
    if preact and zero_init_last_bn:
        raise ValueError(
            "zero_init_last_bn=True needs preact=False: a pre-activation block ends with a "
            "convolution, not a BN"
        )
    if len(x.shape) != 4 or x.shape[-1] is None:
        raise ValueError(
            f"x must be a 4-D channels-last tensor, got shape {tuple(x.shape)}"
        )
    return out_channels, stride, preact, zero_init_last_bn


def _enter(x: Any, preact: bool, name: str) -> Any:
    """The branch input: ``x`` itself, or BN-ReLU of it for a pre-activation block."""
    if not preact:
        return x
    return relu_layer(bn_layer(x, f"{name}_preact_bn"), f"{name}_preact_relu")


def _shortcut(
    x: Any,
    entered: Any,
    out_channels: int,
    stride: int,
    preact: bool,
    name: str,
    seed: int | None,
) -> Any:
    if x.shape[-1] == out_channels and stride == 1:
        return x
    # He et al. (2016b) project the pre-activated input and leave the BN to the next block.
    projected = conv_layer(
        entered if preact else x,
        out_channels,
        1,
        f"{name}_proj_conv",
        stride=stride,
        seed=seed,
    )
    return projected if preact else bn_layer(projected, f"{name}_proj_bn")


def _close(
    x: Any,
    entered: Any,
    branch: Any,
    out_channels: int,
    stride: int,
    preact: bool,
    name: str,
    seed: int | None,
) -> Any:
    """Add the shortcut to the branch output and apply the final ReLU (not in preact blocks)."""
    shortcut = _shortcut(x, entered, out_channels, stride, preact, name, seed)
    y = layers.Add(name=f"{name}_add")([shortcut, branch])
    return y if preact else relu_layer(y, f"{name}_out")


def _conv_bn(
    x: Any,
    filters: int,
    kernel_size: int,
    index: int,
    name: str,
    *,
    last: bool,
    preact: bool,
    zero_gamma: bool = False,
    **conv_kwargs: Any,
) -> Any:
    """Convolution number ``index`` of a branch with its BN/ReLU in the block's order.

    Post-activation: conv -> BN -> ReLU, no ReLU after the last. Pre-activation: the input was
    activated already, so conv, then BN -> ReLU unless it is the last convolution.
    """
    y = conv_layer(x, filters, kernel_size, f"{name}_conv{index}", **conv_kwargs)
    if preact:
        if last:
            return y
        return relu_layer(bn_layer(y, f"{name}_bn{index}"), f"{name}_relu{index}")
    y = bn_layer(y, f"{name}_bn{index}", zero_gamma=zero_gamma and last)
    return y if last else relu_layer(y, f"{name}_relu{index}")


def _two_3x3(
    x: Any,
    out_channels: Any,
    stride: Any,
    preact: Any,
    zero_init_last_bn: Any,
    seed: Any,
    name: str | None,
    kind: str,
) -> tuple[Any, Any, tuple[int, int, bool, str, int | None]]:
    """The branch of plain and basic blocks, after checking their arguments: two 3x3
    convolutions. Returns the entered input, the branch output and the checked
    ``(out_channels, stride, preact, name, seed)``."""
    out_channels, stride, preact, zero_init_last_bn = _check_block(
        x, out_channels, stride, preact, zero_init_last_bn
    )
    name, seed = block_name(name, kind), checks.seed("seed", seed, allow_none=True)
    entered = _enter(x, preact, name)
    y = _conv_bn(entered, out_channels, 3, 1, name, last=False, preact=preact,
                 stride=stride, seed=seed)  # fmt: skip
    y = _conv_bn(y, out_channels, 3, 2, name, last=True, preact=preact,
                 zero_gamma=zero_init_last_bn, seed=seed)  # fmt: skip
    return entered, y, (out_channels, stride, preact, name, seed)


# --- blocks -----------------------------------------------------------------------------------
def plain_block(
    x: Any,
    out_channels: int,
    stride: int = 1,
    *,
    preact: bool = False,
    zero_init_last_bn: bool = False,
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """Two 3x3 convolutions and no shortcut: the "plain" block of He et al. (2016).

    Parameters
    ----------
    x
        A 4-D channels-last Keras tensor.
    out_channels
        Output channels of both convolutions.
    stride
        Stride of the first convolution (2 halves the map).
    preact
        Pre-activation order (BN-ReLU before each convolution).
    zero_init_last_bn
        Start the last BN's scale (gamma) at zero.
    seed
        Seed of the weight initializers (``None``: Keras' global random state).
    name
        Prefix of the layer names (default: a fresh ``plainN``).

    Examples
    --------
    >>> import keras
    >>> y = plain_block(keras.Input((8, 8, 16)), 32, stride=2, name="p")
    >>> tuple(y.shape)
    (None, 4, 4, 32)
    """
    _, y, (_, _, preact, name, _) = _two_3x3(
        x, out_channels, stride, preact, zero_init_last_bn, seed, name, "plain"
    )
    return y if preact else relu_layer(y, f"{name}_out")


def basic_block(
    x: Any,
    out_channels: int,
    stride: int = 1,
    *,
    preact: bool = False,
    zero_init_last_bn: bool = False,
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """Two 3x3 convolutions plus a shortcut: the basic residual block of ResNet-18/34.

    Parameters are those of :func:`plain_block`; ``zero_init_last_bn=True`` makes the block
    start as the identity (or as its projection shortcut).

    Examples
    --------
    >>> import keras
    >>> y = basic_block(keras.Input((8, 8, 16)), 16, name="b")
    >>> tuple(y.shape)
    (None, 8, 8, 16)
    """
    entered, y, checked = _two_3x3(
        x, out_channels, stride, preact, zero_init_last_bn, seed, name, "basic"
    )
    return _close(x, entered, y, *checked)


def bottleneck_block(
    x: Any,
    out_channels: int,
    bottleneck_width: int,
    stride: int = 1,
    *,
    preact: bool = False,
    zero_init_last_bn: bool = False,
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """1x1 reduce to ``bottleneck_width``, 3x3, 1x1 expand to ``out_channels``, plus shortcut.

    Parameters
    ----------
    bottleneck_width
        Channels of the 1x1-reduced map and of the 3x3 convolution (64 in ResNet-50's first
        stage, where ``out_channels`` is 256).

    The other parameters are those of :func:`plain_block`.

    Examples
    --------
    >>> import keras
    >>> y = bottleneck_block(keras.Input((8, 8, 64)), 256, 64, name="r")
    >>> tuple(y.shape)
    (None, 8, 8, 256)
    """
    out_channels, stride, preact, zero_init_last_bn = _check_block(
        x, out_channels, stride, preact, zero_init_last_bn
    )
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    name, seed = (
        block_name(name, "bottleneck"),
        checks.seed("seed", seed, allow_none=True),
    )
    entered = _enter(x, preact, name)
    common = {"preact": preact, "seed": seed}
    y = _conv_bn(entered, bottleneck_width, 1, 1, name, last=False, **common)
    y = _conv_bn(y, bottleneck_width, 3, 2, name, last=False, stride=stride, **common)
    y = _conv_bn(
        y, out_channels, 1, 3, name, last=True, zero_gamma=zero_init_last_bn, **common
    )
    return _close(x, entered, y, out_channels, stride, preact, name, seed)


def resnext_block(
    x: Any,
    out_channels: int,
    cardinality: int,
    bottleneck_width: int,
    stride: int = 1,
    form: str = "c",
    *,
    preact: bool = False,
    zero_init_last_bn: bool = False,
    grouped_impl: str = "auto",
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """A ResNeXt block: ``cardinality`` bottleneck paths of width ``bottleneck_width``.

    The three forms of the paper's Figure 3 compute the same function (once weights are copied
    with :func:`copy_block_weights`):

    - ``"a"``: ``C`` separate paths 1x1 (``d``) -> 3x3 (``d``) -> 1x1 (``out_channels``),
      summed, then one BN (a sum of per-path BNs would not be one BN of the sum);
    - ``"b"``: ``C`` paths 1x1 (``d``) -> 3x3 (``d``), concatenated, then one 1x1;
    - ``"c"``: 1x1 (``C*d``) -> grouped 3x3 (``groups=C``) -> 1x1, the form used for training.

    Parameters
    ----------
    x
        A 4-D channels-last Keras tensor.
    out_channels
        Output channels of the block (256 in the first stage of ResNeXt-50).
    cardinality
        ``C``, the number of paths (groups).
    bottleneck_width
        ``d``, the channels of each path; the grouped convolution is ``C*d`` wide.
    stride
        Stride of the 3x3 convolution(s) and the projection.
    form
        ``"a"``, ``"b"`` or ``"c"`` (above).
    grouped_impl
        How form (c) computes its grouped convolution: a name from
        :data:`helpers.grouped.IMPLS`.
    preact, zero_init_last_bn, seed, name
        As in :func:`plain_block`.

    Examples
    --------
    >>> import keras
    >>> y = resnext_block(keras.Input((8, 8, 64)), 256, cardinality=32, bottleneck_width=4)
    >>> tuple(y.shape)
    (None, 8, 8, 256)
    """
    out_channels, stride, preact, zero_init_last_bn = _check_block(
        x, out_channels, stride, preact, zero_init_last_bn
    )
    cardinality = checks.positive_int("cardinality", cardinality)
    bottleneck_width = checks.positive_int("bottleneck_width", bottleneck_width)
    form = checks.choice("form", form, FORMS)
    grouped_impl = checks.choice("grouped_impl", grouped_impl, IMPLS)
    name, seed = (
        block_name(name, "resnext"),
        checks.seed("seed", seed, allow_none=True),
    )
    group_width = cardinality * bottleneck_width
    entered = _enter(x, preact, name)
    common = {"preact": preact, "seed": seed}
    last_kwargs = {"last": True, "zero_gamma": zero_init_last_bn, **common}

    if form == "c":
        y = _conv_bn(entered, group_width, 1, 1, name, last=False, **common)
        y = _conv_bn(
            y, group_width, 3, 2, name, last=False, stride=stride, groups=cardinality,
            grouped_impl=grouped_impl, **common,
        )  # fmt: skip
        y = _conv_bn(y, out_channels, 1, 3, name, **last_kwargs)
        return _close(x, entered, y, out_channels, stride, preact, name, seed)

    paths = []
    for i in range(cardinality):
        path = f"{name}_path{i}"
        y = _conv_bn(entered, bottleneck_width, 1, 1, path, last=False, **common)
        y = _conv_bn(
            y, bottleneck_width, 3, 2, path, last=False, stride=stride, **common
        )
        if form == "a":  # each path ends with its own 1x1; BN comes after the sum
            y = conv_layer(y, out_channels, 1, f"{path}_conv3", seed=seed)
        paths.append(y)
    if form == "a":
        y = layers.Add(name=f"{name}_sum")(paths) if cardinality > 1 else paths[0]
        if not preact:
            y = bn_layer(y, f"{name}_bn3", zero_gamma=zero_init_last_bn)
    else:
        y = (
            layers.Concatenate(name=f"{name}_concat")(paths)
            if cardinality > 1
            else paths[0]
        )
        y = _conv_bn(y, out_channels, 1, 3, name, **last_kwargs)
    return _close(x, entered, y, out_channels, stride, preact, name, seed)


# --- copying weights between the forms --------------------------------------------------------
_PATH_LAYER = re.compile(
    r"^(?P<block>.+)_path(?P<index>\d+)_(?P<role>conv[123]|bn[12])$"
)


def copy_block_weights(source: keras.Model, target: keras.Model) -> int:
    """Copy the weights of ``source`` into ``target`` where the layer names correspond.

    A target layer takes the weights of the source layer of the same name; a layer
    ``{block}_path{i}_{role}`` of a form (a) or (b) ResNeXt block takes the slice of the
    form (c) layer ``{block}_{role}`` that belongs to path ``i``: output channels
    ``i*d .. (i+1)*d`` of ``conv1``, ``bn1``, ``conv2`` (its grouped kernel already holds
    each group's input channels) and ``bn2``, and input channels ``i*d .. (i+1)*d`` of
    ``conv3``. Copying the form (c) block into a form (a) or (b) block therefore makes the
    two compute the same function.

    Parameters
    ----------
    source, target
        Models built from the same blocks with the same names (e.g. the same
        ``build_model`` config with ``form="c"`` and ``form="a"``).

    Returns
    -------
    int
        The number of target layers whose weights were set.

    Raises
    ------
    ValueError
        If a target layer with weights has no counterpart in ``source`` or shapes disagree.

    Examples
    --------
    >>> import keras
    >>> def one_block(form):
    ...     x = keras.Input((8, 8, 16))
    ...     return keras.Model(x, resnext_block(x, 16, 4, 2, form=form, name="blk"))
    >>> copy_block_weights(one_block("c"), one_block("a"))  # 4 paths x 5 layers + bn3
    21
    """
    by_name = {layer.name: layer for layer in all_layers(source)}
    copied = 0
    for layer in all_layers(target):
        if not layer.weights:
            continue
        src = by_name.get(layer.name)
        if src is not None and [w.shape for w in src.weights] == [
            w.shape for w in layer.weights
        ]:
            layer.set_weights(src.get_weights())
            copied += 1
            continue
        match = _PATH_LAYER.match(layer.name)
        src = by_name.get(f"{match['block']}_{match['role']}") if match else None
        if src is None:
            raise ValueError(
                f"target layer {layer.name!r} has no layer of the same name and weight shapes, "
                f"nor a form (c) layer to slice, in source model {source.name!r}"
            )
        index, role = int(match["index"]), match["role"]
        sliced = []
        for src_w, dst_w in zip(src.get_weights(), layer.get_weights(), strict=True):
            axis = -2 if role == "conv3" else -1  # conv3 takes a slice of its inputs
            size = dst_w.shape[axis]
            sliced.append(
                np.take(src_w, range(index * size, (index + 1) * size), axis=axis)
            )
        if [w.shape for w in sliced] != [w.shape for w in layer.get_weights()]:
            raise ValueError(
                f"cannot copy {src.name!r} into {layer.name!r}: shapes "
                f"{[w.shape for w in sliced]} and {[w.shape for w in layer.get_weights()]}"
            )
        layer.set_weights(sliced)
        copied += 1
    return copied


def as_model(
    block: Any, input_shape: Sequence[int], *args: Any, **kwargs: Any
) -> keras.Model:
    """One block as a Keras model on inputs of ``input_shape`` (to count, run or time it):
    ``block(inputs, *args, **kwargs)`` is its output.

    Examples
    --------
    >>> model = as_model(basic_block, (8, 8, 16), 16, name="b", seed=0)
    >>> model.output_shape
    (None, 8, 8, 16)
    """
    inputs = keras.Input(tuple(input_shape))
    return keras.Model(inputs, block(inputs, *args, **kwargs))


def all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers of a model, those of nested models (blocks built as models) included."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(all_layers(layer))
        else:
            found.append(layer)
    return found


def from_logits(model: keras.Model) -> bool:
    """False when the model ends in a softmax (it outputs probabilities), True for logits."""
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    return not (last.__class__.__name__ == "Softmax" or name == "softmax")


# --- the pattern of a common online example (chapter 8) --------------------------------------
def naive_parallel_block(
    x: Any,
    branches: int = 8,
    filters: int = 64,
    *,
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """The "ResNeXt block" of a common online example, which is not a ResNeXt block.

    ``branches`` parallel 3x3 convolutions, each with ``filters`` outputs, a bias and a ReLU,
    all reading the whole input; their sum goes through a 1x1 convolution (``{name}_conv``),
    a 1x1 "shortcut" convolution (``{name}_shortcut``) of that result is added to it, and a
    ReLU follows. No batch normalization. Compared with :func:`resnext_block` it has neither
    a bottleneck (every branch is as wide as the block) nor grouping (every branch sees every
    input channel), so it costs ``branches`` times a plain 3x3 layer; and its "shortcut"
    starts after the 1x1 convolution, so nothing carries the block input past the branches.

    Parameters
    ----------
    x
        A 4-D channels-last Keras tensor.
    branches
        Number of parallel full-width 3x3 convolutions (8 in the example).
    filters
        Output channels of every convolution (64 in the example).
    seed
        Seed of the weight initializers (``None``: Keras' global random state).
    name
        Prefix of the layer names (default: a fresh ``naiveN``); the branches are
        ``{name}_branch{i}``.

    Examples
    --------
    >>> import keras
    >>> y = naive_parallel_block(keras.Input((8, 8, 3)), branches=2, filters=4, name="n")
    >>> tuple(y.shape)
    (None, 8, 8, 4)
    """
    branches = checks.positive_int("branches", branches)
    filters = checks.positive_int("filters", filters)
    if len(x.shape) != 4 or x.shape[-1] is None:
        raise ValueError(
            f"x must be a 4-D channels-last tensor, got shape {tuple(x.shape)}"
        )
    name, seed = block_name(name, "naive"), checks.seed("seed", seed, allow_none=True)

    def conv(
        tensor: Any, kernel_size: int, layer_name: str, activation: str | None
    ) -> Any:
        init = keras.initializers.GlorotUniform(seed=layer_seed(seed, layer_name))
        return layers.Conv2D(
            filters, kernel_size, padding="same", activation=activation,
            kernel_initializer=init, name=layer_name,
        )(tensor)  # fmt: skip

    outputs = [conv(x, 3, f"{name}_branch{i}", "relu") for i in range(branches)]
    y = layers.Add(name=f"{name}_sum")(outputs) if branches > 1 else outputs[0]
    y = conv(y, 1, f"{name}_conv", None)
    shortcut = conv(y, 1, f"{name}_shortcut", None)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.ReLU(name=f"{name}_out")(y)
