"""Saved experiments: the list, experiment, compare and delete pages, downloads,
and the JSON API. Thin: ownership and queries in selectors, writes in services,
figures in figures, tables in summaries. A private experiment answers 404 to
everyone but its owner, exactly as a missing one does."""

import functools
import json
from datetime import timedelta

import plotly.io as pio
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from playground import exports, figures, http, messages, selectors, services, snapshots, summaries
from playground.models import Experiment
from playground.uploads import previews as dataset_previews
from trainer import spec as specs

PAGE_SIZE = 20
COMPARE_MIN, COMPARE_MAX = 2, 6
MAX_SMOOTHING = 0.99
SNAPSHOT_WAIT_S = 30  # how long after a run's end the page waits for its slider snapshots
MATCH_TOLERANCE = 1e-6  # a re-run's final test loss within this of the saved one "matches"


def _viewer(request):
    return {"user": request.user, "session_key": request.session.session_key}


def _visible(request, slug):
    """(experiment, access) or Http404 (missing, or private and not yours)."""
    experiment, access = selectors.experiment_get_for_viewer(slug, **_viewer(request))
    if experiment is None:
        raise Http404(_("no such experiment (or it is private)"))
    return experiment, access


def _owned(request, slug):
    experiment, access = _visible(request, slug)
    if access != "owner":
        raise http.BadRequest(http.errors(403, _("only the experiment's owner can change it")))
    return experiment


def figures_json(figs):
    """{name: Figure} -> one JSON object for a <script type="application/json">;
    <, > and & escaped so no string in it can end the script element."""
    body = ",".join(f"{json.dumps(name)}:{pio.to_json(fig, validate=False)}" for name, fig in figs.items())
    return ("{" + body + "}").replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- pages ---------------------------------------------------------------------------


