"""playground.bodylimit at the ASGI level: a body larger than any view takes gets a 413
without being read (Content-Length) or once what was read passes the limit (chunked)."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from playground import bodylimit
from playground.asgi import application

CHUNK = 64 * 1024


def scope(path="/api/runs/", length=None):
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


def call(app, scope, total):
    """Drive `app` with a body of `total` bytes in CHUNKs; (status, body, bytes the app read)."""

    async def drive():
        read, sent = 0, []

        async def receive():
            nonlocal read
            if read >= total:
                await asyncio.Event().wait()  # the body is over: a client that waits for the answer
            chunk = min(CHUNK, total - read)
            read += chunk
            return {"type": "http.request", "body": b"x" * chunk, "more_body": read < total}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)
        start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
        return start["status"], body, read

    with ThreadPoolExecutor(1) as pool:  # a loop of its own (see test_consumer.scenario)
        return pool.submit(asyncio.run, drive()).result()


async def echo_length(scope, receive, send):
    """An app that reads the whole body and answers its length."""
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def test_a_content_length_over_the_limit_is_refused_unread_and_never_reaches_the_app():
    def app(*args):
        raise AssertionError("the app must not see it")

    status, body, read = call(bodylimit.BodyLimit(app, limit=1000), scope(length=1001), 1001)
    assert (status, read) == (413, 0)
    assert "1000 bytes" in json.loads(body)["errors"][0]["message"]


def test_a_chunked_body_is_read_only_until_it_passes_the_limit():
    limit = 5 * CHUNK + 10
    status, _, read = call(bodylimit.BodyLimit(echo_length, limit=limit), scope(), 1000 * CHUNK)
    assert status == 413 and limit < read <= limit + CHUNK


@pytest.mark.parametrize("length", [None, 3 * CHUNK])
def test_a_body_within_the_limit_reaches_the_app_whole(length):
    assert call(bodylimit.BodyLimit(echo_length, limit=3 * CHUNK), scope(length=length), 3 * CHUNK)[:2] == (
        200,
        str(3 * CHUNK).encode(),
    )


def test_the_limit_is_the_largest_body_a_view_takes(settings):
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_bytes": 50 * 1024 * 1024}
    assert bodylimit.largest_body() == 50 * 1024 * 1024 + bodylimit.FORM_OVERHEAD
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
    assert bodylimit.largest_body() == 60 * 1024 * 1024


def test_the_server_application_refuses_100_mb_before_reading_it(settings):
    status, body, read = call(application, scope(length=100 * 1024 * 1024), 100 * 1024 * 1024)
    assert (status, read) == (413, 0)
    assert str(bodylimit.largest_body()) in json.loads(body)["errors"][0]["message"]


def test_the_server_application_stops_reading_a_chunked_body_past_the_limit(settings):
    settings.PLAYGROUND_UPLOAD_LIMITS = {"max_bytes": 10}  # the limit is then about 1 MB
    status, _, read = call(application, scope(), 100 * 1024 * 1024)
    assert status == 413 and bodylimit.largest_body() < read <= bodylimit.largest_body() + CHUNK
