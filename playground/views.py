"""The page and the JSON API. Thin: parse the body, call a service or selector, answer."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from playground import exports, http, jobs, messages, predict, selectors, services, taskbackend
from playground.uploads import previews as dataset_previews
from playground.uploads import selectors as dataset_selectors
from trainer import spec as specs


@require_GET
@ensure_csrf_cookie
def index(request):
    return render(request, "playground/index.html", {"catalog": dataset_selectors.catalog()})


@require_GET
def api_catalog(request):
    return JsonResponse(dataset_selectors.catalog())  # the registries, with the uploaded datasets


@require_POST
@http.api
def api_runs(request):
    data = http.json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES)
    pace, paused = None, False
    if "spec" in data:  # the envelope {"spec": {...}, "steps_per_second": ..., "paused": ...}
        if extra := sorted(set(data) - {"spec", "steps_per_second", "paused"}):
            raise http.BadRequest(
                http.errors(400, _("unknown key; the envelope takes spec, steps_per_second and paused"), extra[0])
            )
        data, pace, paused = data["spec"], data.get("steps_per_second"), data.get("paused", False)
        if not isinstance(data, dict):
            raise http.BadRequest(http.errors(400, _("must be a JSON object"), "spec"))
    run = services.run_create(
        data, user=request.user, session_key=http.session_key(request), steps_per_second=pace, paused=paused
    )
    return JsonResponse({"id": run.pk, "ws": http.run_socket(run.pk)}, status=201)


@require_GET
def api_run_detail(request, run_id):
    run = selectors.run_get_for_viewer(run_id, user=request.user, session_key=request.session.session_key)
    if run is None:
        return http.errors(404, _("no such run (or it is not yours)"))
    data = selectors.run_as_dict(run)
    return JsonResponse({**data, "message": messages.run_message(data.get("message"))})


@require_POST
@http.api
def api_run_predict(request, run_id):
    """A drawing or a sentence through a run's latest stored weights (the owner's only)."""
    run = selectors.run_get(run_id)
    if run is None or not selectors.run_is_owned_by(run, user=request.user, session_key=request.session.session_key):
        return http.errors(404, _("no such run (or it is not yours)"))
    data = predict.parse_request(
        http.json_object(request, predict.MAX_BODY, _("the body")),
        run.experiment.spec,
        dataset_selectors.dataset_infos(),
    )
    if not run.weights:
        return http.errors(
            409,
            _(
                "this run has no weights stored yet: they are stored when it pauses, every few seconds "
                "while it trains, and when it ends"
            ),
        )
    if run.status == "diverged":
        return http.errors(
            409, _("this run diverged: its weights are not numbers; train it again with a lower learning rate")
        )
    # Computed where runs train (never here: web processes do not load JAX), answered in a few seconds.
    timeout = settings.PLAYGROUND_PREDICT_TIMEOUT_S
    try:
        answer = taskbackend.ask(jobs.predict, run.pk, timeout=timeout, **data)
    except taskbackend.NoAnswer:
        response = http.errors(
            503, _("no worker answered within %(seconds)s s; try again in a moment") % {"seconds": f"{timeout:g}"}
        )
        response["Retry-After"] = "5"
        return response
    if answer is None:  # deleted meanwhile
        return http.errors(404, _("no such run (or it is not yours)"))
    return JsonResponse(answer)


@require_POST
@http.api
def api_spec_validate(request):
    spec = services.spec_parse(specs.parse, http.json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    return JsonResponse({"summary": specs.describe(spec)})


@require_POST
@http.api
def api_spec_code(request):
    """The spec as a runnable trainer.keras script (the page's Code panel)."""
    spec = services.spec_parse(specs.parse, http.json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    return JsonResponse({"script": exports.script(spec.to_dict()), "filename": "playground_model.py"})


@require_POST
@http.api
def api_dataset_preview(request):
    dataset = services.spec_parse(specs.parse_dataset, http.json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    # built-in: generated; uploaded: its stored arrays. ?levels=1 adds every token level of a text set (slow).
    return JsonResponse(dataset_previews.points(dataset, levels=request.GET.get("levels") == "1"))


def csrf_failure(request, reason=""):
    return http.errors(
        403, _("CSRF check failed (%(reason)s); send the csrftoken cookie's value as X-CSRFToken") % {"reason": reason}
    )
