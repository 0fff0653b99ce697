"""The built-in layer types, each declared once: a frozen dataclass (its fields and
their defaults, and `shapes`, the shape rule after stax: an input shape -> the output
shape and the parameters' shapes, in plain Python so the builder checks a stack
before any data or JAX exists) and its `LayerType` (knob bounds, Keras name, engine
functions, flags). A new layer type is one more such pair, plus its math in
trainer.layers when no existing function computes it.
"""

import math
from dataclasses import dataclass, field

from trainer.messages import Problem, gettext_noop
from trainer.spec.knobs import Choice, Flag, Init, Int, Number
from trainer.spec.layer_types import LayerType, register
from trainer.spec.objects import Initializer
from trainer.spec.vocabulary import ACTIVATIONS, LIMITS

PADDING = ("valid", "same")
WINDOW = LIMITS["kernel_size"]  # the largest kernel, pool or stride


def _keras_size(size, kernel, stride, padding):
    """Keras' output length of a conv or pool along one axis."""
    return -(-size // stride) if padding == "same" else (size - kernel) // stride + 1


def _need_image(kind, in_shape):
    if len(in_shape) != 3:
        raise Problem(
            gettext_noop(
                "%(layer)s needs an image input (height, width, channels) but gets shape %(shape)s; "
                "conv and pooling layers go before flatten"
            ),
            layer=kind,
            shape=str(list(in_shape)),
        )


@dataclass(frozen=True)
class Dense:
    units: int
    activation: str = "linear"
    kernel_initializer: Initializer = Initializer("glorot_uniform")
    bias_initializer: Initializer = Initializer("zeros")
    type: str = field(default="dense", init=False)

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        """in_shape -> (out_shape, {param: shape}); raises ValueError for a bad input."""
        if len(in_shape) != 1:
            raise Problem(
                gettext_noop("dense needs a flat input but gets shape %(shape)s; add a flatten layer before it"),
                shape=str(list(in_shape)),
            )
        return (self.units,), {"kernel": (in_shape[0], self.units), "bias": (self.units,)}


INITS = (Init("kernel_initializer"), Init("bias_initializer"))
register(
    LayerType(
        "dense",
        Dense,
        (Int("units", 1, LIMITS["units"], start=4), Choice("activation", ACTIVATIONS, start="relu"), *INITS),
        keras="Dense",
        apply="apply_dense",
        init="init_weighted",
        weighted=True,
        menu={"tabular": 0, "images": 5, "text": 5},
    )
)


@dataclass(frozen=True)
class Conv2D:
    filters: int
    kernel_size: int = 3
    strides: int = 1
    padding: str = "valid"
    activation: str = "linear"
    kernel_initializer: Initializer = Initializer("glorot_uniform")
    bias_initializer: Initializer = Initializer("zeros")
    type: str = field(default="conv2d", init=False)

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        _need_image("conv2d", in_shape)
        h, w, c = in_shape
        k = self.kernel_size
        if self.padding == "valid" and (k > h or k > w):
            raise Problem(
                gettext_noop(
                    "kernel_size %(kernel)s is larger than its %(height)s×%(width)s input; "
                    "use a smaller kernel or padding 'same'"
                ),
                kernel=k,
                height=h,
                width=w,
            )
        out = (
            _keras_size(h, k, self.strides, self.padding),
            _keras_size(w, k, self.strides, self.padding),
            self.filters,
        )
        return out, {"kernel": (k, k, c, self.filters), "bias": (self.filters,)}


register(
    LayerType(
        "conv2d",
        Conv2D,
        (
            Int("filters", 1, LIMITS["filters"], start=8),
            Int("kernel_size", 1, WINDOW),
            Int("strides", 1, WINDOW),
            Choice("padding", PADDING, start="same"),
            Choice("activation", ACTIVATIONS, start="relu"),
            *INITS,
        ),
        keras="Conv2D",
        apply="apply_conv2d",
        init="init_weighted",
        weighted=True,
        spatial=True,
        menu={"images": 0},
    )
)


@dataclass(frozen=True)
class Pool2D:
    type: str  # maxpool2d | avgpool2d
    pool_size: int = 2
    strides: int | None = None  # Keras: defaults to pool_size
    padding: str = "valid"

    @property
    def stride(self) -> int:
        return self.strides or self.pool_size

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        _need_image(self.type, in_shape)
        h, w, c = in_shape
        if self.padding == "valid" and (self.pool_size > h or self.pool_size > w):
            raise Problem(
                gettext_noop("pool_size %(pool)s is larger than its %(height)s×%(width)s input"),
                pool=self.pool_size,
                height=h,
                width=w,
            )
        return (
            _keras_size(h, self.pool_size, self.stride, self.padding),
            _keras_size(w, self.pool_size, self.stride, self.padding),
            c,
        ), {}


for name, keras, title, place in (
    ("maxpool2d", "MaxPooling2D", "MaxPool2D", 1),
    ("avgpool2d", "AveragePooling2D", "AvgPool2D", 2),
):
    register(
        LayerType(
            name,
            Pool2D,
            (Int("pool_size", 1, WINDOW), Int("strides", 1, WINDOW), Choice("padding", PADDING)),
            keras=keras,
            title=title,
            apply="apply_pool",
            spatial=True,
            menu={"images": place},
        )
    )


@dataclass(frozen=True)
class Flatten:
    type: str = field(default="flatten", init=False)

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        return (math.prod(in_shape),), {}


register(LayerType("flatten", Flatten, (), keras="Flatten", apply="apply_flatten", menu={"images": 3, "text": 6}))


@dataclass(frozen=True)
class Dropout:
    rate: float
    type: str = field(default="dropout", init=False)

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        return tuple(in_shape), {}


register(
    LayerType(
        "dropout",
        Dropout,
        (Number("rate", 0, 0.95, start=0.25),),
        keras="Dropout",
        apply="apply_dropout",
        menu={"images": 4, "tabular": 1, "text": 4},
    )
)


@dataclass(frozen=True)
class Embedding:
    output_dim: int
    input_dim: int | None = None  # the vocabulary size; filled in from the dataset
    type: str = field(default="embedding", init=False)

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        if len(in_shape) != 1:
            raise Problem(
                gettext_noop(
                    "embedding takes a sequence of token indices but gets shape %(shape)s; "
                    "put it first, on a text dataset"
                ),
                shape=str(list(in_shape)),
            )
        return (in_shape[0], self.output_dim), {"embeddings": (self.input_dim, self.output_dim)}


register(
    LayerType(
        "embedding",
        Embedding,
        (
            Int("output_dim", 1, LIMITS["embedding_dim"], start=16),
            Int("input_dim", 2, LIMITS["vocab_size"], shown=False),  # the builder leaves it to the dataset
        ),
        keras="Embedding",
        apply="apply_embedding",
        init="init_embedding",
        menu={"text": 0},
    )
)


RNN_GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class Recurrent:
    type: str  # simple_rnn | lstm | gru
    units: int
    return_sequences: bool = False
    activation: str = "tanh"

    def shapes(self, in_shape: tuple[int, ...]) -> tuple[tuple[int, ...], dict]:
        if len(in_shape) != 2:
            raise Problem(
                gettext_noop(
                    "%(layer)s needs a sequence (steps, features) but gets shape %(shape)s; put an embedding "
                    "(or an RNN with return_sequences) before it"
                ),
                layer=self.type,
                shape=str(list(in_shape)),
            )
        steps, features = in_shape
        g, u = RNN_GATES[self.type], self.units
        bias = (2, g * u) if self.type == "gru" else (g * u,)  # Keras' GRU has reset_after=True: two biases
        out = (steps, u) if self.return_sequences else (u,)
        return out, {"kernel": (features, g * u), "recurrent_kernel": (u, g * u), "bias": bias}


for place, (name, keras) in enumerate((("simple_rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")), start=1):
    register(
        LayerType(
            name,
            Recurrent,
            (Int("units", 1, LIMITS["units"], start=32), Flag("return_sequences"), Choice("activation", ACTIVATIONS)),
            keras=keras,
            apply="apply_recurrent",
            init="init_recurrent",
            weighted=True,
            recurrent=True,
            menu={"text": place},
        )
    )
