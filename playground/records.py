"""Writes a run's task makes while it trains the run: its start, its frames as they come,
checkpoints, snapshots for the time slider, its end. The recorder (playground.recorder) and
the task's service (playground.compute) call these; playground.services, which enqueues
the task, names them too for the pages and tests. Nothing here enqueues anything."""

import io

import numpy as np
from django.db import transaction
from django.utils import timezone

from playground.models import Experiment, Run, RunFrame, RunSnapshot


def run_start(run_id):
    """Mark a queued run running; None if it is gone or no longer queued (e.g. reconciled)."""
    now = timezone.now()
    updated = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started=now, heartbeat=now
    )
    return Run.objects.select_related("experiment").get(pk=run_id) if updated else None


def run_record_metrics(run, frames):
    """Metrics frames [(seq, frame), ...] in one write (a run streams them at display rate)."""
    RunFrame.objects.bulk_create([RunFrame(run=run, seq=seq, payload=frame) for seq, frame in frames])


def run_record_progress(run, *, status=None, message=None, probes=None):
    """Heartbeat, plus whatever changed: status (from a status frame) and latest probes."""
    fields = {"heartbeat": timezone.now()}
    if status is not None:
        fields.update(status=status, message=message or "")
    if probes is not None:
        fields["probes"] = probes
    Run.objects.filter(pk=run.pk).update(**fields)


def weights_to_npz(weights):
    buf = io.BytesIO()
    np.savez(buf, **{name: np.asarray(array) for name, array in weights.items()})
    return buf.getvalue()


def weights_from_npz(blob):
    with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def run_record_edit(run, edit):
    """A weight or bias set by hand (trainer.edits, as a dict) joins the spec of the run's experiment,
    after those before it, so a re-run repeats it (only the first run is edited live: controls.check_edit)."""
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=run.experiment_id)
        experiment.spec = {**experiment.spec, "edits": [*experiment.spec.get("edits", []), edit]}
        experiment.save(update_fields=["spec"])


def run_record_weights(run, iteration, weights):
    """A live run's checkpoint: what predictions use until the run ends."""
    Run.objects.filter(pk=run.pk).update(weights=weights_to_npz(weights), weights_iteration=iteration)


def run_finish(run, *, status, message="", metrics=None, probes=None, weights=None):
    now = timezone.now()
    fields = {"status": status, "message": message or "", "finished": now, "heartbeat": now, "final_metrics": metrics}
    if probes is not None:
        fields["probes"] = probes
    if weights:
        fields.update(weights=weights_to_npz(weights), weights_iteration=(metrics or {}).get("steps"))
    Run.objects.filter(pk=run.pk).update(**fields)


def run_record_snapshot(run, snapshot):
    """One probe snapshot {"iteration", "frames"} for the time slider (None: nothing)."""
    if snapshot and snapshot["frames"]:
        RunSnapshot.objects.update_or_create(
            run=run, iteration=snapshot["iteration"], defaults={"frames": snapshot["frames"]}
        )


def run_replace_snapshots(run, snapshots):
    """A replay's snapshots instead of the streamed ones."""
    rows = [RunSnapshot(run=run, iteration=s["iteration"], frames=s["frames"]) for s in snapshots if s and s["frames"]]
    with transaction.atomic():
        RunSnapshot.objects.filter(run=run).delete()
        RunSnapshot.objects.bulk_create(rows)
