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
:func:`set_default_impl` or the environment variable ``HELPERS_GROUPED_IMPL``.

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
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

#: Exact implementations :class:`GroupedConv2D` can run, plus ``"auto"``.
IMPLS: tuple[str, ...] = ("auto", "native", "direct", "split", "batched", "dense")

#: Environment variable that overrides what ``"auto"`` means (any name in :data:`IMPLS`).
ENV_VAR = "HELPERS_GROUPED_IMPL"

# Above this many groups the per-group convolutions of "split" cost more than the dense
# block-diagonal convolution (measured on a 2-core x86 CPU with TensorFlow 2.21, no oneDNN).
_SPLIT_MAX_GROUPS = 32

_default_impl: str | None = None
_direct_ok: bool | None = None


def _check_impl(impl: str, parameter: str = "impl") -> str:
    if not isinstance(impl, str) or impl not in IMPLS:
        raise ValueError(
            f"{parameter}={impl!r} is not a grouped convolution; choose from {IMPLS}"
        )
    return impl


def set_default_impl(impl: str | None) -> None:
    """Make ``"auto"`` mean ``impl`` for every layer built afterwards in this session.

    Parameters
    ----------
    impl
        A name from :data:`IMPLS`; ``None`` or ``"auto"`` restores the per-device choice.
        It takes precedence over the environment variable ``HELPERS_GROUPED_IMPL``.

    Examples
    --------
    >>> set_default_impl("split")
    >>> resolve_impl(groups=8, in_channels=64)
    'split'
    >>> set_default_impl(None)
    """
    global _default_impl
    if impl is not None:
        _check_impl(impl)
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
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return _check_impl(from_env, parameter=ENV_VAR)
    return "auto"


def _on_gpu() -> bool:
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
    (:func:`set_default_impl`, then ``HELPERS_GROUPED_IMPL``); if none is set, the rule is:

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
    _check_impl(impl)
    if impl == "auto":
        impl = get_default_impl()
    if impl != "auto":
        return impl
    if groups == 1 or _on_gpu():
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
        self.impl = _check_impl(impl)
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


# --- timing (chapter 7) -----------------------------------------------------------------------
def _timed_step(model: keras.Model, batch: np.ndarray) -> Any:
    """A function that runs one training step of ``model`` on ``batch`` (forward, backward, SGD
    update; the loss is the mean square of the output) and returns its wall time in seconds."""
    import time

    import tensorflow as tf

    inputs = tf.constant(batch)
    optimizer = keras.optimizers.SGD(1e-3)
    optimizer.build(model.trainable_variables)

    @tf.function
    def step(x: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True)))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        return loss

    def run() -> float:
        start = time.perf_counter()
        step(inputs).numpy()  # .numpy() waits for the result (on a GPU too)
        return time.perf_counter() - start

    return run


def _time_variants(
    builders: dict[tuple[str, int], Any],
    batch: np.ndarray,
    repeats: int,
    budget_s: float,
    max_step_s: float | None,
) -> tuple[dict[tuple[str, int], dict[str, Any]], dict[tuple[str, int], keras.Model]]:
    """Build and time the variants ``(impl, C) -> build()`` in one run.

    Each variant is built, run once (tracing and compiling: ``first_s``), twice more untimed and
    once timed, one after the other in the given order (tracing one function after another
    with fewer calls in between makes TensorFlow warn about retracing). Once a variant of an
    implementation takes longer than ``max_step_s`` per step, its later (larger C) variants
    are skipped. Then
    the variants take turns, one timed step each per round, so that load from other processes
    falls on all alike, until each has ``repeats`` timed steps or ``budget_s`` seconds of them.
    """
    steps, results, models, too_slow = {}, {}, {}, set()
    for key, build in builders.items():
        impl, _ = key
        if impl in too_slow:
            continue
        models[key] = build()
        steps[key] = step = _timed_step(models[key], batch)
        first = step()
        step()
        step()
        results[key] = {"samples": [step()], "first_s": first}
        if max_step_s is not None and results[key]["samples"][0] > max_step_s:
            too_slow.add(impl)
    for _ in range(repeats - 1):
        for key, step in steps.items():
            samples = results[key]["samples"]
            if sum(samples) < budget_s:
                samples.append(step())
    for timed in results.values():
        timed["median_s"] = float(np.median(timed["samples"]))
    return results, models


