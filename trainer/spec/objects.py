"""The frozen objects a parsed spec is made of (all but the layers, which
`trainer.spec.builtin_layers` declares with their type), and their JSON form."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from trainer import datasets
from trainer.spec.vocabulary import VERSION


@dataclass(frozen=True)
class Initializer:
    name: str
    options: tuple = ()  # sorted (knob, value) pairs

    def to_dict(self) -> dict | str:
        return {"name": self.name, **dict(self.options)} if self.options else self.name


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    noise: float = 0.0
    samples: int = 500
    test_fraction: float = 0.5
    seed: int = 0
    classes: int | None = None  # blobs only
    # text only: which reviews, how they reach the network, and the pipeline's limits
    language: str | None = None  # en | ko | both
    representation: str | None = None  # sequence | bag_of_words
    vocab_size: int | None = None
    sequence_length: int | None = None  # None: the length covering 95% of texts
    tokens: str | None = None  # word | morpheme | char | particles (trainer.text.TOKEN_LEVELS)
    uploaded: datasets.DatasetInfo | None = None  # set for an uploaded set; never in to_dict
    # a drawn set only (datasets.DRAWN): its points, ((x1, x2, label or value), ...); `samples` is their count
    points: tuple | None = None

    def __post_init__(self) -> None:
        if self.points is not None:  # lists (from a script) become tuples: a spec is hashable and frozen
            points = tuple(tuple(p) for p in self.points)
            object.__setattr__(self, "points", points)
            object.__setattr__(self, "samples", len(points))

    @property
    def info(self) -> datasets.DatasetInfo:
        return self.uploaded or datasets.BUILTIN.get(self.name) or datasets.DRAWN[self.name]

    @property
    def n_classes(self) -> int:
        return self.classes if self.name in datasets.CHOSEN_CLASSES else self.info.classes

    def to_dict(self) -> dict:
        if self.uploaded:  # an uploaded set is what it is: only the split is chosen
            return {"name": self.name, "test_fraction": self.test_fraction, "seed": self.seed}
        if self.points is not None:  # a drawn set is its points: no size or noise to choose
            return {
                "name": self.name,
                **({"classes": self.classes} if self.classes is not None else {}),
                "points": [list(p) for p in self.points],
                "test_fraction": self.test_fraction,
                "seed": self.seed,
            }
        return {k: v for k, v in asdict(self).items() if v is not None and k != "uploaded"}


@dataclass(frozen=True)
class Optimizer:
    name: str
    learning_rate: float
    options: tuple = ()  # sorted (knob, value) pairs


@dataclass(frozen=True)
class Regularization:
    type: str = "none"  # none | l1 | l2, on kernels only (as TF Playground)
    rate: float = 0.0


@dataclass(frozen=True)
class StopRules:
    early_stopping_patience: int | None = None  # epochs without a better test loss
    target_loss: float | None = None  # stop once the test loss is at or below it


@dataclass(frozen=True)
class Spec:
    dataset: DatasetSpec
    features: tuple
    layers: tuple
    loss: str
    optimizer: Optimizer
    regularization: Regularization
    batch_size: int
    epochs: int
    seed: int
    stop: StopRules = StopRules()
    version: int = VERSION
    edits: tuple = ()  # trainer.edits.Edit: weights and biases set by hand, in the order they were made

    @property
    def last_dataset(self) -> DatasetSpec:
        """The data a run of this spec ends on: its own, or the last points drawn anew (edits.DataEdit)."""
        return next((edit.dataset for edit in reversed(self.edits) if hasattr(edit, "dataset")), self.dataset)

    @property
    def task(self) -> str:
        return self.dataset.info.task

    @property
    def input_shape(self) -> tuple[int, ...]:
        return datasets.input_shape(self.dataset, self.features)

    @property
    def is_perceptron(self) -> bool:
        return len(self.layers) == 1 and getattr(self.layers[0], "activation", None) == "step"

    @property
    def n_train(self) -> int:
        return datasets.split_sizes(self.dataset.samples, self.dataset.test_fraction)[0]

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.n_train / self.batch_size)

    def layer_shapes(self) -> list:
        """[(in_shape, out_shape, {param: shape})] through the stack."""
        out, shape = [], self.input_shape
        for layer in self.layers:
            out_shape, params = layer.shapes(shape)
            out.append((shape, out_shape, params))
            shape = out_shape
        return out

    def to_dict(self) -> dict:
        d = {
            "version": self.version,
            "dataset": self.dataset.to_dict(),
            **({"features": list(self.features)} if self.features else {}),
            "layers": [layer_dict(layer) for layer in self.layers],
            "loss": self.loss,
            "optimizer": {
                "name": self.optimizer.name,
                "learning_rate": self.optimizer.learning_rate,
                **dict(self.optimizer.options),
            },
            "regularization": asdict(self.regularization),
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "seed": self.seed,
        }
        if self.stop != StopRules():
            d["stop"] = {k: v for k, v in asdict(self.stop).items() if v is not None}
        if self.edits:
            d["edits"] = [edit.to_dict() for edit in self.edits]
        return d


def layer_dict(layer: Any) -> dict:
    """A layer object -> its spec dict: the type, then every field that is set."""
    d = {"type": layer.type}
    for name in layer.__dataclass_fields__:
        value = getattr(layer, name)
        if name != "type" and value is not None:
            d[name] = value.to_dict() if isinstance(value, Initializer) else value
    return d
