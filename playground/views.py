"""The page and the JSON API. Thin: parse the body, call a service or selector, answer."""

import functools

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, RawPostDataException
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from playground import controls, exports, jobs, messages, predict, selectors, services
from playground.uploads import previews as dataset_previews
from playground.uploads import selectors as dataset_selectors
from trainer import spec as specs


def _errors(status, message, path=""):
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


class BadRequest(Exception):
    def __init__(self, response):
        self.response = response


def _json_object(request, limit, what="spec"):
    """The body as a JSON object of at most `limit` bytes; raises BadRequest with the answer."""
    try:
        body = request.body
    except RequestDataTooBig:
        body = None
    except RawPostDataException:  # a multipart form, already read as one (the CSRF check looks for its token there)
        raise BadRequest(_errors(400, _("send the body as JSON (Content-Type: application/json), not as a multipart form"))) from None
    if body is None or len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise BadRequest(_errors(413, _("request body is larger than %(limit)s bytes")
                                 % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}))
    if len(body) > limit:  # too large for this endpoint: 413 as for any body too large
        raise BadRequest(_errors(413, _("%(what)s is larger than %(limit)s bytes") % {"what": what, "limit": limit}))
    try:
        data = controls.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_errors(400, _("body is not valid JSON: %(error)s") % {"error": exc})) from None
    if not isinstance(data, dict):
        raise BadRequest(_errors(400, _("body must be a JSON object")))
    return data


def _session_key(request):
    if not request.session.session_key:
        request.session.save()  # anonymous visitors own their runs through the session
    return request.session.session_key


def _api(view):
    """BadRequest and SpecError become 400s that name the field."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return exc.response
        except specs.SpecError as exc:
            return JsonResponse({"errors": messages.spec_errors(exc.errors)}, status=400)

    return wrapped


@require_GET
@ensure_csrf_cookie
def index(request):
    return render(request, "playground/index.html", {"catalog": dataset_selectors.catalog()})


@require_GET
def api_catalog(request):
    return JsonResponse(dataset_selectors.catalog())  # the registries, with the uploaded datasets


@require_POST
@_api
def api_runs(request):
    data = _json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES)
    pace, paused = None, False
    if "spec" in data:  # the envelope {"spec": {...}, "steps_per_second": ..., "paused": ...}
        if extra := sorted(set(data) - {"spec", "steps_per_second", "paused"}):
            raise BadRequest(_errors(400, _("unknown key; the envelope takes spec, steps_per_second and paused"), extra[0]))
        data, pace, paused = data["spec"], data.get("steps_per_second"), data.get("paused", False)
        if not isinstance(data, dict):
            raise BadRequest(_errors(400, _("must be a JSON object"), "spec"))
    run = services.run_create(data, user=request.user, session_key=_session_key(request), steps_per_second=pace,
                              paused=paused)
    return JsonResponse({"id": run.pk, "ws": f"/ws/runs/{run.pk}/"}, status=201)


@require_GET
def api_run_detail(request, run_id):
    run = selectors.run_get_for_viewer(run_id, user=request.user, session_key=request.session.session_key)
    if run is None:
        return _errors(404, _("no such run (or it is not yours)"))
    data = selectors.run_as_dict(run)
    return JsonResponse({**data, "message": messages.run_message(data.get("message"))})


@require_POST
@_api
def api_run_predict(request, run_id):
    """A drawing or a sentence through a run's latest stored weights (the owner's only)."""
    run = selectors.run_get(run_id)
    if run is None or not selectors.run_is_owned_by(run, user=request.user, session_key=request.session.session_key):
        return _errors(404, _("no such run (or it is not yours)"))
    data = predict.parse_request(_json_object(request, predict.MAX_BODY, _("the body")), run.experiment.spec,
                                 dataset_selectors.dataset_infos())
    if not run.weights:
        return _errors(409, _("this run has no weights stored yet: they are stored when it pauses, every few seconds "
                              "while it trains, and when it ends"))
    if run.status == "diverged":
        return _errors(409, _("this run diverged: its weights are not numbers; train it again with a lower learning rate"))
    return JsonResponse(jobs.run_predict(run, **data))


@require_POST
@_api
def api_spec_validate(request):
    spec = services.spec_parse(specs.parse, _json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    return JsonResponse({"summary": specs.describe(spec)})


@require_POST
@_api
def api_spec_code(request):
    """The spec as a runnable trainer.keras script (the page's Code panel)."""
    spec = services.spec_parse(specs.parse, _json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    return JsonResponse({"script": exports.script(spec.to_dict()), "filename": "playground_model.py"})


@require_POST
@_api
def api_dataset_preview(request):
    dataset = services.spec_parse(specs.parse_dataset, _json_object(request, settings.PLAYGROUND_MAX_SPEC_BYTES))
    # built-in: generated; uploaded: its stored arrays. ?levels=1 adds every token level of a text set (slow).
    return JsonResponse(dataset_previews.points(dataset, levels=request.GET.get("levels") == "1"))


def csrf_failure(request, reason=""):
    return _errors(403, _("CSRF check failed (%(reason)s); send the csrftoken cookie's value as X-CSRFToken") % {"reason": reason})
