"""Writes: create a run and enqueue it, save and share experiments. What the run's task writes while it
trains lives in playground.records (the task must not import this module, which enqueues it)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from playground import controls, jobs, ratelimits, textcheck
from playground.models import Experiment, Run

# The run's own writes, under the names the pages and tests know (defined in playground.records).
from playground.records import (  # noqa: F401
    run_finish,
    run_record_metrics,
    run_record_progress,
    run_record_snapshot,
    run_record_weights,
    run_replace_snapshots,
    run_start,
    weights_from_npz,
    weights_to_npz,
)
from playground.uploads import selectors as dataset_selectors
from trainer import spec as specs

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    User = AbstractBaseUser | AnonymousUser

logger = logging.getLogger(__name__)


def spec_parse[T](parse: Callable[..., T], data: object) -> T:
    """trainer.spec.parse / parse_dataset on untrusted input: a parser bug on some odd
    value (it should raise SpecError naming the field) becomes a 400, not a 500.
    The ready uploaded datasets are offered next to the built-in ones."""
    try:
        return parse(data, uploads=dataset_selectors.dataset_infos())
    except specs.SpecError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        logger.exception("the spec parser failed instead of naming the field")
        message = _("the spec could not be read (%(error)s)") % {"error": f"{type(exc).__name__}: {exc}"}
        raise specs.SpecError([{"path": "", "message": message}]) from exc


def check_steps_per_second(value: object) -> float | None:
    """None (as fast as possible) or a pace within controls' bounds (the socket's set_speed has
    the same); raises SpecError naming the field."""
    try:
        return controls.steps_per_second(value, "steps_per_second")
    except ValueError as exc:
        raise specs.SpecError([{"path": "steps_per_second", "message": str(exc)}]) from None  # controls translated it


def run_create(
    spec_dict: object,
    *,
    user: User | None = None,
    session_key: str | None = "",
    steps_per_second: object = None,
    title: str = "",
    paused: object = False,
) -> Run:
    """Validate the spec (SpecError on any problem), store it as an Experiment with one
    queued Run, and enqueue the training once the rows are committed (the task runs
    on another thread or machine and must see them). paused: the run starts paused
    (after compiling), waiting for step or resume."""
    spec = spec_parse(specs.parse, spec_dict)
    pace = check_steps_per_second(steps_per_second)
    if not isinstance(paused, bool):
        raise specs.SpecError([{"path": "paused", "message": _("must be true or false")}])
    owner = user if user is not None and user.is_authenticated else None
    ratelimits.check_active_runs(user, session_key)  # the address too, in ratelimits.RateLimitMiddleware
    with transaction.atomic():
        experiment = Experiment.objects.create(
            spec=spec.to_dict(), owner=owner, owner_session="" if owner else session_key, title=title[:200]
        )
        run = Run.objects.create(experiment=experiment, steps_per_second=pace, start_paused=paused)
        transaction.on_commit(lambda: run_enqueue(run.pk))
    return run


def run_enqueue(run_id: int) -> None:
    """Send a queued run's task to the task backend (once the run's row is committed)."""
    Run.objects.filter(pk=run_id).update(enqueued=timezone.now())
    jobs.train_run.enqueue(run_id)


def runs_requeue_lost(max_age_s: float) -> list[int]:
    """Queued runs whose task was sent more than max_age_s ago and never started: the
    broker lost it (Redis restarted empty) or it waits behind busy workers. Send each
    again; whichever copy comes first starts the run (run_start), the others do nothing.
    Returns their ids."""
    return requeue_stale(Run.objects.filter(status=Run.Status.QUEUED), max_age_s, jobs.train_run.enqueue)


def requeue_stale(waiting: QuerySet, max_age_s: float, enqueue: Callable[[int], object]) -> list[int]:
    """enqueue(pk) for each row of `waiting` (a queryset of rows with `enqueued` and
    `created`) whose task was sent more than max_age_s ago; restamps `enqueued`.
    Returns the pks sent."""
    cutoff = timezone.now() - timedelta(seconds=max_age_s)
    stale = waiting.filter(Q(enqueued__lt=cutoff) | Q(enqueued__isnull=True, created__lt=cutoff))
    sent = []
    for pk in stale.values_list("pk", flat=True):
        if stale.filter(pk=pk).update(enqueued=timezone.now()):  # one reconciler of several sends it
            enqueue(pk)
            sent.append(pk)
    return sent


def runs_fail_lost(max_age_s: float, message: str) -> list[int]:
    """Running or paused runs whose heartbeat is older than max_age_s: their worker is gone.
    Fail each (the guard leaves alone a run that beat meanwhile); returns their ids."""
    stale = Run.objects.filter(
        status__in=(Run.Status.RUNNING, Run.Status.PAUSED), heartbeat__lt=timezone.now() - timedelta(seconds=max_age_s)
    )
    return [
        run_id
        for run_id in stale.values_list("pk", flat=True)
        if stale.filter(pk=run_id).update(status=Run.Status.FAILED, message=message, finished=timezone.now())
    ]


SERVER_RESTARTED = gettext_noop("server restarted")  # stored in English, translated when shown (playground.messages)


def runs_reconcile() -> int:
    """Runs left queued/running/paused by a previous embedded server can never finish: fail them."""
    return Run.objects.filter(status__in=Run.ACTIVE).update(
        status=Run.Status.FAILED, message=SERVER_RESTARTED, finished=timezone.now()
    )


# --- saved experiments (writes) --------------------------------------------------------


class ExperimentError(specs.SpecError):
    """A title, notes or visibility that cannot be stored; errors name the field."""


TITLE_MAX, NOTES_MAX = 200, 20_000


def _experiment_fields(title=None, notes=None, visibility=None):
    """The given fields, checked; raises ExperimentError naming the first bad one."""
    fields = {}
    if title is not None:
        if not isinstance(title, str) or not title.strip():
            raise ExperimentError([{"path": "title", "message": _("give the experiment a title")}])
        if len(title.strip()) > TITLE_MAX:
            raise ExperimentError(
                [{"path": "title", "message": _("must be at most %(limit)s characters") % {"limit": TITLE_MAX}}]
            )
        if bad := textcheck.problem(title):
            raise ExperimentError([{"path": "title", "message": bad}])
        fields["title"] = title.strip()
    if notes is not None:
        if not isinstance(notes, str) or len(notes) > NOTES_MAX:
            raise ExperimentError(
                [
                    {
                        "path": "notes",
                        "message": _("must be text of at most %(limit)s characters") % {"limit": f"{NOTES_MAX:,}"},
                    }
                ]
            )
        if bad := textcheck.problem(notes):
            raise ExperimentError([{"path": "notes", "message": bad}])
        fields["notes"] = notes
    if visibility is not None:
        if visibility not in Experiment.Visibility.values:
            raise ExperimentError([{"path": "visibility", "message": _("must be 'private' or 'public'")}])
        fields["visibility"] = visibility
    return fields


def experiment_save(
    run: Run, *, title: object, notes: object = "", visibility: object = Experiment.Visibility.PRIVATE
) -> Experiment:
    """Save the run's experiment (the caller checked the owner): title, notes,
    visibility and an unguessable slug. A run still going keeps recording into
    it (its frames, snapshots and final probes are the run's) until it ends.
    The first save has the time slider's snapshots filled where runs train.
    Saving a saved experiment again only updates those fields."""
    experiment = run.experiment
    for name, value in _experiment_fields(title, notes, visibility).items():
        setattr(experiment, name, value)
    first = experiment.saved is None
    if first:
        experiment.saved, experiment.slug = timezone.now(), secrets.token_urlsafe(12)
    experiment.save()
    if first:  # its time slider: a scratch run streamed only a few snapshots (a run still going fills it itself)
        transaction.on_commit(lambda: jobs.fill_snapshots.enqueue(run.pk))
    return experiment


def experiment_update(
    experiment: Experiment, *, title: object = None, notes: object = None, visibility: object = None
) -> Experiment:
    """Rename, edit the notes, or switch visibility (the caller checked the owner)."""
    fields = _experiment_fields(title, notes, visibility)
    for name, value in fields.items():
        setattr(experiment, name, value)
    if fields:
        experiment.save(update_fields=list(fields))
    return experiment


def experiment_delete(experiment: Experiment) -> None:
    """Delete it with its runs; refused while one of them trains (stop it first)."""
    if experiment.runs.filter(status__in=Run.ACTIVE).exists():
        raise ExperimentError(
            [{"path": "", "message": _("a run of this experiment is still training: stop it or let it finish first")}]
        )
    experiment.delete()


def experiment_rerun(experiment: Experiment) -> Run:
    """Queue a fresh run of the stored spec (its seed included) in the same experiment."""
    with transaction.atomic():
        run = Run.objects.create(experiment=experiment)
        transaction.on_commit(lambda: run_enqueue(run.pk))
    return run


def experiments_claim(session_key: str | None, user: User | None) -> int:
    """On log-in or sign-up: the anonymous session's runs (saved or not) become the user's."""
    if not session_key or user is None or not user.is_authenticated:
        return 0
    return Experiment.objects.filter(owner__isnull=True, owner_session=session_key).update(owner=user, owner_session="")
