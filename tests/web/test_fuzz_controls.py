"""playground.controls.parse_control on anything a socket client sends: a control dict
or a ValueError saying what is wrong, never another exception (the consumer would die)."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from playground import controls
from tests.fuzz import json_objects, json_values, text
from trainer import controls as trainer_controls

ACTIONS = st.sampled_from([*controls.SIMPLE_ACTIONS, *controls.VALUE_ACTIONS])
messages = st.fixed_dictionaries({"action": ACTIONS}, optional={"value": json_values}) | json_objects


def parsed_or_refused(frame):
    try:
        control = controls.parse_control(frame)
    except ValueError as exc:
        assert str(exc)
        return None
    assert isinstance(control, dict) and control["action"] in (*controls.SIMPLE_ACTIONS, *controls.VALUE_ACTIONS)
    json.dumps(control, allow_nan=False)  # it travels through the channel layer
    return control


@given(text | st.none())
@example('{"action": "set_speed", "value": 1e999}')
def test_any_text_frame(frame):
    parsed_or_refused(frame)


@given(messages)
@example({"action": "set_speed", "value": 10**400})
@example({"action": "set_learning_rate", "value": -(10**400)})
@example({"action": "probe_sample", "value": 10**400})
def test_any_json_object(message):
    parsed_or_refused(json.dumps(message))


def within_protocol(control):
    """What trainer.controls defines, which the run loop trusts without checking again."""
    action, value = control["action"], control.get("value")
    if action in trainer_controls.SIMPLE_ACTIONS:
        return set(control) == {"action"}
    if action == "set_learning_rate":
        low, high = trainer_controls.LEARNING_RATE
        return type(value) is float and low <= value <= high
    if action == "set_speed":
        low, high = trainer_controls.MIN_STEPS_PER_SECOND, trainer_controls.MAX_STEPS_PER_SECOND
        return value is None or (type(value) is float and low <= value <= high)
    return action == "probe_sample" and type(value) is int and 0 <= value <= trainer_controls.MAX_PROBE_SAMPLE


@given(messages)
@example({"action": "set_speed", "value": 1})
@example({"action": "set_speed", "value": None})
@example({"action": "set_learning_rate", "value": 10000})
@example({"action": "probe_sample", "value": 4999})
def test_what_passes_is_what_the_loop_trusts(message):
    control = parsed_or_refused(json.dumps(message))
    assert control is None or within_protocol(control), control


def test_the_bounds_are_the_trainers():
    assert (controls.SIMPLE_ACTIONS, controls.VALUE_ACTIONS) == (
        trainer_controls.SIMPLE_ACTIONS,
        trainer_controls.VALUE_ACTIONS,
    )
    assert controls.parse_control('{"action": "probe_sample", "value": %d}' % trainer_controls.MAX_PROBE_SAMPLE)
    for refused in (
        '{"action": "probe_sample", "value": %d}' % (trainer_controls.MAX_PROBE_SAMPLE + 1),
        '{"action": "set_speed", "value": %d}' % (trainer_controls.MAX_STEPS_PER_SECOND + 1),
        '{"action": "set_learning_rate", "value": %g}' % (trainer_controls.LEARNING_RATE[1] * 2),
    ):
        with pytest.raises(ValueError):
            controls.parse_control(refused)