def _check_timing(
    impls: Any,
    sizes: dict[str, Any],
    repeats: Any,
    budget_s: Any,
    max_step_s: Any,
    seed: Any,
) -> list[str]:
    if isinstance(impls, str) or not isinstance(impls, Sequence) or not impls:
        raise ValueError(
            f"impls={impls!r} must be a non-empty list of names from {IMPLS}"
        )
    for name in impls:
        _check_impl(name, parameter="impls")
    for name, value in {**sizes, "repeats": repeats}.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < 1
        ):
            raise ValueError(f"{name}={value!r} must be a positive int")
    for name, value in (("budget_s", budget_s), ("max_step_s", max_step_s)):
        if value is None and name == "max_step_s":
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ValueError(f"{name}={value!r} must be a positive number of seconds")
        if not value > 0:
            raise ValueError(f"{name}={value!r} must be a positive number of seconds")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed={seed!r} must be a non-negative int")
    return list(impls)


def _timing_row(
    impl: str, c: int, channels: int, timed: dict[str, Any] | None, multiply_adds: int
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "impl": impl,
        "runs": resolve_impl(impl, groups=c, in_channels=channels),
        "C": c,
        "ms": None,
        "steps": 0,
        "first_ms": None,
        "multiply_adds": multiply_adds,
        "gflops": None,
        "skipped": timed is None,
        "device": "GPU" if _on_gpu() else "CPU",
    }
    if timed is not None:
        seconds = timed["median_s"]
        row.update(
            ms=seconds * 1e3,
            steps=len(timed["samples"]),
            first_ms=timed["first_s"] * 1e3,
            gflops=6 * multiply_adds / seconds / 1e9,
        )
    return row


