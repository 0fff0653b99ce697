"""A run's two channels and the messages on them, defined once.

- The group `run.<id>`: what the run publishes to its viewers' consumers. A `frames` message
  carries the frames of one moment, in order (a metrics frame, the weights, the pictures and
  gradients that go with it: one message, not one each, which is most of a frame's cost on the
  web side); a metrics frame holds its stored order, `seq`. A `stored` message tells the
  consumers the metrics frames up to `seq` are in the database.
- The channel `runctl.<id>`: control messages from the consumer to the run's inbox.

Plain Python: the producers (playground.recorder, playground.supervision) and the consumer
(playground.consumers) build and read these through here.
"""

from redis.exceptions import RedisError

# The channel layer unreachable (a Redis restart): live frames are dropped, not the run; viewers
# who reconnect replay them from the database. Publishing (and listening) is tried again after LAYER_RETRY_S.
LAYER_ERRORS = (OSError, TimeoutError, RedisError)
LAYER_RETRY_S = 1.0


def group_name(run_id):
    """The group a run publishes to and its viewers join."""
    return f"run.{run_id}"


CONTROL_PREFIX = "runctl."
CONTROL_CHANNELS = CONTROL_PREFIX + "*"  # every run's control channel (the channel layer's capacity for them)


def control_channel(run_id):
    """The channel a run's task listens on for control messages."""
    return f"{CONTROL_PREFIX}{run_id}"


def frames_message(frames):
    """The frames of one moment for the group; the consumer's `frames` handler forwards them."""
    return {"type": "frames", "frames": frames}


def stored_message(seq):
    """For the consumer's `stored` handler only: the metrics frames up to seq are stored."""
    return {"type": "stored", "seq": seq}


def control_message(control):
    """A parsed control (playground.controls.parse_control) for the run's control channel."""
    return {"type": "control", **control}


def control_from_message(message):
    """The control a control message carries: what the run's inbox takes."""
    return {k: v for k, v in message.items() if k != "type"}
