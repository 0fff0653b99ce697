"""Keras' layer classes with their own arguments: Dense, Conv2D, the poolings,
Flatten, Dropout, Embedding, the recurrent layers and Input. Each is a thin
wrapper over a spec layer (`.spec`) that checks its arguments as Keras does
and reprs as the code that builds it. A declared layer type without Keras
quirks needs no class here: `trainer.keras.declared` makes one from its
declaration.
"""

import numbers

from trainer import spec as S
from trainer.keras.initializers import initializer_from_spec, initializer_to_spec
from trainer.keras.parts import Part, positive_int, source
from trainer.keras.regularizers import regularizer


def activation_name(activation: object) -> str:
    """None -> "linear"; a known name as is; anything else: Keras' ValueError."""
    if activation is None:
        return "linear"
    if isinstance(activation, str) and activation in S.ACTIVATIONS:
        return activation
    raise ValueError(
        f"Could not interpret activation function identifier: {activation!r}. "
        f"Use one of: {', '.join(S.ACTIVATIONS)} (or None for linear)."
    )


def _square(name, value):
    """An int or a square (n, n) tuple -> n."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] != value[1]:
            raise ValueError(
                f"{name}={tuple(value)!r}: the engine's windows are square; use {name}={value[0]!r} or ({value[0]!r}, "
                f"{value[0]!r})"
            )
        value = value[0]
    return positive_int(
        name,
        value,
        f"The `{name}` argument must be a positive integer or a tuple of 2 equal positive integers. "
        f"Received: {name}={value!r}",
    )


def _padding(value):
    if not isinstance(value, str) or value.lower() not in ("valid", "same"):
        raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={value!r}")
    return value.lower()


def _shape(value):
    if value is None:
        return None
    value = (value,) if isinstance(value, numbers.Integral) else tuple(value)
    return tuple(
        positive_int(
            "input_shape",
            v,
            f"input_shape must be a tuple of positive integers (one sample's shape, no batch size). "
            f"Received: input_shape={value!r}",
        )
        for v in value
    )


class Layer(Part):
    """A Keras layer: its spec object (`.spec`), the input shape the first
    layer declares, an optional name and kernel regularizer."""

    default_name = "layer"

    def __init__(self, spec_layer, input_shape=None, name=None, kernel_regularizer=None):
        self.spec = spec_layer
        self.input_shape = _shape(input_shape)
        self.name = name
        self.kernel_regularizer = regularizer(kernel_regularizer)

    def _extra(self, kw):
        if self.kernel_regularizer is not None:
            kw["kernel_regularizer"] = self.kernel_regularizer
        if self.input_shape is not None:
            kw["input_shape"] = self.input_shape
        if self.name is not None:
            kw["name"] = self.name
        return kw

    @property
    def weighted(self) -> bool:
        """Whether the engine regularizes this layer's kernel."""
        return S.layer_type(self.spec).weighted


def _inits(layer, kw):
    for key, default in (("kernel_initializer", "glorot_uniform"), ("bias_initializer", "zeros")):
        value = initializer_from_spec(getattr(layer, key))
        if value != default:
            kw[key] = value
    return kw


