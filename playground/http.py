"""What every JSON view shares: error answers, the JSON body, the anonymous session, the 400 wrapper."""

import functools

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, RawPostDataException
from django.utils.translation import gettext as _

from playground import controls, messages
from trainer import spec as specs


def run_socket(run_id):
    """The path of a run's websocket (playground.routing)."""
    return f"/ws/runs/{run_id}/"


def errors(status, message, path=""):
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


class BadRequest(Exception):
    def __init__(self, response):
        self.response = response


def json_object(request, limit, what="spec"):
    """The body as a JSON object of at most `limit` bytes; raises BadRequest with the answer."""
    try:
        body = request.body
    except RequestDataTooBig:
        body = None
    except RawPostDataException:  # a multipart form, already read as one (the CSRF check looks for its token there)
        raise BadRequest(
            errors(400, _("send the body as JSON (Content-Type: application/json), not as a multipart form"))
        ) from None
    if body is None or len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise BadRequest(
            errors(
                413, _("request body is larger than %(limit)s bytes") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
            )
        )
    if len(body) > limit:  # too large for this endpoint: 413 as for any body too large
        raise BadRequest(errors(413, _("%(what)s is larger than %(limit)s bytes") % {"what": what, "limit": limit}))
    try:
        data = controls.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(errors(400, _("body is not valid JSON: %(error)s") % {"error": exc})) from None
    if not isinstance(data, dict):
        raise BadRequest(errors(400, _("body must be a JSON object")))
    return data


def session_key(request):
    if not request.session.session_key:
        request.session.save()  # anonymous visitors own their runs through the session
    return request.session.session_key


def api(view):
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
