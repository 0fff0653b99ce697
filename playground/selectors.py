"""Reads. Ownership is decided here once, for the API and the websocket alike."""

from playground.models import Run


def run_is_owned_by(run, *, user, session_key):
    """A run belongs to its user, or, when created anonymously, to that browser session."""
    owner_id = run.experiment.owner_id
    if owner_id is not None:
        return user is not None and user.is_authenticated and user.pk == owner_id
    return bool(session_key) and run.experiment.owner_session == session_key


def run_get(run_id):
    return Run.objects.select_related("experiment").filter(pk=run_id).first()


def run_get_for_viewer(run_id, *, user, session_key):
    """The run if this viewer owns it, else None (callers answer 404: no hint that it exists)."""
    run = run_get(run_id)
    if run is None or not run_is_owned_by(run, user=user, session_key=session_key):
        return None
    return run


def run_metrics_frames(run):
    """Every stored metrics frame, in emission order, with the last seq (0 if none)."""
    rows = list(run.frames.order_by("seq").values_list("seq", "payload"))
    return [payload for _, payload in rows], (rows[-1][0] if rows else 0)


def run_history_frames(run):
    """What a (re)connecting viewer gets before the live stream: the status, all
    metrics frames in order, the latest probes, and `done` if the run has ended.
    Returns (frames, last_seq) so the live stream can skip frames already sent."""
    metrics, last_seq = run_metrics_frames(run)
    frames = [{"type": "status", "status": run.status, "message": run.message or None}, *metrics]
    frames += (run.probes or {}).values()  # the latest boundary, neurons, ... frame
    if not run.is_active:
        frames.append({"type": "done", "status": run.status, "metrics": run.final_metrics or {}})
    return frames, last_seq


def run_as_dict(run):
    metrics, _ = run_metrics_frames(run)
    return {
        "id": run.pk,
        "status": run.status,
        "message": run.message or None,
        "spec": run.experiment.spec,
        "steps_per_second": run.steps_per_second,
        "created": run.created.isoformat(),
        "started": run.started.isoformat() if run.started else None,
        "finished": run.finished.isoformat() if run.finished else None,
        "metrics": metrics,
        "final": run.final_metrics,
    }