@require_GET
def experiment_list(request):
    query, sort, mine = (
        request.GET.get("q", "")[:200],
        request.GET.get("sort", "newest"),
        request.GET.get("mine") == "1",
    )
    rows = selectors.experiments_visible(**_viewer(request), query=query, sort=sort, mine=mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page:
        e.yours = selectors.experiment_is_owned_by(e, **_viewer(request))
        e.stack = summaries.stack(e.spec)
        e.accuracy_text = "–" if e.test_accuracy is None else f"{e.test_accuracy:.1%}"
    return render(
        request,
        "experiments/list.html",
        {
            "page": page,
            "query": query,
            "sort": sort if sort in selectors.SORTS else "newest",
            "mine": mine,
            "sorts": [
                ("newest", _("newest first")),
                ("oldest", _("oldest first")),
                ("accuracy", _("test accuracy")),
                ("title", _("title")),
            ],
        },
    )


def detail_context(experiment, access):
    """Everything the experiment page shows, its figures included."""
    runs = selectors.experiment_runs(experiment)
    run = runs[0]
    run.message = messages.run_message(run.message)  # stored in English; shown in the page's language (not saved)
    history, _ = selectors.run_metrics_frames(run)
    spec = summaries.parsed(experiment.spec)
    task = spec.task if spec else "binary"
    # built-in: generated from the spec; uploaded: the stored arrays, split as the run split them; the points
    # the run ended on where some were drawn anew while it was paused
    points = dataset_previews.points(spec.last_dataset) if spec and spec.dataset.info.kind == "points" else None
    final = run.final_metrics or {}
    final_iteration = final.get("steps") or (history[-1]["iteration"] if history else 0)
    taken = selectors.run_snapshots(run)
    figs = figures.for_run(
        history=history,
        probes=run.probes or {},
        snapshots=taken,
        final_iteration=final_iteration,
        task=task,
        points=points,
        class_names=spec.dataset.info.class_names if spec else (),
        edits=experiment.spec.get("edits") or [],
    )
    layers, total_params = summaries.layer_table(experiment.spec)
    saved_loss = final.get("test_loss")
    return {
        "experiment": experiment,
        "access": access,
        "is_owner": access == "owner",
        "run": run,
        "saved_loss_text": "–" if saved_loss is None else f"{saved_loss:.8g}",
        "reruns": [_rerun_row(r, final.get("test_loss")) for r in runs[1:]],
        "active_runs": [{"id": r.pk, "ws": http.run_socket(r.pk)} for r in runs if r.is_active],
        "snapshots_pending": _snapshots_pending(run, len(taken)),
        "layers": layers,
        "total_params": total_params,
        "task": task,
        "dataset": summaries.dataset_words(experiment.spec),
        "metrics": summaries.metrics_rows(final),
        "figures": figs,
        "figures_json": figures_json(figs),
        "playground_ready": bool(spec),
        "script": _script(experiment) if spec else None,
        "visibilities": Experiment.Visibility.choices,
    }


def _script(experiment):
    """The Code tab: the model as a trainer.keras script (exports.script: the download's text)."""
    try:
        return exports.script(experiment.spec, experiment.title, experiment.notes)
    except specs.SpecError:
        return None


def _snapshots_pending(run, count):
    """Just finished, and the task is still replaying it for the time slider (compute._backfill_snapshots)."""
    steps = (run.final_metrics or {}).get("steps") or 0
    recent = run.finished is not None and timezone.now() - run.finished < timedelta(seconds=SNAPSHOT_WAIT_S)
    return recent and run.status in ("completed", "stopped") and count < snapshots.wanted(steps)


def _rerun_row(run, saved_loss):
    loss = (run.final_metrics or {}).get("test_loss")
    delta = abs(loss - saved_loss) if loss is not None and saved_loss is not None else None
    return {
        "run": run,
        "test_loss": loss,
        "delta": delta,
        "matches": delta is not None and delta <= MATCH_TOLERANCE,
        "test_loss_text": "–" if loss is None else f"{loss:.8g}",
    }


@require_GET
@ensure_csrf_cookie
def experiment_detail(request, slug):
    experiment, access = _visible(request, slug)
    return render(request, "experiments/detail.html", detail_context(experiment, access))


@require_POST
def experiment_edit(request, slug):
    experiment, access = _visible(request, slug)
    if access != "owner":
        raise Http404(_("no such experiment"))
    try:
        services.experiment_update(
            experiment,
            title=request.POST.get("title"),
            notes=request.POST.get("notes"),
            visibility=request.POST.get("visibility"),
        )
    except services.ExperimentError as exc:
        experiment.refresh_from_db()
        context = detail_context(experiment, access) | {"form_errors": messages.spec_errors(exc.errors)}
        return render(request, "experiments/detail.html", context, status=400)
    return redirect("experiment", slug=experiment.slug)


@require_http_methods(["GET", "POST"])
def experiment_delete(request, slug):
    experiment, access = _visible(request, slug)
    if access != "owner":
        raise Http404(_("no such experiment"))
    if request.method == "POST":
        try:
            services.experiment_delete(experiment)
        except services.ExperimentError as exc:
            return render(
                request,
                "experiments/confirm_delete.html",
                {"experiment": experiment, "errors": messages.spec_errors(exc.errors)},
                status=409,
            )
        return redirect("experiments")
    return render(request, "experiments/confirm_delete.html", {"experiment": experiment})


@require_POST
def experiment_rerun(request, slug):
    experiment, access = _visible(request, slug)
    if access != "owner":
        raise Http404(_("no such experiment"))
    services.experiment_rerun(experiment)
    return redirect("experiment", slug=experiment.slug)


def compare_context(slugs, smoothing, request):
    """The experiments among `slugs` this viewer may see (at most COMPARE_MAX),
    how many are gone or private, their overlaid curves and hyper-parameters."""
    found, missing = [], 0
    for slug in dict.fromkeys(slugs):  # in order, once each
        experiment, _ = selectors.experiment_get_for_viewer(slug, **_viewer(request))
        if experiment is None:
            missing += 1
        elif len(found) < COMPARE_MAX:
            found.append(experiment)
    runs = [selectors.experiment_runs(e)[0] for e in found]
    entries = [
        {
            "title": e.title,
            "history": selectors.run_metrics_frames(r)[0],
            "task": (summaries.parsed(e.spec) or _Binary).task,
        }
        for e, r in zip(found, runs)
    ]
    figs = dict(zip(("loss", "accuracy"), figures.compare(entries, smoothing))) if len(found) >= COMPARE_MIN else {}
    table = summaries.compare_table([(e.title, e.spec, r.final_metrics) for e, r in zip(found, runs)])
    return {
        "experiments": found,
        "missing": missing,
        "too_many": len(dict.fromkeys(slugs)) - missing > COMPARE_MAX,
        "figures": figs,
        "figures_json": figures_json(figs),
        "table": table,
        "smoothing": smoothing,
        "enough": len(found) >= COMPARE_MIN,
        "slugs": [e.slug for e in found],
        "metric_label": "RMSE" if entries and all(e["task"] == "regression" for e in entries) else "Accuracy",
    }


class _Binary:
    task = "binary"


def _smoothing(request):
    try:
        value = float(request.GET.get("smoothing", 0))
    except ValueError:
        return 0.0
    return min(max(value, 0.0), MAX_SMOOTHING) if value == value else 0.0


@require_GET
def experiment_compare(request):
    return render(
        request, "experiments/compare.html", compare_context(request.GET.getlist("e"), _smoothing(request), request)
    )


# --- downloads -----------------------------------------------------------------------


def _download(body, content_type, name):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def experiment_export(request, slug, what):
    experiment = _visible(request, slug)[0]
    run = selectors.experiment_runs(experiment)[0]
    if what == "spec.json":
        return _download(
            exports.spec_json(experiment.spec), "application/json", exports.filename(experiment, "spec.json")
        )
    if what == "metrics.csv":
        body = exports.metrics_csv(selectors.run_metrics_frames(run)[0])
        return _download(body, "text/csv; charset=utf-8", exports.filename(experiment, "metrics.csv"))
    if what == "batch-loss.csv":
        body = exports.batch_loss_csv(selectors.run_metrics_frames(run)[0])
        return _download(body, "text/csv; charset=utf-8", exports.filename(experiment, "batch-loss.csv"))
    if what == "weights.npz" and run.weights:
        return _download(bytes(run.weights), "application/octet-stream", exports.filename(experiment, "weights.npz"))
    if what == "script.py":
        body = exports.script(experiment.spec, experiment.title, experiment.notes)
        return _download(body, "text/x-python; charset=utf-8", exports.filename(experiment, "script.py"))
    raise Http404(_("nothing to download here (weights exist once the run has ended)"))


# --- JSON API ------------------------------------------------------------------------


def _json_api(view):
    """http.api's 400s, and a JSON 404 for what this viewer may not see."""

    inner = http.api(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return inner(request, *args, **kwargs)
        except Http404 as exc:
            return http.errors(404, str(exc))

    return wrapped


@require_http_methods(["GET", "POST"])
@_json_api
def api_experiments(request):
    if request.method == "GET":
        rows = selectors.experiments_visible(
            **_viewer(request),
            query=request.GET.get("q", "")[:200],
            sort=request.GET.get("sort", "newest"),
            mine=request.GET.get("mine") == "1",
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [
                    {
                        **selectors.experiment_as_dict(
                            e,
                            "owner" if selectors.experiment_is_owned_by(e, **_viewer(request)) else "viewer",
                            history=False,
                        ),
                        "test_accuracy": e.test_accuracy,
                        "test_loss": e.test_loss,
                    }
                    for e in page
                ],
            }
        )
    data = http.json_object(request, 64 * 1024)
    if extra := sorted(set(data) - {"run", "title", "notes", "visibility"}):
        raise http.BadRequest(http.errors(400, _("unknown key; send run, title, notes and visibility"), extra[0]))
    run_id = data.get("run")
    run = selectors.run_get(run_id) if isinstance(run_id, int) and not isinstance(run_id, bool) else None
    if run is None or selectors.run_access(run, user=request.user, session_key=http.session_key(request)) != "owner":
        return http.errors(404, _("no such run (or it is not yours)"), "run")
    was_saved = run.experiment.saved is not None
    experiment = services.experiment_save(
        run, title=data.get("title"), notes=data.get("notes", ""), visibility=data.get("visibility", "private")
    )
    return JsonResponse(
        selectors.experiment_as_dict(experiment, "owner", history=False), status=200 if was_saved else 201
    )


@require_http_methods(["GET", "PATCH", "DELETE"])
@_json_api
def api_experiment(request, slug):
    if request.method == "GET":
        experiment, access = _visible(request, slug)
        return JsonResponse(selectors.experiment_as_dict(experiment, access))
    experiment = _owned(request, slug)
    if request.method == "DELETE":
        services.experiment_delete(experiment)
        return HttpResponse(status=204)
    data = http.json_object(request, 64 * 1024)
    if extra := sorted(set(data) - {"title", "notes", "visibility"}):
        raise http.BadRequest(http.errors(400, _("unknown key; send title, notes or visibility"), extra[0]))
    services.experiment_update(experiment, **data)
    return JsonResponse(selectors.experiment_as_dict(experiment, "owner", history=False))


@require_POST
@_json_api
def api_experiment_rerun(request, slug):
    run = services.experiment_rerun(_owned(request, slug))
    return JsonResponse({"id": run.pk, "ws": http.run_socket(run.pk)}, status=201)


@require_GET
def api_experiments_compare(request):
    context = compare_context(request.GET.getlist("e"), _smoothing(request), request)
    body = (
        f'{{"missing":{context["missing"]},"slugs":{json.dumps(context["slugs"])},"figures":{context["figures_json"]}}}'
    )
    return HttpResponse(body, content_type="application/json")
