"""The body limit inside daphne, the server of `make run`, the Procfile and compose.

Daphne (on twisted.web) reads a request's whole body into a temporary file before it
calls the application, so bodylimit.BodyLimit sees a 100 MB body only once all of it
has arrived. This request class refuses it while it arrives: a Content-Length over
bodylimit.largest_body() gets the 413 at once, before any of the body is read; a chunked
body gets it as soon as what came passes the limit. The connection is closed after the
answer (the client may still be sending). A reverse proxy in front (client_max_body_size)
does the same one hop earlier."""

import json

from daphne import http_protocol
from django.utils.translation import gettext as _

from playground.bodylimit import largest_body

DaphneRequest = http_protocol.WebRequest


def answer_413(limit):
    """The raw HTTP/1.1 response: written to the transport, as no request line was parsed yet."""
    body = json.dumps(
        {"errors": [{"path": "", "message": _("request body is larger than %(limit)s bytes") % {"limit": limit}}]}
    )
    head = (
        "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body.encode())}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body.encode()


class LimitedRequest(DaphneRequest):
    refused = False
    body_read = 0

    def gotLength(self, length):
        self.limit = largest_body()
        if length is not None and length > self.limit:
            self.requestHeaders.removeHeader(b"Expect")  # no "100 Continue" after the 413
            self.refuse()
            length = 0  # nothing of it will be kept
        super().gotLength(length)

    def handleContentChunk(self, data):
        if self.refused:
            return
        self.body_read += len(data)
        if self.body_read > self.limit:
            return self.refuse()
        super().handleContentChunk(data)

    def refuse(self):
        self.refused = True
        self.channel.transport.write(answer_413(self.limit))
        self.channel.transport.loseConnection()

    def process(self):
        if not self.refused:  # a refused body that was already all in the buffer never reaches the app
            return super().process()


def install():
    """Make daphne build LimitedRequests (its HTTPFactory looks WebRequest up at each connection)."""
    http_protocol.WebRequest = LimitedRequest
