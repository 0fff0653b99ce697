"""What a person changes by hand in a run: part of its history, so a re-run reproduces it.

An Edit sets one number of a dense layer at an iteration (before the steps after it): the
weight from input `input` to unit `unit`, or the unit's bias where `input` is None. A
DataEdit swaps the points (drawn on the plane) the run trains on. A spec lists the edits its
first run made (`edits`, in the order they were made); the run loop applies them where they
belong, and applies live ones (the controls `edit_weight`, `set_dataset`) where it stands.
Plain Python: no Django, no JAX.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from trainer.messages import Problem, entry, gettext_noop

if TYPE_CHECKING:
    from trainer.spec import DatasetSpec, Spec

MAX_EDITS = 200  # a spec's edits: far more than a person makes by hand in one run
MAX_VALUE = 1000.0  # |a weight or bias| set by hand
KEYS = ("layer", "unit", "input", "value")  # an edit as the control protocol sends it (trainer.controls)


@dataclass(frozen=True)
class DataEdit:
    """Points drawn anew while paused (a drawn set: datasets.DRAWN): the run trains on them from
    `iteration` on, its weights and optimizer kept; the epoch under way ends there."""

    iteration: int
    dataset: object  # trainer.spec.DatasetSpec

    def to_dict(self) -> dict:
        return {"iteration": self.iteration, "dataset": self.dataset.to_dict()}


@dataclass(frozen=True)
class Edit:
    iteration: int
    layer: int
    unit: int
    input: int | None  # None: the unit's bias
    value: float

    def to_dict(self) -> dict:
        return asdict(self)


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check(spec: Spec, layer: int, unit: int, input: int | None, value: float) -> None:
    """Problem naming what is wrong if (layer, unit, input, value) is no number of `spec`'s
    dense layers; the types were checked where the edit entered."""
    if not 0 <= layer < len(spec.layers) or spec.layers[layer].type != "dense":
        raise Problem(gettext_noop("layer %(layer)s is not a dense layer of this network"), layer=layer)
    fan_in, units = spec.layer_shapes()[layer][2]["kernel"]
    if unit >= units:
        raise Problem(gettext_noop("layer %(layer)s has %(units)s units"), layer=layer, units=units)
    if input is not None and input >= fan_in:
        raise Problem(gettext_noop("layer %(layer)s has %(inputs)s inputs"), layer=layer, inputs=fan_in)
    if not -MAX_VALUE <= value <= MAX_VALUE:
        raise Problem(gettext_noop("a weight set by hand must be from -%(max)s to %(max)s"), max=f"{MAX_VALUE:g}")


def check_data(spec: Spec, dataset: DatasetSpec) -> None:
    """Problem unless `dataset` can take over from `spec`'s in the middle of a run: points drawn on
    the plane (datasets.DRAWN) for the same task, so the network's input and output still fit."""
    if not dataset.info.drawn:
        raise Problem(gettext_noop("a run goes on with points drawn on the plane only"))
    if dataset.info.task != spec.task or dataset.n_classes != spec.dataset.n_classes:
        raise Problem(
            gettext_noop("the points drawn are for %(task)s; this network was built for %(wanted)s"),
            task=dataset.info.task,
            wanted=spec.task,
        )


class _Phases:
    """Where each stretch of training on one dataset begins, to know the last iteration a run reaches."""

    def __init__(self, spec):
        self.spec, self.base_step, self.base_epoch = spec, 0, 0

    @property
    def total(self):
        return self.base_step + (self.spec.epochs - self.base_epoch) * self.spec.steps_per_epoch

    def new_data(self, iteration, dataset):
        self.base_epoch += (iteration - self.base_step) // self.spec.steps_per_epoch
        self.base_step, self.spec = iteration, replace(self.spec, dataset=dataset)


def parse(errors: list, raw: object, spec: Spec, read_dataset: Callable[[object, str], DatasetSpec | None]) -> tuple:
    """A spec's `edits` list -> a tuple of Edit and DataEdit in order; problems appended to `errors` by
    path. read_dataset(obj, path): a DataEdit's dataset as a DatasetSpec (None, its problems appended)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_EDITS:
        errors.append(entry("edits", gettext_noop("must be a list of at most %(limit)s edits"), limit=MAX_EDITS))
        return ()
    phases, parsed, last = _Phases(spec), [], 0
    for i, obj in enumerate(raw):
        path = f"edits[{i}]"
        data = isinstance(obj, dict) and set(obj) == {"iteration", "dataset"}
        if not isinstance(obj, dict) or not (data or set(obj) == {"iteration", *KEYS}):
            errors.append(
                entry(
                    path,
                    gettext_noop(
                        "must be an object with iteration, layer, unit, input (null: the bias) and value, "
                        "or with iteration and dataset"
                    ),
                )
            )
            continue
        iteration = obj["iteration"]
        if not _integer(iteration) or not last <= iteration < phases.total:  # after the last step: no effect
            errors.append(
                entry(
                    path,
                    gettext_noop("iteration must be a whole number from %(low)s (the edit before) to %(high)s"),
                    low=last,
                    high=phases.total - 1,
                )
            )
            continue
        edit = _data_edit(errors, obj, path, phases, read_dataset) if data else _weight_edit(errors, obj, path, spec)
        if edit is not None:
            last = iteration
            parsed.append(edit)
    return tuple(parsed)


def _weight_edit(errors, obj, path, spec):
    layer, unit, input, value = (obj[k] for k in KEYS)
    counts = (layer, unit) if input is None else (layer, unit, input)
    if not all(_integer(n) and n >= 0 for n in counts) or not _is_number(value):
        errors.append(entry(path, gettext_noop("layer, unit and input must be whole numbers from 0, value a number")))
        return None
    try:
        check(spec, layer, unit, input, float(value))
    except Problem as problem:
        errors.append(entry(path, problem.template, **problem.params))
        return None
    return Edit(obj["iteration"], layer, unit, input, float(value))


def _data_edit(errors, obj, path, phases, read_dataset):
    dataset = read_dataset(obj["dataset"], f"{path}.dataset")
    if dataset is None:
        return None
    try:
        check_data(phases.spec, dataset)
    except Problem as problem:
        errors.append(entry(f"{path}.dataset", problem.template, **problem.params))
        return None
    phases.new_data(obj["iteration"], dataset)
    return DataEdit(obj["iteration"], dataset)


def _is_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int too large for a float
        return False
