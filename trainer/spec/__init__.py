"""The run spec (version 1): parse a JSON-like dict once into frozen objects.

`parse(d)` returns a `Spec` or raises `SpecError` listing every problem with
its path (`layers[2].units: must be between 1 and 512`). Shapes are inferred
here in plain Python, so the web side can check a stack before any data or
JAX exists. No JAX imports in this package.

    vocabulary      names and limits (activations, losses, optimizers, LIMITS)
    reader          SpecError, bounded numbers, one object's fields
    objects         the frozen Spec, DatasetSpec, Optimizer, ... and their JSON form
    knobs           a layer field's bounds, reading and builder form
    layer_types     the layer type registry: LayerType, register, parse_layer
    builtin_layers  the built-in layer types, each declared once
    dataset_fields  the `dataset` object
    stack           rules over the whole spec; describe()
    parsing         parse()
    builder_catalog catalog(), the builder's menus
"""

from trainer.spec import builtin_layers  # noqa: F401 (declares the built-in layer types)
from trainer.spec.builder_catalog import catalog
from trainer.spec.builtin_layers import RNN_GATES, Conv2D, Dense, Dropout, Embedding, Flatten, Pool2D, Recurrent
from trainer.spec.dataset_fields import parse_dataset
from trainer.spec.layer_types import LAYER_TYPES, LayerType, layer_type, parse_layer, register
from trainer.spec.objects import (
    DatasetSpec,
    Initializer,
    Optimizer,
    Regularization,
    Spec,
    StopRules,
    layer_dict,
)
from trainer.spec.parsing import parse
from trainer.spec.reader import REQUIRED, SpecError, number
from trainer.spec.stack import describe
from trainer.spec.vocabulary import (
    ACTIVATIONS,
    INITIALIZERS,
    LIMITS,
    LOSSES,
    OPTIMIZERS,
    REGRESSION_LOSSES,
    VERSION,
)

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LAYER_TYPES",
    "LIMITS",
    "LOSSES",
    "OPTIMIZERS",
    "REGRESSION_LOSSES",
    "REQUIRED",
    "RNN_GATES",
    "VERSION",
    "Conv2D",
    "DatasetSpec",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "Initializer",
    "LayerType",
    "Optimizer",
    "Pool2D",
    "Recurrent",
    "Regularization",
    "Spec",
    "SpecError",
    "StopRules",
    "catalog",
    "describe",
    "layer_dict",
    "layer_type",
    "number",
    "parse",
    "parse_dataset",
    "parse_layer",
    "register",
]
