"""Grouped convolution with a choice of exact implementations.

A grouped convolution with ``groups=C`` splits the input channels into ``C`` equal groups and
convolves each group with its own filters; output group ``g`` only sees input group ``g``.
:class:`GroupedConv2D` computes exactly what ``keras.layers.Conv2D(..., groups=C)`` computes and
stores its kernel in the same variable shape ``(kh, kw, in_channels // C, filters)``, so weights
can be copied between the two with ``get_weights``/``set_weights``.

Why a layer of our own: with the TensorFlow backend, Keras routes every grouped convolution
through an XLA-compiled function, because TensorFlow's CPU kernels once had no grouped
gradients. On a CPU that path is one to two orders of magnitude slower than a dense convolution
with ``C`` times the arithmetic (a training step of a 3x3 convolution 128->128 on a 32x16x16
batch, two cores: 21 ms dense, 260 ms with 2 groups, over 1 s with 16; see
``benchmarks/bench_models.py``). The implementations here compute the same function by other
routes (the same step: 12 ms with 2 groups and 5 ms with 32 for ``"direct"``, 14 and 14 ms for
``"split"``, 25 and 35 ms for ``"batched"``, 22 ms at any C for ``"dense"``):

``"native"``
    ``keras.ops.conv`` with the grouped kernel: what ``keras.layers.Conv2D(groups=C)`` runs.
``"direct"``
    TensorFlow's ``tf.nn.conv2d`` with the grouped kernel, without the XLA detour. Needs the
    TensorFlow backend; on a CPU it needs the oneDNN kernels (TensorFlow's default on x86-64),
    checked once by a small probe.
``"split"``
    one convolution per group, then concatenation of the ``C`` outputs.
``"batched"``
    ``kh * kw`` shifted slices of the input, then one batched matrix product over groups.
``"dense"``
    one dense convolution with a block-diagonal kernel built from the grouped kernel
    (``C`` times the multiply-adds, but the fastest dense kernel).
``"auto"``
    the fastest exact one on this device (see :func:`resolve_impl`).

The implementation that ``"auto"`` means can be overridden for a whole session with
:func:`set_default_impl` or the environment variable ``RESNEXT_GROUPED_IMPL``.

Examples
--------
>>> import numpy as np, keras
>>> from helpers.grouped import GroupedConv2D
>>> x = np.random.default_rng(0).normal(size=(2, 8, 8, 16)).astype("float32")
>>> ours = GroupedConv2D(32, 3, groups=4, impl="split")
>>> ref = keras.layers.Conv2D(32, 3, padding="same", groups=4, use_bias=False)
>>> _ = ours(x), ref(x)
>>> ours.set_weights(ref.get_weights())
>>> bool(np.allclose(ours(x), ref(x), atol=1e-5))
True
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from helpers import checks

#: Exact implementations :class:`GroupedConv2D` can run, plus ``"auto"``.
IMPLS: tuple[str, ...] = ("auto", "native", "direct", "split", "batched", "dense")

#: Environment variable that overrides what ``"auto"`` means (any name in :data:`IMPLS`).
ENV_VAR = "RESNEXT_GROUPED_IMPL"
#: Its former name, still read (with a ``DeprecationWarning``) until the next release.
OLD_ENV_VAR = "HELPERS_GROUPED_IMPL"

# Above this many groups the per-group convolutions of "split" cost more than the dense
# block-diagonal convolution (measured on a 2-core x86 CPU with TensorFlow 2.21, no oneDNN).
_SPLIT_MAX_GROUPS = 32

_default_impl: str | None = None
_direct_ok: bool | None = None


def set_default_impl(impl: str | None) -> None:
    """Make ``"auto"`` mean ``impl`` for every layer built afterwards in this session.

    Parameters
    ----------
    impl
        A name from :data:`IMPLS`; ``None`` or ``"auto"`` restores the per-device choice.
        It takes precedence over the environment variable ``RESNEXT_GROUPED_IMPL``.

    Examples
    --------
    >>> set_default_impl("split")
    >>> resolve_impl(groups=8, in_channels=64)
    'split'
    >>> set_default_impl(None)
    """
    global _default_impl
    if impl is not None:
        checks.choice("impl", impl, IMPLS)
    _default_impl = None if impl in (None, "auto") else impl


def get_default_impl() -> str:
    """Return what ``"auto"`` is overridden to (``set_default_impl``, then the env var), or
    ``"auto"`` when nothing overrides it.

    Examples
    --------
    >>> get_default_impl() in IMPLS
    True
    """
    if _default_impl is not None:
        return _default_impl
    for name in (ENV_VAR, OLD_ENV_VAR):
        from_env = os.environ.get(name, "").strip()
        if from_env:
            if name == OLD_ENV_VAR:
                warnings.warn(
                    f"{OLD_ENV_VAR} is deprecated: set {ENV_VAR} instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
            return checks.choice(name, from_env, IMPLS)
    return "auto"


def on_gpu() -> bool:
    """True when TensorFlow sees a GPU (where Keras' native grouped convolution is fast)."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


def direct_available() -> bool:
    """Return True when ``impl="direct"`` works here: TensorFlow computes grouped convolutions
    and their gradients itself (on a GPU; on a CPU only with its oneDNN kernels).

    The answer comes from a probe (a 1x4x4x4 convolution with 2 groups and its gradients,
    compared with per-group convolutions), run once per session.

    Examples
    --------
    >>> isinstance(direct_available(), bool)
    True
    """
    global _direct_ok
    if _direct_ok is None:
        _direct_ok = _probe_direct()
    return _direct_ok


def _probe_direct() -> bool:
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    def conv_and_gradients(x: Any, k: Any, dy: Any) -> list[Any]:
        # The three ops TensorFlow runs for a convolution in training (its gradient function
        # calls the two backprop ops); without oneDNN the CPU refuses grouped backprops.
        strides = [1, 1, 1, 1]
        return [
            tf.raw_ops.Conv2D(input=x, filter=k, strides=strides, padding="SAME"),
            tf.raw_ops.Conv2DBackpropInput(
                input_sizes=tf.shape(x),
                filter=k,
                out_backprop=dy,
                strides=strides,
                padding="SAME",
            ),
            tf.raw_ops.Conv2DBackpropFilter(
                input=x,
                filter_sizes=tf.shape(k),
                out_backprop=dy,
                strides=strides,
                padding="SAME",
            ),
        ]

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 4, 4, 4)).astype("float32")
    k = rng.normal(size=(3, 3, 2, 4)).astype("float32")
    dy = rng.normal(size=(1, 4, 4, 4)).astype("float32")
    try:
        with tf.init_scope():  # eager, even while a model is being traced
            got = [t.numpy() for t in conv_and_gradients(x, k, dy)]
            per_group = [
                [
                    t.numpy()
                    for t in conv_and_gradients(x[..., s], k[..., s], dy[..., s])
                ]
                for s in (slice(0, 2), slice(2, 4))
            ]
        want = [
            np.concatenate(parts, axis=-1) for parts in zip(*per_group, strict=True)
        ]
        return all(
            np.allclose(a, b, rtol=1e-4, atol=1e-4)
            for a, b in zip(got, want, strict=True)
        )
    except Exception:  # any failure means "not available here"
        return False


