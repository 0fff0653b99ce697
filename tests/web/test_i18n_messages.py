"""What the server writes, in Korean and in English: spec errors (translated at the boundary,
their paths kept), the run socket's frames, a run's stored messages, the builder's catalog."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import translation

from playground import messages, services, supervision
from playground.asgi import application
from playground.consumers import scope_language
from tests.web.test_consumer import is_done, of_type, paced, scenario, until
from trainer import messages as trainer_messages
from trainer import spec as specs

KO = "ko-KR,ko;q=0.9,en;q=0.5"


def _bad_units(spec):
    return {**spec, "layers": [spec["layers"][0], {**spec["layers"][1], "units": 0}, *spec["layers"][2:]]}


def _validate(spec, **headers):
    response = Client().post("/api/specs/validate/", json.dumps(spec), content_type="application/json", **headers)
    assert response.status_code == 400
    return response.json()["errors"]


@pytest.mark.django_db
def test_a_spec_error_comes_back_in_korean_with_its_path(small_spec):
    errors = _validate(_bad_units(small_spec), HTTP_ACCEPT_LANGUAGE=KO)
    assert errors == [{"path": "layers[1].units", "message": "1에서 512 사이여야 합니다"}]


@pytest.mark.django_db
def test_english_spec_errors_are_unchanged(small_spec):
    expected = [{"path": "layers[1].units", "message": "must be between 1 and 512"}]
    assert _validate(_bad_units(small_spec)) == expected  # no Accept-Language: English
    assert _validate(_bad_units(small_spec), HTTP_ACCEPT_LANGUAGE="en-US,en") == expected


@pytest.mark.django_db
def test_spec_errors_with_parameters_keep_their_names(small_spec):
    spec = {
        **small_spec,
        "layers": [{"type": "dense", "units": 4, "activation": "swish"}, *small_spec["layers"][1:]],
        "loss": "binary_crossentropy",
    }
    ko = {e["path"]: e["message"] for e in _validate(spec, HTTP_ACCEPT_LANGUAGE=KO)}
    en = {e["path"]: e["message"] for e in _validate(spec)}
    assert set(ko) == set(en) == {"layers[0].activation"}
    assert en["layers[0].activation"].startswith("must be one of linear, step, sigmoid")
    assert ko["layers[0].activation"] == f"{', '.join(specs.ACTIVATIONS)} 중 하나여야 합니다"


def test_every_trainer_spec_error_carries_its_template():
    """The English message is the template with its parameters: what the web side translates."""
    with pytest.raises(specs.SpecError) as caught:
        specs.parse(
            {
                "dataset": {"name": "circle", "samples": 10**400},
                "layers": [{"type": "dense", "units": 1.5}],
                "loss": "mse",
                "optimizer": {"name": "sgd", "learning_rate": 0.1},
                "epochs": True,
            }
        )
    assert len(caught.value.errors) == 3
    for entry in caught.value.errors:
        assert entry["message"] == entry["template"] % entry["params"]
        with translation.override("ko"):
            assert messages.spec_errors([entry])[0]["message"] != entry["message"]  # every one has its Korean


def test_stored_run_messages_are_english_and_shown_in_the_language():
    stored = [
        trainer_messages.STOPPED_BY_USER,
        supervision.idle_message(90),
        trainer_messages.TARGET_REACHED % {"target": "0.1", "epoch": 12, "loss": "0.0987"},
    ]
    with translation.override("ko"):
        shown = [messages.run_message(text) for text in stored]
        assert messages.run_message("ValueError: odd") == "ValueError: odd"  # an exception's text stays as it is
    assert shown[0] == "사용자가 멈췄습니다."
    assert "1.5분" in shown[1] and "일시 정지" in shown[1]  # the duration inside is translated too
    assert "에포크 12" in shown[2] and "0.1" in shown[2] and "0.0987" in shown[2]
    with translation.override("en"):
        assert [messages.run_message(text) for text in stored] == stored


@pytest.mark.django_db
def test_the_catalog_titles_follow_the_language():
    ko = Client().get("/api/catalog/", HTTP_ACCEPT_LANGUAGE=KO).json()
    en = Client().get("/api/catalog/").json()
    circle = {d["name"]: d for d in ko["datasets"]}["circle"]
    assert circle["title"] == "원" and circle["description"] == "한 클래스가 다른 클래스의 고리 안에 있습니다."
    assert {d["name"]: d for d in en["datasets"]}["circle"]["title"] == "Circle"
    presets = {p["name"]: p for p in ko["presets"]}
    assert (
        presets["mlp_xor"]["title"] == "XOR을 푸는 MLP"
        and presets["mlp_xor"]["spec"] == {p["name"]: p for p in en["presets"]}["mlp_xor"]["spec"]
    )


def test_the_socket_language_is_the_pages():
    def scope(cookie=None, accept=""):
        return {
            "cookies": {"django_language": cookie} if cookie else {},
            "headers": [(b"accept-language", accept.encode())],
        }

    assert scope_language(scope(accept=KO)) == "ko"
    assert scope_language(scope(cookie="ko", accept="en-US,en")) == "ko"  # the header's switch wins
    assert scope_language(scope(cookie="en", accept=KO)) == "en"
    assert scope_language(scope()) == "en"


@scenario
async def _korean_socket(spec, session_key):
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key, steps_per_second=200)
    headers = [
        (b"origin", b"http://testserver"),
        (b"cookie", f"sessionid={session_key}".encode()),
        (b"accept-language", KO.encode()),
    ]
    comm = WebsocketCommunicator(application, f"/ws/runs/{run.pk}/", headers=headers)
    assert (await comm.connect())[0]
    await until(comm, of_type("metrics"))
    await comm.send_to(text_data="[1]")
    error = await until(comm, of_type("error"))
    await comm.send_json_to({"action": "stop"})
    seen = []
    done = await until(comm, is_done, seen)
    await comm.disconnect()
    stored = (await database_sync_to_async(lambda: type(run).objects.get(pk=run.pk))()).message
    return error, [f for f in seen if f["type"] == "status" and f["status"] == "stopped"], done, stored


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_korean_socket_gets_korean_frames(small_spec, session_key, settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}
    error, stopped, done, stored = _korean_socket(paced(small_spec), session_key)
    assert error["message"] == '메시지는 {"action": "pause"} 같은 JSON 객체여야 합니다'
    assert done["status"] == "stopped" and done["message"] == "사용자가 멈췄습니다."
    assert stopped and stopped[0]["message"] == "사용자가 멈췄습니다."
    assert stored == "Stopped by the user."  # stored in English, translated when shown