class Dense(Layer):
    default_name = "dense"

    def __init__(
        self,
        units,
        activation=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        input_dim=None,
        input_shape=None,
        name=None,
    ):
        if input_dim is not None:
            input_dim = positive_int("input_dim", input_dim)
            if input_shape is not None and _shape(input_shape) != (input_dim,):
                raise ValueError(f"input_dim={input_dim} and input_shape={input_shape!r} disagree; give one of them")
            input_shape = (input_dim,)
        spec_layer = S.Dense(
            units=positive_int("units", units),
            activation=activation_name(activation),
            kernel_initializer=initializer_to_spec(kernel_initializer),
            bias_initializer=initializer_to_spec(bias_initializer),
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    units = property(lambda self: self.spec.units)
    activation = property(lambda self: self.spec.activation)

    def arguments(self) -> tuple[list, dict]:
        kw = {"activation": self.activation} if self.activation != "linear" else {}
        kw = self._extra(_inits(self.spec, kw))
        if kw.get("input_shape") is not None and len(kw["input_shape"]) == 1:
            kw["input_dim"] = kw.pop("input_shape")[0]
        return [self.units], kw


class Conv2D(Layer):
    default_name = "conv2d"

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        activation=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        input_shape=None,
        name=None,
    ):
        filters = positive_int(
            "filters",
            filters,
            f"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters!r}.",
        )
        spec_layer = S.Conv2D(
            filters=filters,
            kernel_size=_square("kernel_size", kernel_size),
            strides=_square("strides", strides),
            padding=_padding(padding),
            activation=activation_name(activation),
            kernel_initializer=initializer_to_spec(kernel_initializer),
            bias_initializer=initializer_to_spec(bias_initializer),
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    filters = property(lambda self: self.spec.filters)
    kernel_size = property(lambda self: (self.spec.kernel_size,) * 2)
    strides = property(lambda self: (self.spec.strides,) * 2)
    padding = property(lambda self: self.spec.padding)
    activation = property(lambda self: self.spec.activation)

    def arguments(self) -> tuple[list, dict]:
        s = self.spec
        kw = {
            k: v
            for k, v, default in (
                ("strides", s.strides, 1),
                ("padding", s.padding, "valid"),
                ("activation", s.activation, "linear"),
            )
            if v != default
        }
        return [s.filters, s.kernel_size], self._extra(_inits(s, kw))


class _Pooling2D(Layer):
    spec_type = None

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", input_shape=None, name=None):
        strides = None if strides is None else _square("strides", strides)
        super().__init__(
            S.Pool2D(self.spec_type, _square("pool_size", pool_size), strides, _padding(padding)), input_shape, name
        )

    pool_size = property(lambda self: (self.spec.pool_size,) * 2)
    padding = property(lambda self: self.spec.padding)

    def arguments(self) -> tuple[list, dict]:
        s = self.spec
        kw = {
            k: v
            for k, v, default in (
                ("pool_size", s.pool_size, 2),
                ("strides", s.strides, None),
                ("padding", s.padding, "valid"),
            )
            if v != default
        }
        return [], self._extra(kw)


class MaxPooling2D(_Pooling2D):
    spec_type, default_name = "maxpool2d", "max_pooling2d"


class AveragePooling2D(_Pooling2D):
    spec_type, default_name = "avgpool2d", "average_pooling2d"


MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D


class Flatten(Layer):
    default_name = "flatten"

    def __init__(self, input_shape=None, name=None):
        super().__init__(S.Flatten(), input_shape, name)

    def arguments(self) -> tuple[list, dict]:
        return [], self._extra({})


class Dropout(Layer):
    default_name = "dropout"

    def __init__(self, rate, input_shape=None, name=None):
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: "
                f"rate={rate!r}"
            )
        super().__init__(S.Dropout(float(rate)), input_shape, name)

    rate = property(lambda self: self.spec.rate)

    def arguments(self) -> tuple[list, dict]:
        return [self.rate], self._extra({})


class Embedding(Layer):
    """Token indices -> vectors. Index 0 is padding: its vector is zero and
    recurrent layers skip it (Keras' mask_zero=True, always on here)."""

    default_name = "embedding"

    def __init__(self, input_dim, output_dim, mask_zero=True, input_length=None, input_shape=None, name=None):
        if mask_zero is not True:
            raise ValueError("The engine always reads index 0 as padding (mask_zero=True); leave mask_zero out")
        if input_length is not None:
            input_shape = (positive_int("input_length", input_length),)
        spec_layer = S.Embedding(
            output_dim=positive_int("output_dim", output_dim), input_dim=positive_int("input_dim", input_dim)
        )
        super().__init__(spec_layer, input_shape, name)

    input_dim = property(lambda self: self.spec.input_dim)
    output_dim = property(lambda self: self.spec.output_dim)

    def arguments(self) -> tuple[list, dict]:
        kw = self._extra({})
        if kw.get("input_shape") is not None and len(kw["input_shape"]) == 1:
            kw["input_length"] = kw.pop("input_shape")[0]
        return [self.input_dim, self.output_dim], kw


class _Recurrent(Layer):
    spec_type = None

    def __init__(
        self, units, activation="tanh", return_sequences=False, kernel_regularizer=None, input_shape=None, name=None
    ):
        if not isinstance(return_sequences, bool):
            raise ValueError(f"return_sequences must be True or False. Received: return_sequences={return_sequences!r}")
        spec_layer = S.Recurrent(
            self.spec_type, positive_int("units", units), return_sequences, activation_name(activation)
        )
        super().__init__(spec_layer, input_shape, name, kernel_regularizer)

    units = property(lambda self: self.spec.units)
    activation = property(lambda self: self.spec.activation)
    return_sequences = property(lambda self: self.spec.return_sequences)

    def arguments(self) -> tuple[list, dict]:
        kw = {
            k: v
            for k, v, default in (
                ("activation", self.activation, "tanh"),
                ("return_sequences", self.return_sequences, False),
            )
            if v != default
        }
        return [self.units], self._extra(kw)


class SimpleRNN(_Recurrent):
    spec_type = default_name = "simple_rnn"


class LSTM(_Recurrent):
    spec_type = default_name = "lstm"


class GRU(_Recurrent):
    spec_type = default_name = "gru"


class InputLayer(Part):
    """`Input(shape=(2,))` first in a Sequential: the shape of one sample."""

    def __init__(self, shape):
        self.shape = _shape(shape)

    def __repr__(self):
        return f"Input(shape={source(self.shape)})"


def Input(shape: tuple) -> InputLayer:  # noqa: N802 (Keras' name)
    return InputLayer(shape)