def resolve_impl(impl: str = "auto", *, groups: int, in_channels: int) -> str:
    """Return the implementation a layer with these sizes runs for ``impl``.

    An explicit name is returned as is. ``"auto"`` is first replaced by the session override
    (:func:`set_default_impl`, then ``RESNEXT_GROUPED_IMPL``); if none is set, the rule is:

    - ``groups == 1``: ``"native"`` (a plain convolution; Keras takes its fast path);
    - a GPU: ``"native"`` (cuDNN has grouped kernels);
    - a CPU where :func:`direct_available`: ``"direct"`` (oneDNN's grouped kernel; fastest of
      all at every cardinality we measured, see ``benchmarks/bench_models.py``);
    - otherwise ``"split"`` up to 32 groups and ``"dense"`` above.

    Examples
    --------
    >>> resolve_impl("split", groups=4, in_channels=64)
    'split'
    >>> resolve_impl("auto", groups=1, in_channels=64)
    'native'
    """
    checks.choice("impl", impl, IMPLS)
    if impl == "auto":
        impl = get_default_impl()
    if impl != "auto":
        return impl
    if groups == 1 or on_gpu():
        return "native"
    if direct_available():
        return "direct"
    return "split" if groups <= _SPLIT_MAX_GROUPS else "dense"


