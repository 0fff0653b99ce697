"""Reading untrusted JSON: numbers within bounds, choices, and one object's fields,
collecting every problem (with its path) instead of stopping at the first."""

from __future__ import annotations

import math
from typing import Any

from trainer.messages import Problem, entry, gettext_noop


class SpecError(ValueError):
    """A spec that cannot run. `errors` is a list of {"path", "message"}; the trainer's own entries
    also carry "template" and "params" (trainer.messages.entry), which the web side translates."""

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors))


def number(value: object, lo: float, hi: float, integer: bool = False) -> int | float:
    """A JSON number within [lo, hi] -> int or float; ValueError (a trainer.messages.Problem) saying what is wrong.
    Every numeric field goes through here: a bool, NaN, infinity or an integer too big
    for a float (10**400: math and float() overflow on it) is an error, never an exception."""
    whole = gettext_noop("must be a whole number")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Problem(whole if integer else gettext_noop("must be a number"))
    if isinstance(value, float) and not math.isfinite(value):
        raise Problem(gettext_noop("must be finite (not NaN or infinity)"))
    if integer and isinstance(value, float) and not value.is_integer():
        raise Problem(whole)
    if not lo <= value <= hi:  # exact for ints of any size: Python compares int and float without converting
        raise Problem(gettext_noop("must be between %(low)s and %(high)s"), low=f"{lo:g}", high=f"{hi:g}")
    return int(value) if integer else float(value)


REQUIRED = ...  # a field's default when the spec must give it


class Reader:
    """Reads fields of one JSON object, collecting errors instead of stopping."""

    def __init__(self, errors: list, obj: object, path: str, allowed: set) -> None:
        self.errors, self.path = errors, path
        if not isinstance(obj, dict):
            self.fail("", gettext_noop("must be a JSON object"))
            obj = {}
        self.obj = obj
        for key in obj:
            if key not in allowed:
                self.fail(key, gettext_noop("unknown key; allowed: %(allowed)s"), allowed=", ".join(sorted(allowed)))

    def fail(self, key: str, template: str, **params: object) -> None:
        path = f"{self.path}.{key}" if self.path and key else (self.path or key)
        self.errors.append(entry(path, template, **params))

    def number(self, key: str, lo: float, hi: float, default: Any = REQUIRED, integer: bool = False) -> Any:
        if key not in self.obj:
            if default is REQUIRED:
                self.fail(key, gettext_noop("is required"))
            return None if default is REQUIRED else default
        try:
            return number(self.obj[key], lo, hi, integer)
        except ValueError as exc:
            return self.fail(key, exc.template, **exc.params)

    def integer(self, key: str, lo: int, hi: int, default: Any = REQUIRED) -> Any:
        return self.number(key, lo, hi, default, integer=True)

    def choice(self, key: str, options: tuple, default: Any = REQUIRED) -> Any:
        if key not in self.obj:
            if default is REQUIRED:
                self.fail(key, gettext_noop("is required"))
                return None
            return default
        value = self.obj[key]
        if not isinstance(value, str) or value not in options:
            return self.fail(key, gettext_noop("must be one of %(choices)s"), choices=", ".join(options))
        return value
