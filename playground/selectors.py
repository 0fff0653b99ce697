"""Reads. Ownership is decided here once, for the API and the websocket alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, FloatField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Lower

from playground import http
from playground.models import Experiment, Run
from playground.uploads import selectors as dataset_selectors
from trainer import events
from trainer import spec as specs

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    User = AbstractBaseUser | AnonymousUser


def run_is_owned_by(run: Run, *, user: User | None, session_key: str | None) -> bool:
    """A run belongs to its user, or, when created anonymously, to that browser session."""
    owner_id = run.experiment.owner_id
    if owner_id is not None:
        return user is not None and user.is_authenticated and user.pk == owner_id
    return bool(session_key) and run.experiment.owner_session == session_key


def run_get(run_id: int) -> Run | None:
    return Run.objects.select_related("experiment").filter(pk=run_id).first()


def run_get_for_viewer(run_id: int, *, user: User | None, session_key: str | None) -> Run | None:
    """The run if this viewer owns it or it belongs to a saved public experiment,
    else None (callers answer 404: no hint that it exists)."""
    run = run_get(run_id)
    if run is None or not run_access(run, user=user, session_key=session_key):
        return None
    return run


def run_metrics_frames(run: Run, after: int = 0) -> tuple[list[dict], int]:
    """Every stored metrics frame with seq > after, in emission order, with the last seq (`after` if none)."""
    rows = list(run.frames.filter(seq__gt=after).order_by("seq").values_list("seq", "payload"))
    return [payload for _, payload in rows], (rows[-1][0] if rows else after)


def run_history_frames(run: Run) -> tuple[list[dict], int]:
    """What a (re)connecting viewer gets before the live stream: the status, all
    metrics frames in order, the latest probes, and `done` if the run has ended.
    Returns (frames, last_seq) so the live stream can skip frames already sent."""
    metrics, last_seq = run_metrics_frames(run)
    frames = [{"type": "status", "status": run.status, "message": run.message or None}, *metrics]
    frames += run_edit_frames(run, reached=metrics[-1]["iteration"] if metrics else 0)
    frames += (run.probes or {}).values()  # the latest boundary, neurons, ... frame
    if not run.is_active:
        frames.append(events.done(run.status, run.final_metrics or {}, run.message or None))
    return frames, last_seq


def run_spec(run: Run) -> specs.Spec:
    """The run's spec, parsed; it may name a ready uploaded dataset (archived versions included)."""
    return specs.parse(run.experiment.spec, uploads=dataset_selectors.dataset_infos())


def run_is_saved(run: Run) -> bool:
    """Whether its experiment is saved now (it may have been saved while the run trained)."""
    return Experiment.objects.filter(pk=run.experiment_id, saved__isnull=False).exists()


def run_is_first(run: Run) -> bool:
    """True for the run that made its experiment (the others are re-runs of its spec)."""
    return run.experiment.runs.order_by("created", "pk").values_list("pk", flat=True).first() == run.pk


def run_edit_frames(run: Run, reached: int) -> list[dict]:
    """The weights and biases set by hand in this run, as `edit` frames (trainer.events.edit, without
    what only the live frame knows): they live in the experiment's spec (playground.records.run_record_edit).
    A re-run repeats them as it goes: those up to iteration `reached`."""
    edits = run.experiment.spec.get("edits") or []
    first = run_is_first(run)
    return [{"type": "edit", **edit} for edit in edits if first or edit["iteration"] <= reached]


def run_as_dict(run: Run) -> dict:
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


# --- saved experiments (reads) ----------------------------------------------------------


def experiment_is_owned_by(experiment: Experiment, *, user: User | None, session_key: str | None) -> bool:
    if experiment.owner_id is not None:
        return user is not None and user.is_authenticated and user.pk == experiment.owner_id
    return bool(session_key) and experiment.owner_session == session_key


