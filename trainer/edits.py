"""Weights and biases set by hand: part of a run's history, so a re-run reproduces them.

An edit sets one number of a dense layer at an iteration (before the steps after it):
the weight from input `input` to unit `unit`, or the unit's bias where `input` is None.
A spec lists the edits its first run made (`edits`, in the order they were made); the run
loop applies them where they belong, and applies live ones (the control `edit_weight`)
where it stands. Plain Python: no Django, no JAX.
"""

import math
from dataclasses import asdict, dataclass

from trainer.messages import Problem, entry, gettext_noop

MAX_EDITS = 200  # a spec's edits: far more than a person makes by hand in one run
MAX_VALUE = 1000.0  # |a weight or bias| set by hand
KEYS = ("layer", "unit", "input", "value")  # an edit as the control protocol sends it (trainer.controls)


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


def check(spec, layer, unit, input, value) -> None:
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


def parse(errors: list, raw, spec) -> tuple:
    """A spec's `edits` list -> a tuple of Edit in order; problems appended to `errors` by path."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_EDITS:
        errors.append(entry("edits", gettext_noop("must be a list of at most %(limit)s edits"), limit=MAX_EDITS))
        return ()
    total, parsed, last = spec.epochs * spec.steps_per_epoch, [], 0
    for i, obj in enumerate(raw):
        path = f"edits[{i}]"
        if not isinstance(obj, dict) or set(obj) != {"iteration", *KEYS}:
            errors.append(
                entry(
                    path,
                    gettext_noop("must be an object with iteration, layer, unit, input (null: the bias) and value"),
                )
            )
            continue
        iteration, layer, unit, input, value = (obj[k] for k in ("iteration", *KEYS))
        counts = (iteration, layer, unit) if input is None else (iteration, layer, unit, input)
        if not all(_integer(n) and n >= 0 for n in counts) or not _is_number(value):
            errors.append(
                entry(
                    path, gettext_noop("iteration, layer, unit and input must be whole numbers from 0, value a number")
                )
            )
            continue
        if not last <= iteration < total:  # an edit after the last step would change nothing
            errors.append(
                entry(
                    path,
                    gettext_noop("iteration must be from %(low)s (the edit before) to %(high)s"),
                    low=last,
                    high=total - 1,
                )
            )
            continue
        try:
            check(spec, layer, unit, input, float(value))
        except Problem as problem:
            errors.append(entry(path, problem.template, **problem.params))
            continue
        last = iteration
        parsed.append(Edit(iteration, layer, unit, input, float(value)))
    return tuple(parsed)


def _is_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int too large for a float
        return False
