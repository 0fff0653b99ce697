"""The frames a run emits, defined once. Each is a JSON-ready dict with a
`type`; the web side forwards them untouched (all but `checkpoint`, which it
stores) and the page dispatches on `type` (static/js/socket.js)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.edits import Edit

# A run's statuses, the one list: playground.models.Run.Status is built from it (the page's labels:
# static/js/experiments/detail.js).
STATUSES = ("queued", "running", "paused", "completed", "stopped", "failed", "diverged")
FINAL = ("completed", "stopped", "failed", "diverged")
# Every one of these reaches a viewer, in order; of the others (pictures and weights) a slow viewer
# gets the newest (playground/outbox.py; the page's static/js/socket.js has the same set).
ORDERED = ("metrics", "status", "done", "error", "edit")


def status(state: str, message: str | None = None) -> dict:
    assert state in STATUSES, state
    return {"type": "status", "status": state, "message": message}


def metrics(
    points: list, counters: dict, evaluation: dict, learning_rate: float, steps_per_second: float | None
) -> dict:
    """points: [[iteration, batch loss], ...] since the last frame.
    counters: iteration, epoch, epochs, total_steps, samples_seen.
    evaluation: engine.evaluate's result as floats."""
    train, test = evaluation["train"], evaluation["test"]
    return {
        "type": "metrics",
        "points": points,
        **counters,
        "train_loss": train["loss"],
        "test_loss": test["loss"],
        "train_accuracy": train.get("accuracy"),
        "test_accuracy": test.get("accuracy"),
        "train_rmse": train.get("rmse"),
        "test_rmse": test.get("rmse"),
        "test_r2": test.get("r2"),
        "learning_rate": learning_rate,
        "steps_per_second": steps_per_second,
    }


# The pictures (payloads built in trainer/probes.py, which documents their fields):
# boundary and neurons for 2-D points; filters, feature_maps and predictions for
# images; embedding and hidden_states for text; confusion for every classifier;
# gradients for every network (trainer/gradients.py: per weighted layer, the
# gradient norms and histograms of weights, biases and weight gradients, with the
# iteration, so the page draws them over time). Each with how a saved experiment's page
# keeps it (playground/snapshots.py picks its time slider's snapshots, playground/figures/
# draws them), in that page's order:
OPENS = "opens"  # drawn there; the time slider keeps it, and a snapshot opens on it
JOINS = "joins"  # drawn there; kept in a snapshot another picture opened, never opening one: it goes out
# several times between two of the others (trainer.loop.GRADIENT_INTERVAL), and alone would take their slot
LIVE = "live"  # the live page only
PROBES = {
    "boundary": OPENS,
    "neurons": OPENS,
    "filters": OPENS,
    "feature_maps": OPENS,
    "predictions": LIVE,
    "confusion": OPENS,
    "embedding": OPENS,
    "hidden_states": OPENS,
    "gradients": JOINS,
}


def probe(kind: str, payload: dict) -> dict:
    assert kind in PROBES, kind
    return {"type": kind, **payload}


def weights(iteration: int, dense: dict) -> dict:
    """A dense network's weights after `iteration`, at display rate: the page computes the
    boundary and every neuron's picture from them (static/js/forward.js), as TensorFlow
    Playground does. dense: probes.dense_weights, {"weights": [kernel rows], "biases": [...]}."""
    return {"type": "weights", "iteration": iteration, **dense}


def edit(edit: Edit, previous: float, evaluation: dict, live: bool) -> dict:
    """A weight or bias set by hand (trainer.edits.Edit, applied after its iteration), the number it
    replaced, and the losses right after it: the page marks it on the loss curve. live: set now
    (a control), not repeated from the spec; the web side adds live ones to the spec."""
    return {
        "type": "edit",
        **edit.to_dict(),
        "live": live,
        "previous": previous,
        "train_loss": evaluation["train"]["loss"],
        "test_loss": evaluation["test"]["loss"],
    }


def done(state: str, final_metrics: dict, message: str | None = None) -> dict:
    assert state in FINAL, state
    return {"type": "done", "status": state, "metrics": final_metrics, "message": message}


def checkpoint(iteration: int, weights: dict) -> dict:
    """Not for browsers: the weights after `iteration` ("<layer>.<param>" ->
    np.ndarray), which the web side stores so a live run can predict."""
    return {"type": "checkpoint", "iteration": iteration, "weights": weights}


def error(message: str) -> dict:
    return {"type": "error", "message": message}
