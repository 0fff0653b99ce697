"""What the server fuzz test (tests/browser/test_fuzz_server.py) found, pinned down one request
at a time so that a regression names itself: a multipart form sent to a JSON endpoint, and a
static path outside the static roots."""

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.test import Client

from playground.asgi import application

pytestmark = pytest.mark.django_db

JSON_ENDPOINTS = [
    "/api/runs/",
    "/api/specs/validate/",
    "/api/specs/code/",
    "/api/datasets/preview/",
    "/api/experiments/",
]
FORM = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nx1,x2,label\r\n--xyz--\r\n'


@pytest.mark.parametrize("body", [FORM, b'{"spec": {}}'], ids=["a form", "JSON labelled multipart"])
@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_a_multipart_form_sent_to_a_json_endpoint_is_a_400_not_a_500(url, body):
    """With CSRF checks on, as a browser meets them: the middleware reads a form body as a form
    (looking for its token), after which request.body raised RawPostDataException (a 500)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(url, body, content_type="multipart/form-data; boundary=xyz", headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.content
    assert "multipart" in response.json()["errors"][0]["message"]


OUTSIDE = ["../settings.py", "../playground/settings/base.py", "../../etc/passwd", "..", "vendor/../../manage.py"]


@pytest.mark.parametrize("path", OUTSIDE)
def test_the_finders_find_nothing_outside_the_static_roots(path):
    assert finders.find(path) is None and finders.find(path, find_all=True) == []


async def static_get(path):
    """What runserver serves /static/ with: Django's ASGIStaticFilesHandler around the project's application."""
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
    }
    communicator = ApplicationCommunicator(ASGIStaticFilesHandler(application), scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start, body = await communicator.receive_output(10), b""
    while True:  # a file streams: several body messages, the last may have no body at all
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            return start["status"], body


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/../playground/settings/base.py",
        "/static/../../etc/passwd",
        "/static/..",
        "/static/js/../../manage.py",
    ],
)
def test_runserver_answers_a_static_path_outside_the_roots_with_404(path):
    status, body = async_to_sync(static_get)(path)
    assert status == 404 and b"SECRET_KEY" not in body and b"root:" not in body


def test_runserver_still_serves_static_files():
    status, body = async_to_sync(static_get)("/static/js/socket.js")
    assert status == 200 and b"WebSocket" in body