def _pair(value: int | Sequence[int], parameter: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int | np.integer) else tuple(value)
    if len(pair) != 2 or not all(
        isinstance(v, int | np.integer) and v > 0 for v in pair
    ):
        raise ValueError(
            f"{parameter}={value!r} must be a positive int or a pair of them"
        )
    return int(pair[0]), int(pair[1])


@keras.saving.register_keras_serializable(package="helpers")
class GroupedConv2D(keras.layers.Layer):
    """2D convolution with ``groups`` channel groups, computed by a selectable exact method.

    Parameters
    ----------
    filters
        Output channels; divisible by ``groups``.
    kernel_size, strides
        An int or a pair ``(height, width)``.
    groups
        Number of groups ``C`` (the cardinality); must divide the input channels and
        ``filters``. ``groups=1`` is an ordinary convolution.
    padding
        ``"same"`` or ``"valid"``, as in ``keras.layers.Conv2D``.
    use_bias
        Add one bias per output channel.
    impl
        One of :data:`IMPLS`; ``"auto"`` picks per device (:func:`resolve_impl`).
    kernel_initializer, bias_initializer, kernel_regularizer
        As in ``keras.layers.Conv2D``; the kernel shape is ``(kh, kw, in // groups, filters)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = GroupedConv2D(64, 3, groups=32, strides=2)
    >>> tuple(layer(np.zeros((1, 8, 8, 64), "float32")).shape)
    (1, 4, 4, 64)
    >>> tuple(layer.kernel.shape)
    (3, 3, 2, 64)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        groups: int = 1,
        strides: int | Sequence[int] = 1,
        padding: str = "same",
        use_bias: bool = False,
        impl: str = "auto",
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(filters, int | np.integer) or filters <= 0:
            raise ValueError(f"filters={filters!r} must be a positive int")
        if not isinstance(groups, int | np.integer) or groups <= 0:
            raise ValueError(f"groups={groups!r} must be a positive int")
        if filters % groups:
            raise ValueError(f"groups={groups} must divide filters={filters}")
        if padding not in ("same", "valid"):
            raise ValueError(f"padding={padding!r} must be 'same' or 'valid'")
        self.filters = int(filters)
        self.groups = int(groups)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.padding = padding
        self.use_bias = bool(use_bias)
        self.impl = checks.choice("impl", impl, IMPLS)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.resolved_impl: str | None = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        in_channels = input_shape[-1]
        if in_channels is None or in_channels % self.groups:
            raise ValueError(
                f"groups={self.groups} must divide the input channels ({in_channels}) "
                f"of layer {self.name!r}"
            )
        self.in_channels = int(in_channels)
        self.resolved_impl = resolve_impl(
            self.impl, groups=self.groups, in_channels=self.in_channels
        )
        if self.resolved_impl == "direct" and not direct_available():
            raise ValueError(
                "impl='direct' needs TensorFlow with grouped-convolution kernels (a GPU, or "
                "oneDNN on a CPU); this session has neither - use impl='split'"
            )
        if self.resolved_impl == "batched" and None in tuple(input_shape[1:3]):
            raise ValueError(
                f"impl='batched' needs a known height and width, got input shape {input_shape} "
                f"in layer {self.name!r}"
            )
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(kh, kw, self.in_channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.bias = (
            self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer
            )
            if self.use_bias
            else None
        )

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        spatial = [
            _out_size(size, k, s, self.padding)
            for size, k, s in zip(
                input_shape[1:3], self.kernel_size, self.strides, strict=True
            )
        ]
        return (input_shape[0], *spatial, self.filters)

    def call(self, inputs: Any) -> Any:
        run = {
            "native": self._native,
            "direct": self._direct,
            "split": self._split,
            "batched": self._batched,
            "dense": self._dense,
        }[self.resolved_impl]
        outputs = run(inputs, self.kernel)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return outputs

    # --- the implementations -------------------------------------------------------------
    def _native(self, x: Any, kernel: Any) -> Any:
        return ops.conv(x, kernel, strides=self.strides, padding=self.padding)

    def _direct(self, x: Any, kernel: Any) -> Any:
        import tensorflow as tf

        return tf.nn.conv2d(
            x, kernel, strides=self.strides, padding=self.padding.upper()
        )

    def _split(self, x: Any, kernel: Any) -> Any:
        if self.groups == 1:
            return self._native(x, kernel)
        out_g = self.filters // self.groups
        inputs = ops.split(x, self.groups, axis=-1)
        outputs = [
            ops.conv(
                x_g,
                kernel[..., g * out_g : (g + 1) * out_g],
                self.strides,
                self.padding,
            )
            for g, x_g in enumerate(inputs)
        ]
        return ops.concatenate(outputs, axis=-1)

    def _dense(self, x: Any, kernel: Any) -> Any:
        if self.groups == 1:
            return self._native(x, kernel)
        kh, kw = self.kernel_size
        c, in_g, out_g = (
            self.groups,
            self.in_channels // self.groups,
            self.filters // self.groups,
        )
        blocks = ops.transpose(
            ops.reshape(kernel, (kh, kw, in_g, c, out_g)), (0, 1, 3, 2, 4)
        )
        eye = ops.eye(c, dtype=kernel.dtype)
        full = ops.einsum(
            "hwcio,cd->hwcido", blocks, eye
        )  # zero off the diagonal groups
        full = ops.reshape(full, (kh, kw, c * in_g, c * out_g))
        return ops.conv(x, full, strides=self.strides, padding=self.padding)

    def _batched(self, x: Any, kernel: Any) -> Any:
        kh, kw = self.kernel_size
        sh, sw = self.strides
        c, in_g, out_g = (
            self.groups,
            self.in_channels // self.groups,
            self.filters // self.groups,
        )
        height, width = x.shape[1], x.shape[2]
        out_h = _out_size(height, kh, sh, self.padding)
        out_w = _out_size(width, kw, sw, self.padding)
        if self.padding == "same":
            pad_h = max((out_h - 1) * sh + kh - height, 0)
            pad_w = max((out_w - 1) * sw + kw - width, 0)
            pads = [
                [0, 0],
                [pad_h // 2, pad_h - pad_h // 2],
                [pad_w // 2, pad_w - pad_w // 2],
            ]
            x = ops.pad(x, pads + [[0, 0]])
        taps = [
            x[
                :,
                i : i + (out_h - 1) * sh + 1 : sh,
                j : j + (out_w - 1) * sw + 1 : sw,
                :,
            ]
            for i in range(kh)
            for j in range(kw)
        ]
        patches = ops.reshape(
            ops.stack(taps, axis=3), (-1, out_h, out_w, kh * kw, c, in_g)
        )
        patches = ops.transpose(
            patches, (4, 0, 1, 2, 3, 5)
        )  # groups first: one matmul each
        patches = ops.reshape(patches, (c, -1, kh * kw * in_g))
        weights = ops.reshape(kernel, (kh * kw, in_g, c, out_g))
        weights = ops.reshape(
            ops.transpose(weights, (2, 0, 1, 3)), (c, kh * kw * in_g, out_g)
        )
        y = ops.matmul(patches, weights)  # (groups, batch * out_h * out_w, out_g)
        y = ops.transpose(ops.reshape(y, (c, -1, out_h, out_w, out_g)), (1, 2, 3, 0, 4))
        return ops.reshape(y, (-1, out_h, out_w, self.filters))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=self.kernel_size,
            groups=self.groups,
            strides=self.strides,
            padding=self.padding,
            use_bias=self.use_bias,
            impl=self.impl,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
            kernel_regularizer=keras.regularizers.serialize(self.kernel_regularizer),
        )
        return config


def _out_size(size: int | None, kernel: int, stride: int, padding: str) -> int | None:
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - kernel) // stride + 1
