"""Models, services and selectors against the database."""

import numpy as np
import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from playground import selectors, services
from playground.models import Dataset, Run, RunFrame
from trainer import events

pytestmark = pytest.mark.django_db


def test_run_starts_queued_and_records_frames_in_order(make_run, small_spec):
    run = make_run(small_spec)
    assert run.status == Run.Status.QUEUED and run.is_active
    assert services.run_start(run.pk).status == "running"
    assert services.run_start(run.pk) is None  # only a queued run starts, once
    services.run_record_metrics(run, [(seq, {"type": "metrics", "iteration": seq * 10}) for seq in (2, 1)])
    services.run_record_metrics(run, [(3, {"type": "metrics", "iteration": 30})])
    frames, last_seq = selectors.run_metrics_frames(run)
    assert [f["iteration"] for f in frames] == [10, 20, 30] and last_seq == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        services.run_record_metrics(run, [(2, {"type": "metrics"})])


def test_finish_stores_weights_as_npz_without_pickles(make_run, small_spec):
    run = make_run(small_spec)
    kernel = np.arange(6, dtype=np.float32).reshape(2, 3)
    probes = {"boundary": {"type": "boundary", "size": 2}}
    services.run_finish(
        run, status="completed", metrics={"test_loss": 0.1}, probes=probes, weights={"0_dense.w": kernel}
    )
    run.refresh_from_db()
    assert run.status == "completed" and not run.is_active and run.finished is not None
    np.testing.assert_array_equal(services.weights_from_npz(run.weights)["0_dense.w"], kernel)
    frames, _ = selectors.run_history_frames(run)
    assert [f["type"] for f in frames] == ["status", "boundary", "done"]
    assert frames[-1] == {"type": "done", "status": "completed", "metrics": {"test_loss": 0.1}, "message": None}


def test_object_arrays_are_refused_on_load(make_run, small_spec):
    with pytest.raises(ValueError):
        services.weights_from_npz(services.weights_to_npz({"evil": np.array([{"a": 1}], dtype=object)}))


def test_ownership_by_session_or_user(make_run, small_spec, django_user_model):
    run = make_run(small_spec, key="s" * 32)
    assert selectors.run_get_for_viewer(run.pk, user=None, session_key="s" * 32) == run
    assert selectors.run_get_for_viewer(run.pk, user=None, session_key="t" * 32) is None
    assert selectors.run_get_for_viewer(run.pk, user=None, session_key=None) is None
    user = django_user_model.objects.create_user("grace")
    owned = services.run_create(small_spec, user=user, session_key="s" * 32)
    assert selectors.run_get_for_viewer(owned.pk, user=None, session_key="s" * 32) is None
    assert selectors.run_get_for_viewer(owned.pk, user=user, session_key=None) == owned


def test_reconcile_fails_runs_a_dead_server_left_behind(make_run, small_spec):
    queued, running, done = (make_run(small_spec) for _ in range(3))
    services.run_start(running.pk)
    services.run_finish(done, status="completed")
    call_command("reconcile")
    statuses = dict(Run.objects.values_list("pk", "status"))
    assert statuses == {queued.pk: "failed", running.pk: "failed", done.pk: "completed"}
    assert Run.objects.get(pk=queued.pk).message == "server restarted"


def test_datasets_command_is_idempotent():
    call_command("datasets")
    call_command("datasets")
    circle = Dataset.objects.get(slug="circle")
    assert circle.builtin and circle.kind == "points" and circle.task == "binary"
    assert Dataset.objects.filter(slug="blobs", task="multiclass").exists()
    assert Dataset.objects.count() == len(set(Dataset.objects.values_list("slug", flat=True)))


def test_deleting_a_run_deletes_its_frames(make_run, small_spec):
    run = make_run(small_spec)
    services.run_record_metrics(run, [(1, {"type": "metrics"})])
    run.experiment.delete()
    assert RunFrame.objects.count() == 0


def test_run_statuses_are_the_engines_with_translated_labels():
    """Run.Status is built from trainer.events.STATUSES: the same values in the same order, each labelled."""
    assert tuple(Run.Status.values) == events.STATUSES
    assert set(events.FINAL) < set(Run.Status.values) and Run.Status.QUEUED == "queued"
    assert [label for _, label in Run._meta.get_field("status").choices] == list(Run.Status.labels)
    with translation.override("ko"):
        assert Run.Status.DIVERGED.label == "발산" and Run.Status("paused").label != "paused"