def time_grouped_conv(
    cardinalities: Sequence[int] = (1, 2, 4, 8, 16, 32),
    impls: Sequence[str] = ("native", "split", "auto"),
    channels: int = 64,
    batch: int = 8,
    size: int = 16,
    repeats: int = 5,
    budget_s: float = 1.0,
    max_step_s: float | None = 1.0,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time a training step of a ``channels`` -> ``channels`` 3x3 grouped convolution for every
    implementation in ``impls`` and every number of groups in ``cardinalities``, in one run.

    A step is forward, backward and an SGD update (the loss is the mean square of the output);
    its time is the median of up to ``repeats`` steps, the variants taking turns so that load
    from other processes falls on all alike; a variant whose steps add up to ``budget_s`` is
    not timed again. Keras' native path can take seconds per step on a CPU at large C: once
    a step of an implementation takes longer than ``max_step_s``, its larger cardinalities
    are not built, and their rows say ``skipped``.

    Parameters
    ----------
    cardinalities
        Numbers of groups ``C``, ascending; each must divide ``channels``.
    impls
        Names from :data:`IMPLS`; ``"auto"`` runs what it resolves to here (column ``runs``).
    channels, batch, size
        Input and output channels of the layer, and the input batch
        ``(batch, size, size, channels)``: random normal numbers drawn with ``seed``.
    repeats, budget_s, max_step_s
        Timed steps per variant at most; seconds after which a variant is not timed again;
        the step time beyond which larger C of an implementation are skipped (``None``: never).

    Returns
    -------
    list of dict
        One row per (impl, C), impls in the given order: ``impl``, ``runs`` (the resolved
        implementation), ``C``, ``ms`` (median milliseconds per step; ``None`` if skipped),
        ``steps`` (timed steps), ``first_ms`` (the first call, with tracing and compiling),
        ``multiply_adds`` (of the forward convolution on the whole batch), ``gflops`` (useful
        billions of floating-point operations per second, ``6 * multiply_adds / seconds``:
        two per multiply-add, and the backward pass costs about twice the forward),
        ``skipped``, ``device`` (``"CPU"`` or ``"GPU"``).

    Examples
    --------
    >>> rows = time_grouped_conv([1, 2], ["split"], channels=8, batch=1, size=4, repeats=1)
    >>> [(r["impl"], r["C"], r["ms"] > 0) for r in rows]
    [('split', 1, True), ('split', 2, True)]
    """
    sizes = {"channels": channels, "batch": batch, "size": size}
    impls = _check_timing(impls, sizes, repeats, budget_s, max_step_s, seed)
    if isinstance(cardinalities, str | bytes) or not isinstance(
        cardinalities, Sequence
    ):
        raise ValueError(
            f"cardinalities={cardinalities!r} must be a list of positive ints"
        )
    if not cardinalities:
        raise ValueError("cardinalities must not be empty")
    for c in cardinalities:
        if (
            isinstance(c, bool)
            or not isinstance(c, int | np.integer)
            or c < 1
            or channels % c
        ):
            raise ValueError(
                f"cardinalities holds {c!r}, which is not a positive int dividing "
                f"channels={channels}"
            )
    cardinalities = sorted(int(c) for c in cardinalities)
    x = (
        np.random.default_rng(seed)
        .normal(size=(batch, size, size, channels))
        .astype("float32")
    )

    def builder(c: int, impl: str) -> Any:
        def build() -> keras.Model:
            inputs = keras.Input((size, size, channels))
            layer = GroupedConv2D(channels, 3, groups=c, impl=impl, name="conv")
            return keras.Model(inputs, layer(inputs))

        return build

    def multiply_adds(c: int) -> int:  # of the forward convolution on the whole batch
        return 9 * (channels // c) * channels * size * size * batch

    builders = {(impl, c): builder(c, impl) for impl in impls for c in cardinalities}
    timed, _ = _time_variants(builders, x, repeats, budget_s, max_step_s)
    return [
        _timing_row(impl, c, channels, timed.get((impl, c)), multiply_adds(c))
        for impl in impls
        for c in cardinalities
    ]


def time_resnext_blocks(
    shapes: Sequence[tuple[int, int]] = ((1, 64), (32, 4)),
    impls: Sequence[str] = ("native", "auto"),
    channels: int = 256,
    batch: int = 8,
    size: int = 8,
    repeats: int = 5,
    budget_s: float = 1.0,
    max_step_s: float | None = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Time a training step of whole ResNeXt blocks (:func:`helpers.models.resnext_block`,
    form (c), ``channels`` in and out) of the shapes ``(C, d)``, for every implementation of
    their grouped convolution in ``impls``, in one run (as :func:`time_grouped_conv` does).

    Parameters
    ----------
    shapes
        ``(cardinality, bottleneck_width)`` pairs, e.g. the ResNet block ``(1, 64)`` and the
        ResNeXt block ``(32, 4)`` of equal complexity (the paper's Table 2).
    impls, channels, batch, size, repeats, budget_s, max_step_s, seed
        As in :func:`time_grouped_conv`.

    Returns
    -------
    list of dict
        One row per (impl, shape), with the keys of :func:`time_grouped_conv` (``C`` and ``d``
        describe the block; ``multiply_adds`` counts the whole block on the whole batch) and
        ``params`` (learned parameters of the block).

    Examples
    --------
    >>> rows = time_resnext_blocks([(2, 2)], ["split"], channels=8, batch=1, size=4, repeats=1)
    >>> [(r["C"], r["d"], r["ms"] > 0) for r in rows]
    [(2, 2, True)]
    """
    from helpers import complexity
    from helpers.models import resnext_block

    sizes = {"channels": channels, "batch": batch, "size": size}
    impls = _check_timing(impls, sizes, repeats, budget_s, max_step_s, seed)
    if (
        isinstance(shapes, str | bytes)
        or not isinstance(shapes, Sequence)
        or not shapes
    ):
        raise ValueError(f"shapes={shapes!r} must be a non-empty list of (C, d) pairs")
    for shape in shapes:
        ok = isinstance(shape, Sequence) and len(shape) == 2
        if not ok or not all(isinstance(v, int | np.integer) and v > 0 for v in shape):
            raise ValueError(
                f"shapes holds {shape!r}, which is not a (C, d) pair of positive ints"
            )
    shapes = [(int(c), int(d)) for c, d in shapes]
    x = (
        np.random.default_rng(seed)
        .normal(size=(batch, size, size, channels))
        .astype("float32")
    )

    def builder(c: int, d: int, impl: str) -> Any:
        def build() -> keras.Model:
            inputs = keras.Input((size, size, channels))
            outputs = resnext_block(
                inputs, channels, c, d, grouped_impl=impl, name="block"
            )
            return keras.Model(inputs, outputs)

        return build

    # _time_variants keys variants by (impl, index) and skips later ones of a slow impl.
    builders = {(impl, i): builder(c, d, impl) for impl in impls for i, (c, d) in
                enumerate(shapes)}  # fmt: skip
    timed, models = _time_variants(builders, x, repeats, budget_s, max_step_s)
    rows = []
    for impl in impls:
        for i, (c, d) in enumerate(shapes):
            model = models.get((impl, i)) or builder(c, d, impl)()
            counted = complexity.count(model)
            row = _timing_row(
                impl, c, c * d, timed.get((impl, i)), counted.multiply_adds * batch
            )
            row.update(d=d, params=counted.params)
            rows.append(row)
    return rows
