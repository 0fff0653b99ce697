"""What every Keras-style object shares: its repr is the code that builds it.

`Part.arguments()` gives the arguments that differ from Keras' defaults, and
repr writes them as a constructor call, `Dense(4, activation="tanh", input_dim=2)`;
`trainer.codegen` writes exported scripts with these reprs, so the script and
`Sequential.from_spec` build the very same objects.
"""

import json
import numbers

import numpy as np


def source(value: object) -> str:
    """Python source for one argument value."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "(" + ", ".join(map(source, value)) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


class Part:
    """Base: `arguments()` gives (positional values, {keyword: value}) of the
    non-default arguments; repr is the constructor call."""

    def arguments(self) -> tuple[list, dict]:
        return [], {}

    def __repr__(self):
        pos, kw = self.arguments()
        return f"{type(self).__name__}({', '.join([*map(source, pos), *(f'{k}={source(v)}' for k, v in kw.items())])})"

    def __eq__(self, other):
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))


def positive_int(name: str, value: object, message: str | None = None) -> int:
    """value as an int, or Keras' ValueError (message, if given) when it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(
            message
            or f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a number. Received: {name}={value!r}")
    return float(value)


def count(name: str, value: object, zero: bool = False) -> int:
    """value as an int, or Keras' ValueError when it is not a positive (zero: non-negative) integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if zero else 1):
        raise ValueError(
            f"`{name}` must be a {'non-negative' if zero else 'positive'} integer. Received: {name}={value!r}"
        )
    return int(value)
