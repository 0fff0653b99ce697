"""Property tests of every JSON endpoint: random bodies (tests/fuzz.py) get a 2xx or a 4xx
whose errors name a path, never a 500. The test client raises a view's exception, so a
500 fails with its traceback. Tasks are not run (the test settings' DummyBackend)."""

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from playground import services
from playground.models import Run
from tests.fuzz import HUGE, SPECS, json_objects, json_values, mutated, text
from tests.web.test_predict import DIGITS, SENTIMENT, trained_weights

pytestmark = pytest.mark.django_db
# The client and database are the same for every example: that is the point (state builds up).
shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def answered(response):
    """A 2xx, or a 4xx with errors that name a path and say what is wrong (a 429: its message)."""
    assert response.status_code < 500, response.content
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows how many got through
    if response.status_code == 429:
        assert response.json()["error"]
    elif response.status_code >= 400 and response["Content-Type"] == "application/json":
        for error in response.json()["errors"]:
            assert isinstance(error["path"], str) and error["message"]
    return response


@pytest.fixture
def unlimited():
    """Each example starts under the rate limits (counters in the cache) and with no run
    going (the active-run limits), so the bodies reach the views, not a 429."""

    def reset():
        cache.clear()
        Run.objects.filter(status__in=Run.ACTIVE).update(status=Run.Status.COMPLETED)

    return reset


def request(client, url, body, method="post"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def send(client, url, body, method="post"):
    return answered(request(client, url, body, method))


# near misses (one field changed, often to a plausible number) more often than noise
nearby = st.sampled_from(SPECS) | mutated(SPECS, st.integers(-2, 600) | st.floats(-1, 2) | HUGE) | mutated(SPECS)
specs = nearby | json_objects
envelopes = st.fixed_dictionaries({"spec": nearby}, optional={"steps_per_second": json_values, "paused": json_values})
datasets = (
    mutated([s["dataset"] for s in SPECS], st.integers(-2, 6000) | st.floats(-1, 2) | HUGE | json_values) | json_objects
)
raw = st.binary(max_size=64) | text.map(lambda t: t.encode("utf-8", "surrogatepass"))


@shared
@given(body=specs | envelopes | raw)
def test_post_runs(client, unlimited, body):
    unlimited()
    send(client, "/api/runs/", body)


@shared
@given(body=specs | raw)
def test_post_specs_validate(client, body):
    send(client, "/api/specs/validate/", body)


@shared
@given(body=datasets)
def test_post_datasets_preview(client, body):
    send(client, "/api/datasets/preview/", body)


@pytest.fixture
def own_run(client):
    return Run.objects.get(pk=request(client, "/api/runs/", SPECS[-1]).json()["id"])


fields = {
    "title": st.text(max_size=40) | text | json_values,
    "notes": st.text() | text | json_values,
    "visibility": st.sampled_from(["private", "public"]) | json_values,
}


@shared
@given(body=st.fixed_dictionaries({}, optional={**fields, "run": json_values}) | json_objects, own=st.booleans())
def test_post_experiments(client, own_run, body, own):
    if own:
        body = {**body, "run": own_run.pk}
    send(client, "/api/experiments/", body)


@shared
@given(body=st.fixed_dictionaries({}, optional=fields) | json_objects)
def test_patch_experiment(client, own_run, body):
    slug = send(client, "/api/experiments/", {"run": own_run.pk, "title": "fuzzed"}).json()["slug"]
    if send(client, f"/api/experiments/{slug}/", body, "patch").status_code >= 400:
        return
    assert client.get(f"/experiments/{slug}/").status_code == 200  # whatever was stored, the page renders
    script = client.get(f"/experiments/{slug}/export/script.py")
    assert script.status_code == 200
    compile(script.content.decode(), "script.py", "exec")


@pytest.fixture
def finished(client):
    runs = {}
    for name, spec in (("digits", DIGITS), ("text", SENTIMENT)):
        run = Run.objects.get(pk=request(client, "/api/runs/", spec).json()["id"])
        services.run_finish(run, status="completed", weights=trained_weights(spec))
        runs[name] = run.pk
    return runs


ink = st.integers(0, 255) | st.floats(0, 255) | json_values
rows = st.lists(st.lists(ink, min_size=1, max_size=12), min_size=1, max_size=12)
square = st.integers(1, 40).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 255), min_size=n, max_size=n), min_size=n, max_size=n)
)
predict_bodies = (
    st.fixed_dictionaries({"pixels": square})
    | st.fixed_dictionaries({"text": st.text(min_size=1, max_size=80)})
    | st.fixed_dictionaries({}, optional={"pixels": rows | json_values, "text": text | json_values})
    | json_objects
)


@shared
@given(body=predict_bodies, which=st.sampled_from(["digits", "text"]))
def test_post_predict(client, finished, unlimited, body, which):
    unlimited()  # predictions are rate-limited too
    send(client, f"/api/runs/{finished[which]}/predict/", body)