def experiment_access(experiment: Experiment, *, user: User | None, session_key: str | None) -> str | None:
    """ "owner", "viewer" (a saved public experiment, read-only) or None (answer 404:
    a private experiment is nobody else's business, not even that it exists)."""
    if experiment_is_owned_by(experiment, user=user, session_key=session_key):
        return "owner"
    if experiment.saved is not None and experiment.visibility == Experiment.Visibility.PUBLIC:
        return "viewer"
    return None


def run_access(run: Run, *, user: User | None, session_key: str | None) -> str | None:
    """The same rule for one run: it is its experiment's."""
    return experiment_access(run.experiment, user=user, session_key=session_key)


def experiment_get_for_viewer(
    slug: str | None, *, user: User | None, session_key: str | None
) -> tuple[Experiment, str] | tuple[None, None]:
    """(experiment, access) for a saved experiment this viewer may see, else (None, None)."""
    experiment = (
        Experiment.objects.select_related("owner").filter(slug=slug, saved__isnull=False).first() if slug else None
    )
    access = experiment and experiment_access(experiment, user=user, session_key=session_key)
    return (experiment, access) if access else (None, None)


def experiment_runs(experiment: Experiment) -> list[Run]:
    """Its runs, oldest first: the first is the saved one, the others re-runs."""
    return list(experiment.runs.order_by("created", "pk"))


def run_snapshots(run: Run) -> list[dict]:
    return [
        {"iteration": it, "frames": frames}
        for it, frames in run.snapshots.order_by("iteration").values_list("iteration", "frames")
    ]


def _owned_q(user, session_key):
    if user is not None and user.is_authenticated:
        return Q(owner=user)
    return Q(owner__isnull=True, owner_session=session_key) if session_key else Q(pk__in=[])


SORTS = {
    "newest": ("-saved", "-pk"),
    "oldest": ("saved", "pk"),
    "accuracy": (F("test_accuracy").desc(nulls_last=True), "-saved"),
    "title": (Lower("title"), "pk"),
}


def experiments_visible(
    *, user: User | None, session_key: str | None, query: str = "", sort: str = "newest", mine: bool = False
) -> QuerySet[Experiment]:
    """Saved experiments this viewer may list: their own and the public ones
    (mine=True: their own only), searched by title, dataset or layer type,
    annotated with the first run's test accuracy and status."""
    first_run = Run.objects.filter(experiment=OuterRef("pk")).order_by("created", "pk")
    rows = Experiment.objects.filter(saved__isnull=False).annotate(
        test_accuracy=Subquery(
            first_run.annotate(value=Cast(KT("final_metrics__test_accuracy"), FloatField())).values("value")[:1]
        ),
        test_loss=Subquery(
            first_run.annotate(value=Cast(KT("final_metrics__test_loss"), FloatField())).values("value")[:1]
        ),
        run_status=Subquery(first_run.values("status")[:1]),
        dataset=KT("spec__dataset__name"),
        layers_text=KT("spec__layers"),  # the layer list as JSON text: its types (and activations) searchable
    )
    owned = _owned_q(user, session_key)
    rows = rows.filter(owned if mine else owned | Q(visibility=Experiment.Visibility.PUBLIC))
    for word in query.split()[:8]:
        rows = rows.filter(Q(title__icontains=word) | Q(dataset__icontains=word) | Q(layers_text__icontains=word))
    return rows.order_by(*SORTS.get(sort, SORTS["newest"])).select_related("owner")


def experiment_as_dict(experiment: Experiment, access: str | None, *, history: bool = True) -> dict:
    """The API's view of a saved experiment; the first run's metrics history with history=True."""
    runs = experiment_runs(experiment)
    out = {
        "slug": experiment.slug,
        "title": experiment.title,
        "notes": experiment.notes,
        "visibility": experiment.visibility,
        "owner": experiment.owner.get_username() if experiment.owner else None,
        "yours": access == "owner",
        "saved": experiment.saved.isoformat(),
        "url": f"/experiments/{experiment.slug}/",
        "spec": experiment.spec,
        "runs": [{"id": r.pk, "status": r.status, "final": r.final_metrics, "ws": http.run_socket(r.pk)} for r in runs],
    }
    if history and runs:
        out["metrics"] = run_metrics_frames(runs[0])[0]
    return out
