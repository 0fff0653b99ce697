"""playground.serverlimit inside daphne's HTTP protocol (the server `make run`, the Procfile and
compose run), fed bytes as a socket would: a body over the limit is answered 413 and the
connection closed while it arrives, before the application exists; a body within it reaches
the application whole. Without it daphne reads every byte before calling the application."""

import json

import pytest
from daphne import http_protocol
from twisted.internet.address import IPv4Address
from twisted.internet.testing import StringTransport

from playground import bodylimit, serverlimit
from playground.asgi import application  # noqa: F401 (installs the limit, as the server's import does)


class Server:
    """The parts of daphne's Server its HTTP protocol uses; records the applications it starts."""

    proxy_forwarded_address_header = None
    root_path = ""
    request_buffer_size = 8192

    def __init__(self):
        self.scopes, self.bodies = [], []

    def protocol_connected(self, protocol):
        pass

    def protocol_disconnected(self, protocol):
        pass

    def create_application(self, protocol, scope):
        self.scopes.append(scope)
        server = self

        class Queue:
            def put_nowait(self, message):
                server.bodies.append(message.get("body", b""))

        return Queue()


def connect():
    server, transport = Server(), StringTransport()
    protocol = http_protocol.HTTPFactory(server).buildProtocol(IPv4Address("TCP", "127.0.0.1", 8000))
    protocol.makeConnection(transport)
    return server, transport, protocol


def head(**headers):
    lines = [
        "POST /api/runs/ HTTP/1.1",
        "Host: testserver",
        "Content-Type: application/json",
        *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


@pytest.fixture
def limit(settings):
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_bytes": 1000}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the limit is then 1000 + bodylimit.FORM_OVERHEAD
    return bodylimit.largest_body()


def refused(transport, limit):
    answer = transport.value()
    assert answer.startswith(b"HTTP/1.1 413 ") and transport.disconnecting, answer[:200]
    body = answer.split(b"\r\n\r\n", 1)[1]
    assert json.loads(body)["errors"][0]["message"] == f"request body is larger than {limit} bytes"


def test_the_server_asgi_module_makes_daphne_use_the_limited_request():
    assert http_protocol.WebRequest is serverlimit.LimitedRequest


def test_a_content_length_over_the_limit_is_answered_before_any_body_arrives(limit):
    server, transport, protocol = connect()
    protocol.dataReceived(head(Content_Length=100 * 1024 * 1024, Expect="100-continue"))
    refused(transport, limit)
    assert b"100 Continue" not in transport.value()
    protocol.dataReceived(b"x" * 65536)  # what the client sends meanwhile is dropped
    assert server.scopes == []


def test_a_chunked_body_is_refused_once_it_passes_the_limit(limit):
    server, transport, protocol = connect()
    protocol.dataReceived(head(Transfer_Encoding="chunked"))
    for _ in range(limit // 4096):
        protocol.dataReceived(chunk(b"x" * 4096))
        assert transport.value() == b""  # within the limit: still reading
    protocol.dataReceived(chunk(b"x" * 4096))
    refused(transport, limit)
    protocol.dataReceived(chunk(b"x" * 4096) + b"0\r\n\r\n")  # even if it then ends
    assert server.scopes == []


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_within_the_limit_reaches_the_application_whole(limit, chunked):
    server, transport, protocol = connect()
    body = b"x" * limit
    if chunked:
        protocol.dataReceived(
            head(Transfer_Encoding="chunked") + chunk(body[:5000]) + chunk(body[5000:]) + b"0\r\n\r\n"
        )
    else:
        protocol.dataReceived(head(Content_Length=len(body)) + body)
    assert transport.value() == b"" and not transport.disconnecting
    assert [s["path"] for s in server.scopes] == ["/api/runs/"] and b"".join(server.bodies) == body
