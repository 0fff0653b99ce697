"""The control protocol, defined once: what a run's inbox takes between chunks (trainer.loop).

A control is a plain dict (it travels through the channel layer as JSON):

    {"action": "pause" | "resume" | "step" | "stop"}
    {"action": "set_learning_rate", "value": float in LEARNING_RATE (the spec's bounds)}
    {"action": "set_speed", "value": None (full speed) or a float from MIN_ to MAX_STEPS_PER_SECOND}
    {"action": "probe_sample", "value": int from 0 to MAX_PROBE_SAMPLE (a test sample's index;
                                        the loop shows its test set's last sample past its end)}
    {"action": "edit_weight", "layer": int, "unit": int, "input": int or None (the bias), "value": float}
        (trainer.edits: one number of a dense layer set by hand, checked against the run's spec)
    {"action": "set_dataset", "dataset": a drawn set's spec dict} (trainer.edits.DataEdit: the points the
        run goes on with, parsed and checked against the run's spec where it entered)

Controls are checked once, where they enter: playground.controls.parse_control (a socket's
text) and the API's steps_per_second. The loop trusts what its inbox holds and only
dispatches it. Plain Python: no Django, no JAX.
"""

from trainer.spec import LIMITS

SIMPLE_ACTIONS = ("pause", "resume", "step", "stop")
VALUE_ACTIONS = ("set_learning_rate", "set_speed", "probe_sample")
EDIT_ACTION, DATA_ACTION = "edit_weight", "set_dataset"
ACTIONS = (*SIMPLE_ACTIONS, *VALUE_ACTIONS, EDIT_ACTION, DATA_ACTION)

# The pace a run accepts (the API's steps_per_second and the socket's set_speed alike): at least
# a step a second, so a run never crawls while it holds its place.
MIN_STEPS_PER_SECOND, MAX_STEPS_PER_SECOND = 1, 1_000_000
LEARNING_RATE = LIMITS["learning_rate"]  # (low, high), as in a spec's optimizer
MAX_PROBE_SAMPLE = LIMITS["samples"][1] - 1  # no dataset has more test samples than samples
