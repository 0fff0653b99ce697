"""Saved experiments without training: save, visibility and owner rules on pages and
API, the list, compare, downloads, accounts and moving a session's runs to an account.
Runs here get plausible stored frames; test_experiment_runs.py trains real ones."""

import ast
import csv
import io
import json

import numpy as np
import pytest
from django.test import Client
from django.utils.html import escape as django_escape

from playground import selectors, services
from playground.models import Experiment, Run

pytestmark = pytest.mark.django_db


def post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def finished_run(spec, *, user=None, session_key="", iterations=(10, 20, 30), accuracy=0.9, loss=0.3):
    """A run as the recorder leaves it: metrics frames, probes, weights, final metrics."""
    run = services.run_create(spec, user=user, session_key=session_key)
    total = iterations[-1]
    for seq, it in enumerate(iterations, 1):
        services.run_record_metrics(
            run,
            [
                (
                    seq,
                    {
                        "type": "metrics",
                        "points": [[it - 5, loss + 0.2], [it, loss + 0.1]],
                        "iteration": it,
                        "epoch": it // 10,
                        "epochs": total // 10,
                        "total_steps": total,
                        "samples_seen": it * 10,
                        "train_loss": loss + 0.05,
                        "test_loss": loss + 1 / it,
                        "train_accuracy": accuracy,
                        "test_accuracy": accuracy * it / total,
                        "train_rmse": None,
                        "test_rmse": None,
                        "test_r2": None,
                        "learning_rate": 0.03,
                        "steps_per_second": 100.0,
                    },
                )
            ],
        )
    confusion = {"type": "confusion", "classes": 2, "labels": ["0", "1"], "matrix": [[40, 10], [5, 45]]}
    services.run_finish(
        run,
        status="completed",
        probes={"confusion": confusion},
        metrics={
            "status": "completed",
            "steps": total,
            "epochs": total // 10,
            "test_loss": loss,
            "train_loss": loss,
            "test_accuracy": accuracy,
            "train_accuracy": accuracy,
        },
        weights={"0_dense.kernel": np.ones((2, 4), np.float32), "0_dense.bias": np.zeros(4, np.float32)},
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def users(django_user_model):
    return (
        django_user_model.objects.create_user("ada", password="pw-ada-12345"),
        django_user_model.objects.create_user("bob", password="pw-bob-12345"),
    )


@pytest.fixture
def clients(users):
    ada, bob = Client(), Client()
    ada.force_login(users[0])
    bob.force_login(users[1])
    return ada, bob, Client()


def saved(spec, owner, title="circle net", visibility="private", **kw):
    run = finished_run(spec, user=owner, **kw)
    return services.experiment_save(run, title=title, notes="first try", visibility=visibility)


# --- save ----------------------------------------------------------------------------------


def test_save_over_the_api_names_the_run_and_gives_an_unguessable_slug(client, small_spec):
    created = post(client, "/api/runs/", small_spec).json()
    response = post(
        client,
        "/api/experiments/",
        {"run": created["id"], "title": "  My circle  ", "notes": "tanh", "visibility": "public"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "My circle" and body["notes"] == "tanh" and body["visibility"] == "public" and body["yours"]
    assert len(body["slug"]) == 16 and body["url"] == f"/experiments/{body['slug']}/"
    assert body["runs"][0]["status"] == "queued"  # saved before it ran: it keeps recording
    again = post(client, "/api/experiments/", {"run": created["id"], "title": "Renamed"})
    assert again.status_code == 200 and again.json()["slug"] == body["slug"] and again.json()["title"] == "Renamed"
    assert Experiment.objects.get(slug=body["slug"]).saved is not None


def test_save_refuses_others_runs_bad_fields_and_unknown_keys(client, small_spec):
    theirs = finished_run(small_spec, session_key="x" * 32)
    assert post(client, "/api/experiments/", {"run": theirs.pk, "title": "mine now"}).status_code == 404
    assert post(client, "/api/experiments/", {"run": 10**9, "title": "t"}).status_code == 404
    mine = post(client, "/api/runs/", small_spec).json()["id"]
    for body, path in [
        ({"run": mine, "title": ""}, "title"),
        ({"run": mine, "title": "x" * 201}, "title"),
        ({"run": mine, "title": "t", "visibility": "secret"}, "visibility"),
        ({"run": mine, "title": "t", "colour": 1}, "colour"),
    ]:
        response = post(client, "/api/experiments/", body)
        assert response.status_code == 400 and response.json()["errors"][0]["path"] == path, body
    assert Experiment.objects.get(runs=mine).saved is None


# --- visibility and owner rules ---------------------------------------------------------------


def test_private_is_404_for_everyone_else_on_pages_api_and_downloads(clients, users, small_spec):
    ada, bob, anonymous = clients
    e = saved(small_spec, users[0])
    urls = [
        f"/experiments/{e.slug}/",
        f"/api/experiments/{e.slug}/",
        f"/experiments/{e.slug}/export/spec.json",
        f"/experiments/{e.slug}/export/weights.npz",
        f"/experiments/{e.slug}/export/metrics.csv",
        f"/experiments/{e.slug}/export/batch-loss.csv",
        f"/experiments/{e.slug}/export/script.py",
        f"/api/runs/{e.runs.get().pk}/",
    ]
    for url in urls:
        assert ada.get(url).status_code == 200, url
        assert bob.get(url).status_code == 404, url
        assert anonymous.get(url).status_code == 404, url
    missing = bob.get("/api/experiments/doesnotexist1234/")
    assert missing.status_code == 404 and bob.get(f"/api/experiments/{e.slug}/").json() == missing.json()  # no hint
    for c in (bob, anonymous):
        assert post(c, f"/api/experiments/{e.slug}/", {"title": "x"}, "patch").status_code == 404
        assert c.delete(f"/api/experiments/{e.slug}/").status_code == 404
        assert c.post(f"/api/experiments/{e.slug}/rerun/").status_code == 404
        assert c.post(f"/experiments/{e.slug}/delete/").status_code == 404
        assert c.post(f"/experiments/{e.slug}/edit/", {"title": "x"}).status_code == 404


def test_public_is_readable_by_anyone_and_changed_only_by_its_owner(clients, users, small_spec):
    ada, bob, anonymous = clients
    e = saved(small_spec, users[0], visibility="public")
    for c in (bob, anonymous):
        assert c.get(f"/experiments/{e.slug}/").status_code == 200
        body = c.get(f"/api/experiments/{e.slug}/").json()
        assert body["yours"] is False and body["owner"] == "ada" and len(body["metrics"]) == 3
        assert c.get(f"/api/runs/{e.runs.get().pk}/").status_code == 200
        assert post(c, f"/api/experiments/{e.slug}/", {"title": "x"}, "patch").status_code == 403
        assert c.delete(f"/api/experiments/{e.slug}/").status_code == 403
        assert c.post(f"/api/experiments/{e.slug}/rerun/").status_code == 403
        assert c.post(f"/experiments/{e.slug}/delete/").status_code == 404
        page = c.get(f"/experiments/{e.slug}/").content.decode()
        assert "Delete…" not in page and "Re-run" not in page and "edit-form" not in page
    e.refresh_from_db()
    assert e.title == "circle net"


def test_owner_renames_edits_notes_toggles_visibility_and_deletes_with_confirmation(clients, users, small_spec):
    ada, bob, _ = clients
    e = saved(small_spec, users[0])
    response = post(
        ada, f"/api/experiments/{e.slug}/", {"title": "Renamed", "notes": "better", "visibility": "public"}, "patch"
    )
    assert response.status_code == 200 and response.json()["visibility"] == "public"
    assert bob.get(f"/experiments/{e.slug}/").status_code == 200
    assert (
        ada.post(f"/experiments/{e.slug}/edit/", {"title": "Again", "notes": "n", "visibility": "private"}).status_code
        == 302
    )
    e.refresh_from_db()
    assert (e.title, e.notes, e.visibility) == ("Again", "n", "private")
    assert bob.get(f"/experiments/{e.slug}/").status_code == 404
    bad = ada.post(f"/experiments/{e.slug}/edit/", {"title": "", "notes": "", "visibility": "private"})
    assert bad.status_code == 400 and "give the experiment a title" in bad.content.decode()
    confirm = ada.get(f"/experiments/{e.slug}/delete/")
    assert confirm.status_code == 200 and "Delete it" in confirm.content.decode()
    assert Experiment.objects.filter(pk=e.pk).exists()  # GET only asks
    assert ada.post(f"/experiments/{e.slug}/delete/")["Location"] == "/experiments/"
    assert not Experiment.objects.filter(pk=e.pk).exists() and not Run.objects.filter(experiment_id=e.pk).exists()
    assert ada.get(f"/experiments/{e.slug}/").status_code == 404


def test_delete_waits_for_a_training_run(clients, users, small_spec):
    ada = clients[0]
    run = services.run_create(small_spec, user=users[0])
    e = services.experiment_save(run, title="still going")
    assert ada.post(f"/experiments/{e.slug}/delete/").status_code == 409
    assert ada.delete(f"/api/experiments/{e.slug}/").status_code == 400
    services.run_finish(run, status="stopped")
    assert ada.delete(f"/api/experiments/{e.slug}/").status_code == 204


def test_rerun_queues_the_same_spec_in_the_same_experiment(
    clients, users, small_spec, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    ada = clients[0]
    e = saved(small_spec, users[0])
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(f"/api/experiments/{e.slug}/rerun/")
    assert response.status_code == 201
    rerun = Run.objects.get(pk=response.json()["id"])
    assert rerun.experiment_id == e.pk and rerun.status == "queued" and rerun.steps_per_second is None
    assert [r.args for r in default_task_backend.results] == [[rerun.pk]]
    assert selectors.experiment_runs(e)[0].pk != rerun.pk  # the saved run stays first
    page = ada.get(f"/experiments/{e.slug}/").content.decode()
    assert f"#{rerun.pk} (re-run)" in page and json.dumps([{"id": rerun.pk, "ws": f"/ws/runs/{rerun.pk}/"}]) in page


# --- list -------------------------------------------------------------------------------------


def test_list_shows_mine_and_public_searches_sorts_and_pages(clients, users, small_spec):
    ada, bob, anonymous = clients
    ada_private = saved(small_spec, users[0], "Ada private", accuracy=0.7)
    ada_public = saved(small_spec, users[0], "Ada public", "public", accuracy=0.95)
    conv = dict(
        small_spec,
        dataset={"name": "digits", "test_fraction": 0.25},
        features=None,
        loss="categorical_crossentropy",
        layers=[
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
            {"type": "flatten"},
            {"type": "dense", "units": 10, "activation": "softmax"},
        ],
    )
    conv.pop("features")
    bob_conv = saved(conv, users[1], "Bob digits", "public", accuracy=0.8)
    services.run_create(small_spec, user=users[1])  # not saved: never listed

    def titles(c, **params):
        return [e["title"] for e in c.get("/api/experiments/", params).json()["results"]]

    assert titles(ada, sort="accuracy") == ["Ada public", "Bob digits", "Ada private"]
    assert titles(bob, sort="accuracy") == ["Ada public", "Bob digits"]
    assert titles(anonymous, sort="title") == ["Ada public", "Bob digits"]
    assert titles(ada, mine="1", sort="oldest") == ["Ada private", "Ada public"]
    assert titles(ada, q="digits") == ["Bob digits"]  # dataset
    assert titles(ada, q="conv2d") == ["Bob digits"]  # layer type
    assert titles(ada, q="private") == ["Ada private"]  # title
    page = ada.get("/experiments/", {"sort": "accuracy"}).content.decode()
    assert page.index("Ada public") < page.index("Bob digits") < page.index("Ada private") and "95.0%" in page
    assert ada_private.slug in page and bob_conv.slug in page and ada_public.slug in page
    for i in range(21):
        saved(small_spec, users[1], f"bulk {i:02d}", "public")
    first, second = (
        bob.get("/api/experiments/", {"mine": "1"}).json(),
        bob.get("/api/experiments/", {"mine": "1", "page": 2}).json(),
    )
    assert first["count"] == 22 and first["pages"] == 2 and len(first["results"]) == 20 and len(second["results"]) == 2
    assert "page 1 of 2" in bob.get("/experiments/", {"mine": "1"}).content.decode()


# --- compare ----------------------------------------------------------------------------------


def test_compare_overlays_runs_of_different_lengths_and_skips_a_deleted_one(clients, users, small_spec):
    ada = clients[0]
    short = saved(small_spec, users[0], "short", iterations=(10, 20))
    long = saved(dict(small_spec, batch_size=20, epochs=40), users[0], "long", iterations=(10, 20, 30, 40, 50))
    gone = saved(small_spec, users[0], "gone")
    gone_slug = gone.slug
    services.experiment_delete(gone)
    response = ada.get("/experiments/compare/", {"e": [short.slug, gone_slug, long.slug]})
    assert response.status_code == 200
    ctx = response.context
    assert [e.title for e in ctx["experiments"]] == ["short", "long"] and ctx["missing"] == 1
    assert "1 of the chosen experiments is no longer available" in response.content.decode()
    loss = ctx["figures"]["loss"]
    tests = [t for t in loss.data if t.line.dash == "solid"]
    assert [t.name for t in tests] == ["short", "long"] and [len(t.x) for t in tests] == [2, 5]
    assert list(tests[0].x) == [1.0, 2.0] and list(tests[1].x) == [1.0, 2.0, 3.0, 4.0, 5.0]  # epochs: one axis
    trains = [t for t in loss.data if t.line.dash == "dot"]  # every streamed mini-batch point
    assert [len(t.x) for t in trains] == [4, 10] and list(trains[0].x) == [0.5, 1.0, 1.5, 2.0]
    assert {t.legendgroup for t in loss.data} == {"e0", "e1"} and sum(t.showlegend for t in loss.data) == 2
    rows = {r["label"]: r for r in ctx["table"]["rows"]}
    assert rows["batch size"]["differs"] and rows["batch size"]["cells"] == ["10", "20"]
    assert rows["epochs"]["differs"] and not rows["loss"]["differs"] and not rows["seed"]["differs"]
    assert 'class="differs"' in response.content.decode()
    smooth = ada.get("/api/experiments/compare/", {"e": [short.slug, long.slug], "smoothing": "0.6"}).json()
    assert (
        smooth["missing"] == 0 and len(smooth["figures"]["loss"]["data"]) == 8
    )  # 2 runs x (test, train) x (raw, smoothed)
    services.experiment_update(short, title='<a href="https://evil.example">click</a>')
    names = {
        t.name for t in ada.get("/experiments/compare/", {"e": [short.slug, long.slug]}).context["figures"]["loss"].data
    }
    assert '&lt;a href="https://evil.example"&gt;click&lt;/a&gt;' in names  # Plotly reads tags in names: shown as typed
    alone = ada.get("/experiments/compare/", {"e": [short.slug, gone_slug]})
    assert not alone.context["enough"] and "Pick at least two" in alone.content.decode()


def test_compare_hides_what_the_viewer_may_not_see(clients, users, small_spec):
    bob = clients[1]
    private = saved(small_spec, users[0], "ada's secret")
    public = saved(small_spec, users[0], "ada's public", "public")
    mine = saved(small_spec, users[1], "bob's")
    response = bob.get("/experiments/compare/", {"e": [private.slug, public.slug, mine.slug]})
    assert response.context["missing"] == 1 and "ada's secret" not in response.content.decode()


# --- downloads --------------------------------------------------------------------------------


def test_downloads_spec_metrics_weights_and_script(clients, users, small_spec):
    ada = clients[0]
    e = saved(small_spec, users[0], title='evil """\nimport os\n""" title')
    spec = ada.get(f"/experiments/{e.slug}/export/spec.json")
    assert spec["Content-Disposition"] == f'attachment; filename="experiment-{e.slug}-spec.json"'
    assert json.loads(spec.content) == e.spec
    rows = list(csv.DictReader(io.StringIO(ada.get(f"/experiments/{e.slug}/export/metrics.csv").content.decode())))
    assert [int(r["iteration"]) for r in rows] == [10, 20, 30] and float(rows[-1]["test_accuracy"]) == pytest.approx(
        0.9
    )
    assert rows[0]["train_rmse"] == ""
    batch = list(csv.reader(io.StringIO(ada.get(f"/experiments/{e.slug}/export/batch-loss.csv").content.decode())))
    assert batch[0] == ["iteration", "batch_loss"] and len(batch) == 7
    with np.load(io.BytesIO(ada.get(f"/experiments/{e.slug}/export/weights.npz").content), allow_pickle=False) as npz:
        assert sorted(npz.files) == ["0_dense.bias", "0_dense.kernel"] and npz["0_dense.kernel"].shape == (2, 4)
    script = ada.get(f"/experiments/{e.slug}/export/script.py").content.decode()
    tree = ast.parse(script)  # the title cannot break out of the docstring
    assert not any(isinstance(n, ast.Import) and n.names[0].name == "os" for n in tree.body)
    assert "evil" in ast.get_docstring(tree) and "Sequential" in script
    assert ada.get(f"/experiments/{e.slug}/export/other.txt").status_code == 404
    page = ada.get(f"/experiments/{e.slug}/").content.decode()  # the Code tab shows the same script
    assert 'id="exp-code"' in page and django_escape(script) in page


# --- accounts ---------------------------------------------------------------------------------


def test_log_in_moves_the_session_runs_to_the_account(users, small_spec):
    c = Client()
    anon_run = post(c, "/api/runs/", small_spec).json()["id"]
    post(c, "/api/experiments/", {"run": anon_run, "title": "before log-in"})
    other = services.run_create(small_spec, session_key="y" * 32)
    page = c.get("/accounts/login/")
    assert page.status_code == 200 and "move to your account" in page.content.decode()
    response = c.post("/accounts/login/", {"username": "ada", "password": "pw-ada-12345"})
    assert response.status_code == 302 and response["Location"] == "/experiments/"
    run = Run.objects.select_related("experiment").get(pk=anon_run)
    assert run.experiment.owner == users[0] and run.experiment.owner_session == ""
    assert Run.objects.get(pk=other.pk).experiment.owner is None  # another session's stay there
    assert [e["title"] for e in c.get("/api/experiments/", {"mine": "1"}).json()["results"]] == ["before log-in"]
    c.post("/accounts/logout/")
    assert c.get(f"/api/runs/{anon_run}/").status_code == 404  # logged out: the account's runs are not the session's


def test_sign_up_moves_them_too_and_log_out_and_password_change_work(small_spec, django_user_model):
    c = Client()
    anon_run = post(c, "/api/runs/", small_spec).json()["id"]
    bad = c.post("/accounts/signup/", {"username": "cy", "password1": "short", "password2": "short"})
    assert bad.status_code == 400 and "too short" in bad.content.decode()
    response = c.post(
        "/accounts/signup/",
        {"username": "cy", "password1": "a-long-pass-987", "password2": "a-long-pass-987", "next": "/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    cy = django_user_model.objects.get(username="cy")
    assert Run.objects.get(pk=anon_run).experiment.owner == cy
    assert "cy" in c.get("/experiments/").content.decode()
    changed = c.post(
        "/accounts/password_change/",
        {"old_password": "a-long-pass-987", "new_password1": "another-pass-654", "new_password2": "another-pass-654"},
    )
    assert changed.status_code == 302 and changed["Location"] == "/accounts/password_change/done/"
    assert c.post("/accounts/logout/").status_code == 302
    assert Client().login(username="cy", password="another-pass-654")
    assert c.get("/accounts/password_change/").status_code == 302  # logged out: to the log-in page


def test_signup_ignores_an_offsite_next(small_spec):
    c = Client()
    response = c.post(
        "/accounts/signup/",
        {
            "username": "dee",
            "password1": "a-long-pass-987",
            "password2": "a-long-pass-987",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/experiments/"


# --- import -------------------------------------------------------------------------------------


def test_a_malformed_imported_spec_gets_the_validation_message(client, small_spec):
    """The page's Import spec posts the file's text as is to the validator."""
    broken = client.post("/api/specs/validate/", data='{"version": 1, "layers": [', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["errors"][0]["message"].startswith("body is not valid JSON")
    wrong = post(client, "/api/specs/validate/", dict(small_spec, layers=[{"type": "dense", "units": 0}]))
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["path"].startswith("layers[0]")
    page = client.get("/").content.decode()
    assert 'id="import-spec"' in page and 'id="save-experiment"' in page and "js/experiments/playground.js" in page
