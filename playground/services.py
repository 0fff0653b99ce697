"""Writes: create a run, record its frames as they come, finish it."""

import io
import logging
import math

import numpy as np
from django.db import transaction
from django.utils import timezone

from playground import jobs
from playground.models import Experiment, Run, RunFrame
from trainer import spec as specs

logger = logging.getLogger(__name__)
MAX_STEPS_PER_SECOND = 1_000_000


def spec_parse(parse, data):
    """trainer.spec.parse / parse_dataset on untrusted input: a parser bug on some odd
    value (it should raise SpecError naming the field) becomes a 400, not a 500."""
    try:
        return parse(data)
    except specs.SpecError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        logger.exception("the spec parser failed instead of naming the field")
        raise specs.SpecError([{"path": "", "message": f"the spec could not be read ({type(exc).__name__}: {exc})"}]) from exc


def check_steps_per_second(value):
    """None (as fast as possible) or a finite positive number; raises SpecError naming the field."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise specs.SpecError([{"path": "steps_per_second", "message": "must be a positive number, or null for full speed"}])
    if value > MAX_STEPS_PER_SECOND:
        raise specs.SpecError([{"path": "steps_per_second", "message": f"must be at most {MAX_STEPS_PER_SECOND}"}])
    return float(value)


def run_create(spec_dict, *, user=None, session_key="", steps_per_second=None, title=""):
    """Validate the spec (SpecError on any problem), store it as an Experiment with one
    queued Run, and enqueue the training once the rows are committed (the task runs
    on another thread or machine and must see them)."""
    spec = spec_parse(specs.parse, spec_dict)
    pace = check_steps_per_second(steps_per_second)
    owner = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        experiment = Experiment.objects.create(
            spec=spec.to_dict(), owner=owner, owner_session="" if owner else session_key, title=title[:200]
        )
        run = Run.objects.create(experiment=experiment, steps_per_second=pace)
        transaction.on_commit(lambda: jobs.train_run.enqueue(run.pk))
    return run


def run_start(run_id):
    """Mark a queued run running; None if it is gone or no longer queued (e.g. reconciled)."""
    now = timezone.now()
    updated = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started=now, heartbeat=now
    )
    return Run.objects.select_related("experiment").get(pk=run_id) if updated else None


def run_record_metrics(run, seq, frame):
    RunFrame.objects.create(run=run, seq=seq, payload=frame)


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


def run_finish(run, *, status, message="", metrics=None, probes=None, weights=None):
    now = timezone.now()
    fields = {"status": status, "message": message or "", "finished": now, "heartbeat": now, "final_metrics": metrics}
    if probes is not None:
        fields["probes"] = probes
    if weights:
        fields["weights"] = weights_to_npz(weights)
    Run.objects.filter(pk=run.pk).update(**fields)


def runs_reconcile():
    """Runs left queued/running/paused by a previous embedded server can never finish: fail them."""
    return Run.objects.filter(status__in=Run.ACTIVE).update(
        status=Run.Status.FAILED, message="server restarted", finished=timezone.now()
    )
