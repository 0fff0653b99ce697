"""Validation of what a browser sends over the run socket: the boundary of the control protocol
(trainer.controls defines its actions and bounds; the run loop trusts what passes here).
Turns JSON text into a control dict, or a ValueError with a translated message. No I/O."""

import json
import math

from django.utils.translation import gettext as _

from playground import messages
from trainer import edits
from trainer import spec as specs
from trainer.controls import (
    DATA_ACTION,
    EDIT_ACTION,
    LEARNING_RATE,
    MAX_PROBE_SAMPLE,
    MAX_STEPS_PER_SECOND,
    MIN_STEPS_PER_SECOND,
    SIMPLE_ACTIONS,
    VALUE_ACTIONS,
)
from trainer.messages import Problem

MAX_MESSAGE_CHARS = 1024
MAX_DATA_MESSAGE_CHARS = 64_000  # set_dataset: up to 1,000 drawn points


def _forbid_constant(name):
    raise ValueError(_("%(name)s is not valid JSON") % {"name": name})


def loads(text):
    """json.loads that refuses NaN/Infinity; raises ValueError for anything malformed."""
    try:
        return json.loads(text, parse_constant=_forbid_constant)
    except RecursionError:
        raise ValueError(_("JSON nested too deeply")) from None


def _finite(value, what):
    """An int or float as a finite float; ValueError for anything else (an int too large for
    a float included: math.isfinite(10**400) itself raises OverflowError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(_("%(what)s must be a finite number") % {"what": what})
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(_("%(what)s must be a finite number") % {"what": what})
    return number


def _positive(value, high, what):
    value = _finite(value, what)
    if not 0 < value <= high:
        raise ValueError(_("%(what)s must be above 0 and at most %(high)s") % {"what": what, "high": f"{high:g}"})
    return value


def steps_per_second(value, what="value"):
    """A pace: None (full speed) or a number of steps a second from MIN_ to MAX_STEPS_PER_SECOND,
    as a float; ValueError saying the bounds."""
    if value is None:
        return None
    value = _finite(value, what)
    if not MIN_STEPS_PER_SECOND <= value <= MAX_STEPS_PER_SECOND:
        raise ValueError(
            _("%(what)s must be from %(low)s to %(high)s steps a second, or null for full speed")
            % {"what": what, "low": f"{MIN_STEPS_PER_SECOND:g}", "high": f"{MAX_STEPS_PER_SECOND:,}"}
        )
    return value


def parse_control(text):
    """A client text frame -> a control dict for the run's inbox, or ValueError saying what is wrong."""
    too_long = _("send a JSON text message of at most %(limit)s characters")
    if text is None or len(text) > MAX_DATA_MESSAGE_CHARS:
        raise ValueError(too_long % {"limit": MAX_MESSAGE_CHARS})
    try:
        message = loads(text)
    except ValueError as exc:
        if len(text) > MAX_MESSAGE_CHARS:  # only a set of points is long, and it is JSON
            raise ValueError(too_long % {"limit": MAX_MESSAGE_CHARS}) from None
        raise ValueError(_("message is not JSON: %(error)s") % {"error": exc}) from None
    if not isinstance(message, dict):
        raise ValueError(_('a message must be a JSON object like {"action": "pause"}'))
    action = message.get("action")
    if len(text) > MAX_MESSAGE_CHARS and action != DATA_ACTION:
        raise ValueError(too_long % {"limit": MAX_MESSAGE_CHARS})
    allowed = {"action", "value"} if action in VALUE_ACTIONS else {"action"}
    if action == EDIT_ACTION:
        allowed = {"action", *edits.KEYS}
    if action == DATA_ACTION:
        allowed = {"action", "dataset"}
    if action not in (*SIMPLE_ACTIONS, *VALUE_ACTIONS, EDIT_ACTION, DATA_ACTION):
        raise ValueError(
            _("unknown action %(action)s; use pause, resume, step, stop, %(actions)s")
            % {"action": repr(action), "actions": ", ".join((*VALUE_ACTIONS, EDIT_ACTION, DATA_ACTION))}
        )
    if extra := sorted(set(message) - allowed):
        raise ValueError(
            _("unexpected key %(key)s for action %(action)s") % {"key": repr(extra[0]), "action": repr(action)}
        )
    if action == "set_learning_rate":
        low, high = LEARNING_RATE
        value = _positive(message.get("value"), high, "value")
        if value < low:
            raise ValueError(_("value must be at least %(low)s") % {"low": f"{low:g}"})
        return {"action": action, "value": value}
    if action == "probe_sample":  # the test sample the live feature maps / hidden states follow
        value = message.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PROBE_SAMPLE:
            raise ValueError(
                _("value must be a test sample's index, a whole number from 0 to %(max)s") % {"max": MAX_PROBE_SAMPLE}
            )
        return {"action": action, "value": value}
    if action == "set_speed":
        return {"action": action, "value": steps_per_second(message.get("value"))}
    if action == EDIT_ACTION:
        return _edit(message)
    if action == DATA_ACTION:
        if not isinstance(message.get("dataset"), dict):
            raise ValueError(_("set_dataset needs a dataset object"))
        return {"action": action, "dataset": message["dataset"]}  # checked against the run's spec: check_dataset
    return {"action": action}


def _index(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValueError(_("%(what)s must be a whole number from 0") % {"what": what})
    return value


def _edit(message):
    """edit_weight's fields, typed; whether they name a number of the run's network is
    check_edit's question (it needs the run's spec)."""
    if missing := [key for key in edits.KEYS if key not in message]:
        raise ValueError(_("edit_weight needs %(key)s") % {"key": missing[0]})
    return {
        "action": EDIT_ACTION,
        "layer": _index(message["layer"], "layer"),
        "unit": _index(message["unit"], "unit"),
        "input": None if message["input"] is None else _index(message["input"], "input"),
        "value": _finite(message["value"], "value"),
    }


def check_edit(spec, control):
    """ValueError (translated) if an edit_weight control names no number of `spec`'s network."""
    try:
        edits.check(spec, control["layer"], control["unit"], control["input"], control["value"])
    except Problem as problem:
        raise ValueError(_(problem.template) % problem.params) from None


def check_dataset(spec, spec_dict, control):
    """set_dataset's control with its dataset parsed (a drawn set's dict, as the loop takes it), or
    ValueError (translated) naming what is wrong: the run's spec (parsed, and `spec_dict` as stored)
    must hold with this dataset, and the network built for the old one must fit it."""
    base = {key: value for key, value in spec_dict.items() if key != "edits"}
    try:
        new = specs.parse({**base, "dataset": control["dataset"]})
        edits.check_data(spec, new.dataset)
    except specs.SpecError as exc:
        first = messages.spec_errors(exc.errors)[0]
        raise ValueError(f"{first['path']}: {first['message']}" if first["path"] else first["message"]) from None
    except Problem as problem:
        raise ValueError(_(problem.template) % problem.params) from None
    return {"action": DATA_ACTION, "dataset": new.dataset.to_dict()}
