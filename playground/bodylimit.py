"""An ASGI guard for HTTP bodies: a request larger than any view accepts gets a 413
before its body is read (a Content-Length over the limit), or as soon as what it has
sent passes the limit (a chunked body). Django itself reads a body in full, into memory
or a temporary file, before a view can refuse it."""

import json

from django.conf import settings
from django.utils.translation import gettext as _

from playground.uploads.limits import limits as upload_limits

FORM_OVERHEAD = 1024 * 1024  # an upload's multipart boundaries and the admin form's other fields


def largest_body():
    """The largest body any view accepts: an uploaded dataset (with its form), or a JSON body."""
    return max(upload_limits()["max_bytes"] + FORM_OVERHEAD, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def _content_length(scope):
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length; the byte count still applies
    return None


async def _too_large(send, limit):
    body = json.dumps(
        {"errors": [{"path": "", "message": _("request body is larger than %(limit)s bytes") % {"limit": limit}}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class BodyLimit:
    """Wraps the HTTP application; `limit` in bytes (default: largest_body(), read per request)."""

    def __init__(self, app, limit=None):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit if self.limit is not None else largest_body()
        length = _content_length(scope)
        if length is not None and length > limit:
            return await _too_large(send, limit)
        read, over, started = 0, False, False

        async def counted_receive():
            nonlocal read, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:  # stop reading: to the app, the client went away
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if over and not started:
            await _too_large(send, limit)
