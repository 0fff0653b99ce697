"""The limits of a public server: runs started a minute and active runs (per owner and per
address), predictions a second, uploads an hour, log-in and sign-up failures, and the run
socket's message rate and sockets per session. The clock of the counters is fixed, so the
windows and Retry-After are exact."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from playground import ratelimits, services
from playground.asgi import application
from playground.models import Dataset
from tests.web.sockets import next_frame
from tests.web.test_consumer import scenario
from tests.web.test_predict import DIGITS, finished_run, seven  # noqa: F401 (a fixture)
from tests.web.test_uploads_admin import form

pytestmark = pytest.mark.django_db
NOW = 278 * 3600 + 0.25  # 0.25 s into an hour (a quarter, a minute, a second)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(ratelimits, "_now", lambda: NOW)


def start(client, spec, **meta):
    return client.post("/api/runs/", json.dumps(spec), content_type="application/json", **meta)


def limited(response, retry_after, *words):
    assert response.status_code == 429 and response["Retry-After"] == str(retry_after), response.content
    body = response.json()
    assert set(body) == {"error"} and all(w in body["error"] for w in words), body
    return body["error"]


def test_runs_started_a_minute_per_session_and_per_address(client, small_spec, settings):
    settings.PLAYGROUND_RUNS_PER_MINUTE, settings.PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS = 3, 100
    for pace in (0.5, 1e-300, 10**400):  # at least a step a second; refusals do not count
        answer = start(client, {"spec": small_spec, "steps_per_second": pace})
        assert answer.status_code == 400 and answer.json()["errors"][0]["path"] == "steps_per_second"
    assert [start(client, small_spec).status_code for _ in range(3)] == [201] * 3
    message = limited(start(client, small_spec), 60, "at most 3 a minute", "Try again in 60 seconds")
    assert message == "Too many runs started: at most 3 a minute. Try again in 60 seconds."
    other = Client()  # another session from the same address: the address's limit
    limited(start(other, small_spec), 60, "at most 3 a minute")
    assert start(other, small_spec, REMOTE_ADDR="10.0.0.2").status_code == 201  # another address
    # A forwarded address counts only behind the trusted proxy.
    assert start(Client(), small_spec, HTTP_X_FORWARDED_FOR="10.0.0.3").status_code == 429
    settings.PLAYGROUND_TRUSTED_PROXY = "127.0.0.1"
    assert start(Client(), small_spec, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.3").status_code == 201


def test_active_runs_per_owner_and_per_address(client, small_spec, settings, django_user_model):
    settings.PLAYGROUND_MAX_ACTIVE_RUNS_ANONYMOUS, settings.PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS = 3, 4
    assert [start(client, small_spec).status_code for _ in range(3)] == [201] * 3
    limited(start(client, small_spec), 30, "You already have 3 runs going")
    other = Client()
    assert start(other, small_spec).status_code == 201
    limited(start(other, small_spec), 30, "4 runs started from your network address")
    bob = Client()
    bob.force_login(django_user_model.objects.create_user("bob"))
    limited(start(bob, small_spec), 30, "network address")
    assert start(bob, small_spec, REMOTE_ADDR="10.0.0.9").status_code == 201  # another address, his own count


def test_a_signed_in_owner_may_have_more(small_spec, settings, django_user_model):
    settings.PLAYGROUND_MAX_ACTIVE_RUNS_SIGNED_IN, settings.PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS = 5, 0
    bob = Client()
    bob.force_login(django_user_model.objects.create_user("bob"))
    assert [start(bob, small_spec).status_code for _ in range(5)] == [201] * 5
    limited(start(bob, small_spec), 30, "You already have 5 runs going")


def test_predictions_a_second(client, finished_run, settings):  # noqa: F811
    settings.PLAYGROUND_PREDICTIONS_PER_SECOND = 2
    run = finished_run(DIGITS)
    url = f"/api/runs/{run.pk}/predict/"
    answers = [client.post(url, json.dumps({"pixels": seven()}), content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    limited(answers[2], 1, "at most 2 a second", "Try again in 1 seconds")


def test_uploads_an_hour(admin_client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.PLAYGROUND_UPLOADS_PER_HOUR, settings.MEDIA_ROOT = 1, tmp_path / "media"
    add = "/admin/playground/dataset/add/"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(add, form(name="bad", data=b"x,y\n")).status_code == 200  # refused: not counted
        assert admin_client.post(add, form(name="first")).status_code == 302
        limited(admin_client.post(add, form(name="second")), 3600, "at most 1 an hour", "Try again in 60 minutes")
    assert not Dataset.objects.filter(slug="second").exists()


def test_log_in_is_throttled_per_username_and_per_address(client, django_user_model, settings):
    settings.PLAYGROUND_LOGIN_FAILURES = 3
    django_user_model.objects.create_user("alice", password="right-horse-battery")
    for i in range(3):  # from three addresses: the username's count
        assert (
            client.post(
                "/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR=f"10.0.1.{i}"
            ).status_code
            == 200
        )
    refused = client.post(
        "/accounts/login/", {"username": "Alice", "password": "right-horse-battery"}, REMOTE_ADDR="10.0.1.9"
    )
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert "Too many failed attempts" in refused.content.decode() and "_auth_user_id" not in client.session
    for name in ("bob", "carol", "dave"):  # one address, many usernames: the address's count
        client.post("/accounts/login/", {"username": name, "password": "x"}, REMOTE_ADDR="10.0.2.1")
    assert (
        client.post("/accounts/login/", {"username": "erin", "password": "x"}, REMOTE_ADDR="10.0.2.1").status_code
        == 429
    )
    assert (
        client.post("/accounts/login/", {"username": "erin", "password": "x"}, REMOTE_ADDR="10.0.2.2").status_code
        == 200
    )


def test_sign_up_is_throttled_after_failures(client, settings, django_user_model):
    settings.PLAYGROUND_LOGIN_FAILURES = 2
    bad = {"username": "zed", "password1": "a-long-passphrase-1", "password2": "does-not-match"}
    assert [client.post("/accounts/signup/", bad).status_code for _ in range(2)] == [400, 400]
    good = {**bad, "password2": bad["password1"]}
    refused = client.post("/accounts/signup/", good)
    assert refused.status_code == 429 and "Too many failed attempts" in refused.content.decode()
    assert not django_user_model.objects.filter(username="zed").exists()


def socket(session_key, run_id):
    headers = [(b"origin", b"http://testserver"), (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, f"/ws/runs/{run_id}/", headers=headers)


@scenario
async def _flood(spec, session_key):
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key)
    comm = socket(session_key, run.pk)
    assert (await comm.connect())[0]
    await next_frame(comm, timeout=5)  # the history: queued
    await comm.send_json_to({"action": "set_speed", "value": 10**400})  # a huge number: an error, still open
    huge = await next_frame(comm, timeout=5)
    for _ in range(30):
        await comm.send_json_to({"action": "pause"})
    frames = []
    while (out := await comm.receive_output(timeout=5))["type"] == "websocket.send":
        frames.append(json.loads(out["text"]))
    await comm.disconnect()
    return huge, frames, out


@pytest.mark.django_db(transaction=True)
def test_a_flood_of_socket_messages_gets_an_error_then_a_close(small_spec, session_key, settings):
    settings.PLAYGROUND_SOCKET_MESSAGES_PER_SECOND = 5
    huge, frames, closed = _flood(small_spec, session_key)
    assert huge["type"] == "error" and "finite number" in huge["message"]
    assert frames == [{"type": "error", "message": "Too many messages: at most 5 a second. Reconnect to go on."}]
    assert closed == {"type": "websocket.close", "code": 4429}


@scenario
async def _many_sockets(spec, session_key):
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key)
    first, second, third = (socket(session_key, run.pk) for _ in range(3))
    for comm in (first, second):
        assert (await comm.connect())[0]
        await next_frame(comm, timeout=5)
    await third.connect()
    refused = [await third.receive_output(timeout=5), await third.receive_output(timeout=5)]
    await first.disconnect()  # one closed: room for another
    fourth = socket(session_key, run.pk)
    assert (await fourth.connect())[0]
    welcomed = await next_frame(fourth, timeout=5)
    for comm in (second, fourth):
        await comm.disconnect()
    return refused, welcomed


@pytest.mark.django_db(transaction=True)
def test_sockets_per_session_are_capped(small_spec, session_key, settings):
    settings.PLAYGROUND_SOCKETS_PER_SESSION = 2
    refused, welcomed = _many_sockets(small_spec, session_key)
    assert refused[0]["type"] == "websocket.send" and "Too many open connections" in refused[0]["text"]
    assert refused[1] == {"type": "websocket.close", "code": 4429}
    assert welcomed["type"] == "status"
