"""The frames a run emits, defined once. Each is a JSON-ready dict with a
`type`; the web side forwards them untouched (all but `checkpoint`, which it
stores) and the page dispatches on `type` (static/js/socket.js)."""

STATUSES = ("queued", "running", "paused", "completed", "stopped", "failed", "diverged")
FINAL = ("completed", "stopped", "failed", "diverged")


def status(state, message=None):
    assert state in STATUSES, state
    return {"type": "status", "status": state, "message": message}


def metrics(points, counters, evaluation, learning_rate, steps_per_second):
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
# iteration, so the page draws them over time).
PROBES = (
    "boundary",
    "neurons",
    "filters",
    "feature_maps",
    "predictions",
    "embedding",
    "hidden_states",
    "confusion",
    "gradients",
)


def probe(kind, payload):
    assert kind in PROBES, kind
    return {"type": kind, **payload}


def weights(iteration, dense):
    """A dense network's weights after `iteration`, at display rate: the page computes the
    boundary and every neuron's picture from them (static/js/forward.js), as TensorFlow
    Playground does. dense: probes.dense_weights, {"weights": [kernel rows], "biases": [...]}."""
    return {"type": "weights", "iteration": iteration, **dense}


def done(state, final_metrics, message=None):
    assert state in FINAL, state
    return {"type": "done", "status": state, "metrics": final_metrics, "message": message}


def checkpoint(iteration, weights):
    """Not for browsers: the weights after `iteration` ("<layer>.<param>" ->
    np.ndarray), which the web side stores so a live run can predict."""
    return {"type": "checkpoint", "iteration": iteration, "weights": weights}


def error(message):
    return {"type": "error", "message": message}
