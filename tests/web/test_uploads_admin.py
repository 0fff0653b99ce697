"""The admin upload end to end: staff only, messages on the form, nothing left behind by a
rejected file, background processing with progress, versions, archive and protected delete."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from playground.models import Dataset, Experiment, Run
from playground.uploads import processing, selectors, services, store
from tests.web import upload_files as f
from trainer import datasets

pytestmark = pytest.mark.django_db
ADD = "/admin/playground/dataset/add/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []


def form(name="pts", kind="points", data=None, filename="pts.csv", **extra):
    return {
        "name": name,
        "title": name.title(),
        "kind": kind,
        "description": "",
        "target": "classification",
        "label_column": "label",
        "height": 8,
        "width": 8,
        "color": "grayscale",
        "lowercase": "on",
        "remove_stopwords": "on",
        "max_vocab": 1000,
        "max_length": "",
        "file": SimpleUploadedFile(filename, f.points_csv(40) if data is None else data),
        **extra,
    }


def upload(client, captured, **kwargs):
    with captured(execute=True):
        return client.post(ADD, form(**kwargs))


def test_a_staff_upload_is_processed_in_the_background_and_becomes_ready(
    admin_client, django_capture_on_commit_callbacks, media
):
    default_task_backend.clear()
    response = upload(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Dataset.objects.get(slug="pts")
    assert (row.status, row.progress, row.task, row.version) == ("processing", 0, "binary", 1)
    [result] = default_task_backend.results  # queued once the row was committed
    assert result.task.module_path == "playground.uploads.tasks.process_dataset" and result.args == [row.pk]
    assert "pts" not in selectors.dataset_infos()  # not selectable yet
    assert [d["ready"] for d in selectors.catalog()["datasets"] if d["name"] == "pts"] == [False]

    processing.dataset_process(row.pk)
    row.refresh_from_db()
    assert (row.status, row.progress, row.message) == ("ready", 100, "")
    assert row.metadata["class_names"] == ["a", "b"] and sum(row.metadata["class_counts"]) == 40
    assert row.arrays in stored_files(media) and row.source.name in stored_files(media)
    info = selectors.dataset_infos()["pts"]
    assert (info.kind, info.input_shape, info.default_samples, info.builtin) == ("points", (2,), 40, False)
    listed = admin_client.get("/admin/playground/dataset/").content.decode()
    assert 'data-status="ready"' in listed and ">pts<" in listed


BAD = [
    ("points", "p.csv", f.csv_bytes(["x1", "y", "label"], f.points_rows(30)), "no column &#x27;x2&#x27;"),
    ("points", "p.csv", "x1,x2,label\n1,2,café\n".encode("latin-1"), "is not UTF-8, and the file is not Korean CP949"),
    (
        "points",
        "p.csv",
        f.csv_bytes(["x1", "x2", "label"], [*f.points_rows(30), (1, "nan", "a")]),
        "line 32, column x2",
    ),
    (
        "images",
        "i.zip",
        f.zip_bytes({"a/1.png": f.picture(0), "../../evil.png": f.picture(1)}),
        "points outside the archive",
    ),
    (
        "images",
        "i.zip",
        f.zip_bytes(
            {
                **{f"a/{i}.png": f.picture(0) for i in range(12)},
                **{f"b/{i}.png": f.picture(1) for i in range(11)},
                "b/bad.png": f.picture(1)[:40],
            }
        ),
        "image &#x27;b/bad.png&#x27; does not decode",
    ),
    ("images", "i.npz", f.npz_bytes(x=f.np.zeros((30, 4, 4)), y=f.np.zeros(31)), "x has 30 samples but y has 31"),
    ("text", "t.csv", f.csv_bytes(["text", "label"], [("only one", "pos")] * 30), "only one class"),
    ("points", "p.csv", b"", "The submitted file is empty"),
]


@pytest.mark.parametrize(("kind", "filename", "data", "message"), BAD, ids=[b[3][:30] for b in BAD])
def test_a_rejected_upload_shows_why_and_leaves_no_row_and_no_file(admin_client, media, kind, filename, data, message):
    before = Dataset.objects.count()
    response = admin_client.post(ADD, form(kind=kind, data=data, filename=filename))
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page and message in page, re.findall(r'class="errorlist[^>]*>.*?</ul>', page, re.S)
    assert Dataset.objects.count() == before and stored_files(media) == []


def test_names_that_are_built_in_or_taken_are_refused(admin_client, django_capture_on_commit_callbacks):
    assert "circle is a built-in dataset" in admin_client.post(ADD, form(name="circle")).content.decode()
    upload(admin_client, django_capture_on_commit_callbacks)
    assert "a dataset named pts exists" in admin_client.post(ADD, form(name="pts")).content.decode()
    assert "kept for versions" in admin_client.post(ADD, form(name="pts-v3")).content.decode()


def test_only_staff_reach_the_admin_upload(client, django_user_model, media):
    for user in (None, django_user_model.objects.create_user("ada", password="pw")):
        if user:
            client.force_login(user)
        assert client.get(ADD).status_code == 302 and "/admin/login/" in client.get(ADD)["Location"]
        assert client.post(ADD, form()).status_code == 302
    staff = django_user_model.objects.create_user("bob", password="pw", is_staff=True)  # staff, but no permission
    client.force_login(staff)
    assert client.get(ADD).status_code == 403 and client.post(ADD, form()).status_code == 403
    assert Dataset.objects.count() == 0 and stored_files(media) == []


def test_progress_is_polled_and_a_failure_keeps_its_reason(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    upload(admin_client, django_capture_on_commit_callbacks)
    row = Dataset.objects.get(slug="pts")
    Dataset.objects.filter(pk=row.pk).update(progress=40, message="decoding pictures 400/1,000")
    page = admin_client.get("/admin/playground/dataset/").content.decode()
    assert 'data-status="processing"' in page and 'value="40"' in page and "decoding pictures 400/1,000" in page
    body = admin_client.get(f"/admin/playground/dataset/progress/?ids={row.pk},x").json()
    assert body == {
        "datasets": [{"id": row.pk, "status": "processing", "progress": 40, "message": "decoding pictures 400/1,000"}]
    }

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "save", broken)
    processing.dataset_process(row.pk)
    row.refresh_from_db()
    assert row.status == "failed" and row.message == "processing failed (OSError: disk full)"
    assert "pts" not in selectors.dataset_infos() and all(d["name"] != "pts" for d in selectors.catalog()["datasets"])


def test_progress_is_written_while_pictures_are_decoded(admin_client, django_capture_on_commit_callbacks, monkeypatch):
    upload(
        admin_client,
        django_capture_on_commit_callbacks,
        name="pics",
        kind="images",
        data=f.image_zip(60),
        filename="p.zip",
    )
    row = Dataset.objects.get(slug="pics")
    seen = []
    original = processing._Progress.__call__

    def spy(self, fraction, message):
        original(self, fraction, message)
        seen.append(Dataset.objects.values_list("progress", "message").get(pk=row.pk))

    monkeypatch.setattr(processing, "PROGRESS_EVERY_S", 0.0)
    monkeypatch.setattr(processing._Progress, "__call__", spy)
    processing.dataset_process(row.pk)
    assert (41, "decoding pictures 50/120") in seen and Dataset.objects.get(pk=row.pk).status == "ready"


def test_replacing_the_file_makes_a_new_version_and_archives_the_old_one(
    admin_client, django_capture_on_commit_callbacks
):
    upload(admin_client, django_capture_on_commit_callbacks)
    v1 = Dataset.objects.get(slug="pts")
    processing.dataset_process(v1.pk)
    change = f"/admin/playground/dataset/{v1.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change,
            {
                "title": "Points",
                "description": "two clouds",
                "target": "classification",
                "file": SimpleUploadedFile("new.csv", f.points_csv(60, seed=3)),
            },
            follow=True,
        )
    assert "Version 2 is being processed" in response.content.decode()
    v2 = Dataset.objects.get(slug="pts-v2")
    assert (v2.family, v2.version, v2.status) == ("pts", 2, "processing")
    processing.dataset_process(v2.pk)
    v1.refresh_from_db()
    assert v1.archived and v1.is_ready  # archived, still loadable
    assert set(selectors.dataset_infos()) == {"pts", "pts-v2"}
    assert [d["name"] for d in selectors.catalog()["datasets"] if d.get("uploaded")] == ["pts-v2"]
    assert selectors.dataset_infos()["pts-v2"].default_samples == 60


def test_a_dataset_used_by_a_saved_experiment_cannot_be_deleted(
    admin_client, django_capture_on_commit_callbacks, media
):
    upload(admin_client, django_capture_on_commit_callbacks)
    row = processing.dataset_process(Dataset.objects.get(slug="pts").pk)
    Experiment.objects.create(spec={"dataset": {"name": "pts"}}, saved=timezone.now(), slug="abc", title="mine")
    delete = f"/admin/playground/dataset/{row.pk}/delete/"
    page = admin_client.get(delete).content.decode()
    assert "pts is used by 1 saved experiment; archive it instead" in page
    admin_client.post(delete, {"post": "yes"})
    admin_client.post(
        "/admin/playground/dataset/", {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert Dataset.objects.filter(pk=row.pk).exists() and row.arrays in stored_files(media)
    with pytest.raises(services.DatasetInUse):
        services.dataset_delete(row)

    admin_client.post("/admin/playground/dataset/", {"action": "archive", "_selected_action": [row.pk]})
    assert Dataset.objects.get(pk=row.pk).archived and "pts" in selectors.dataset_infos()

    Experiment.objects.all().delete()
    admin_client.post(delete, {"post": "yes"})
    assert not Dataset.objects.filter(pk=row.pk).exists() and stored_files(media) == []


def test_a_dataset_used_by_a_running_run_cannot_be_deleted(admin_client, django_capture_on_commit_callbacks, media):
    upload(admin_client, django_capture_on_commit_callbacks)
    row = processing.dataset_process(Dataset.objects.get(slug="pts").pk)
    unsaved = Experiment.objects.create(spec={"dataset": {"name": "pts"}}, slug="run1")  # a playground run, not saved
    run = Run.objects.create(experiment=unsaved, status=Run.Status.RUNNING)
    delete = f"/admin/playground/dataset/{row.pk}/delete/"
    assert "pts is used by 1 run in progress; archive it instead" in admin_client.get(delete).content.decode()
    admin_client.post(delete, {"post": "yes"})
    admin_client.post(
        "/admin/playground/dataset/", {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert Dataset.objects.filter(pk=row.pk).exists() and row.arrays in stored_files(media)
    with pytest.raises(services.DatasetInUse, match="1 run in progress"):
        services.dataset_delete(row)

    Run.objects.filter(pk=run.pk).update(status=Run.Status.COMPLETED)  # once it is over, the set can go
    admin_client.post(delete, {"post": "yes"})
    assert not Dataset.objects.filter(pk=row.pk).exists() and stored_files(media) == []


def test_built_in_datasets_come_from_an_idempotent_command(admin_client, django_capture_on_commit_callbacks):
    upload(admin_client, django_capture_on_commit_callbacks)
    call_command("datasets")
    call_command("datasets")
    assert Dataset.objects.filter(builtin=True).count() == len(datasets.BUILTIN)
    assert Dataset.objects.filter(builtin=False).count() == 1
    circle = Dataset.objects.get(slug="circle")
    assert (
        circle.is_ready
        and "Delete" not in admin_client.get(f"/admin/playground/dataset/{circle.pk}/change/").content.decode()
    )
    assert admin_client.get(f"/admin/playground/dataset/{circle.pk}/delete/").status_code == 403
    page = admin_client.post(
        "/admin/playground/dataset/", {"action": "delete_selected", "_selected_action": [circle.pk]}
    )
    assert "Cannot delete dataset" in page.content.decode() and Dataset.objects.filter(slug="circle").exists()


def test_an_upload_left_processing_by_a_restart_is_failed_with_the_reason(
    admin_client, django_capture_on_commit_callbacks
):
    upload(admin_client, django_capture_on_commit_callbacks)
    call_command("reconcile")  # what `make run` does before serving
    row = Dataset.objects.get(slug="pts")
    assert row.status == "failed" and "upload the file again" in row.message


def test_an_upload_whose_processing_task_was_lost_is_sent_again_and_processed_once(
    admin_client, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from playground import supervision

    default_task_backend.clear()
    upload(admin_client, django_capture_on_commit_callbacks)
    row = Dataset.objects.get(slug="pts")
    assert row.enqueued is not None and row.started is None and len(default_task_backend.results) == 1
    supervision.reconcile_lost()
    assert len(default_task_backend.results) == 1  # just sent: not again
    Dataset.objects.filter(pk=row.pk).update(
        enqueued=timezone.now() - timedelta(seconds=settings.PLAYGROUND_REQUEUE_AFTER_S + 5)
    )
    supervision.reconcile_lost()  # the broker lost it (a Redis restarted empty): sent again
    assert [r.args for r in default_task_backend.results] == [[row.pk], [row.pk]]
    assert processing.dataset_process(row.pk).status == "ready"
    assert processing.dataset_process(row.pk) is None  # the other copy finds it taken up
    Dataset.objects.filter(pk=row.pk).update(enqueued=timezone.now() - timedelta(days=1))
    supervision.reconcile_lost()
    assert len(default_task_backend.results) == 2  # processed (or being processed): never sent again


def test_a_text_upload_offers_the_token_level_and_uses_the_one_chosen(admin_client, django_capture_on_commit_callbacks):
    page = admin_client.get(ADD).content.decode()
    offered = re.search(r'<select name="tokens"[^>]*>(.*?)</select>', page, re.S)
    assert offered, "the upload form has no token level"
    assert re.findall(r'<option value="(\w+)"', offered.group(1)) == ["particles", "word", "morpheme", "char"]
    assert 'value="particles" selected' in offered.group(1)  # what every upload used before the levels

    bad = upload(
        admin_client,
        django_capture_on_commit_callbacks,
        name="txt",
        kind="text",
        filename="t.csv",
        data=f.text_csv(40, korean=True),
        tokens="syllable",
    )
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert not Dataset.objects.filter(slug="txt").exists()

    response = upload(
        admin_client,
        django_capture_on_commit_callbacks,
        name="txt",
        kind="text",
        filename="t.csv",
        data=f.text_csv(40, korean=True),
        tokens="char",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Dataset.objects.get(slug="txt")
    assert row.options["tokens"] == "char"
    processing.dataset_process(row.pk)
    row.refresh_from_db()
    vocab = store.load(row.arrays, ("vocab",))["vocab"].tolist()
    assert row.status == "ready" and len(vocab) > 10
    assert all(len(token) == 1 for token in vocab[2:])  # characters, after <pad> and <oov>
