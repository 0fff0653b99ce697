"""playground.controls.parse_control on anything a socket client sends: a control dict
or a ValueError saying what is wrong, never another exception (the consumer would die)."""

import json

from hypothesis import example, given
from hypothesis import strategies as st

from playground import controls
from tests.fuzz import json_objects, json_values, text

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
