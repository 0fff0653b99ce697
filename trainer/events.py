"""The frames a run emits, defined once. Each is a JSON-ready dict with a
`type`; the web side forwards them untouched and the page dispatches on
`type` (static/js/socket.js)."""

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


def boundary(payload):
    return {"type": "boundary", **payload}


def neurons(payload):
    return {"type": "neurons", **payload}


def filters(payload):
    return {"type": "filters", **payload}


def feature_maps(payload):
    return {"type": "feature_maps", **payload}


def confusion(payload):
    return {"type": "confusion", **payload}


def predictions(payload):
    return {"type": "predictions", **payload}


def embedding(payload):
    return {"type": "embedding", **payload}


def hidden_states(payload):
    return {"type": "hidden_states", **payload}


def done(state, final_metrics, message=None):
    assert state in FINAL, state
    return {"type": "done", "status": state, "metrics": final_metrics, "message": message}


def error(message):
    return {"type": "error", "message": message}
