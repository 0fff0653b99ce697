"""Weights set by hand over the run socket: checked against the run's network, applied by the
run, kept in the experiment's spec, replayed on reconnect, repeated by a re-run."""

import json

import pytest
from channels.db import database_sync_to_async

from playground import controls, services
from playground.models import Experiment, Run
from tests.web.test_consumer import connect_as, is_done, of_type, scenario, until
from trainer.spec import parse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@pytest.fixture(autouse=True)
def in_process_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "playground.taskbackend.InProcessBackend"}}


def edit(**fields):
    return json.dumps({"action": "edit_weight", "layer": 0, "unit": 1, "input": 0, "value": 0.5, **fields})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (edit(layer=True), "layer must be a whole number"),
        (edit(unit=-1), "unit must be a whole number"),
        (edit(input="0"), "input must be a whole number"),
        (edit(value="1"), "value must be a finite number"),
        (edit(value=1e400), "not valid JSON"),
        (edit(extra=1), "unexpected key 'extra'"),
        (json.dumps({"action": "edit_weight", "layer": 0, "unit": 0, "value": 1}), "edit_weight needs input"),
    ],
)
def test_a_malformed_edit_is_named(text, words):
    with pytest.raises(ValueError, match=words):
        controls.parse_control(text)


def test_an_edit_of_a_bias_is_typed():
    assert controls.parse_control(edit(input=None, value=-2)) == {
        "action": "edit_weight",
        "layer": 0,
        "unit": 1,
        "input": None,
        "value": -2.0,
    }


async def paused_run(spec, session_key):
    """A run started paused (the page's Step before any run, without its step) and its owner's socket."""
    run = await database_sync_to_async(services.run_create)(spec, session_key=session_key, paused=True)
    comm = connect_as(session_key, run.pk)
    assert (await comm.connect())[0]
    await until(comm, of_type("status", "paused"))
    return run, comm


@scenario
async def _edit_replay_rerun(spec, session_key):
    run, comm = await paused_run(spec, session_key)
    await comm.send_to(text_data=edit(layer=1, unit=9))  # the hidden layer has 2 units
    refused = await until(comm, of_type("error"))
    await comm.send_to(text_data=edit(layer=1, unit=1, input=3, value=2.5))
    made = await until(comm, of_type("edit"))
    pictures = await until(comm, of_type("weights"))
    await comm.send_json_to({"action": "stop"})
    await until(comm, is_done)
    await comm.disconnect()
    again = connect_as(session_key, run.pk)
    assert (await again.connect())[0]
    replay = []
    await until(again, is_done, replay)
    await again.disconnect()
    experiment = await database_sync_to_async(Experiment.objects.get)(pk=run.experiment_id)
    rerun = await database_sync_to_async(services.experiment_rerun)(experiment)
    third = connect_as(session_key, rerun.pk)
    assert (await third.connect())[0]
    seen = []
    await until(third, is_done, seen)
    await third.send_to(text_data=edit(layer=1, unit=1, input=3, value=1.0))
    refused_on_rerun = await until(third, of_type("error"))
    await third.disconnect()
    return refused, made, pictures, replay, seen, refused_on_rerun, run, rerun


def test_an_edit_over_the_socket_joins_the_spec_is_replayed_and_a_rerun_repeats_it(small_spec, session_key):
    refused, made, pictures, replay, seen, refused_on_rerun, run, rerun = _edit_replay_rerun(small_spec, session_key)
    assert "layer 1 has 2 units" in refused["message"]
    assert made["iteration"] == 0 and made["value"] == 2.5 and made["live"]
    assert pictures["weights"][1][3][1] == 2.5  # the page redraws from these at once
    stored = {"iteration": 0, "layer": 1, "unit": 1, "input": 3, "value": 2.5}
    experiment = Experiment.objects.get(pk=run.experiment_id)
    assert experiment.spec["edits"] == [stored]
    assert parse(experiment.spec).edits[0].value == 2.5
    assert {"type": "edit", **stored} in replay  # a reconnecting viewer marks it again
    # the re-run's own edit frame, and the history's if it joined after: the same edit (the page marks it once)
    repeated = {json.dumps({k: f[k] for k in stored}) for f in seen if f["type"] == "edit"}
    assert repeated == {json.dumps(stored)}
    assert Experiment.objects.get(pk=run.experiment_id).spec["edits"] == [stored]  # not added twice
    assert Run.objects.get(pk=rerun.pk).status == "completed"
    assert "first run" in refused_on_rerun["message"]


POINTS = [[-3.5, 2.25, 0], [-2.0, -1.5, 0], [-4.0, -4.0, 0], [1.0, 1.0, 1], [2.5, 3.75, 1], [4.0, -2.0, 1]]


def points_spec(small_spec, points=POINTS):
    return {**small_spec, "dataset": {"name": "custom", "points": points, "test_fraction": 0.3, "seed": 4}}


def set_dataset(points, name="custom"):
    return json.dumps(
        {"action": "set_dataset", "dataset": {"name": name, "points": points, "test_fraction": 0.3, "seed": 4}}
    )


def test_only_a_set_of_points_may_be_a_long_message():
    many = [[round(i / 100, 2), 0.5, i % 2] for i in range(400)]
    assert len(set_dataset(many)) > controls.MAX_MESSAGE_CHARS
    assert controls.parse_control(set_dataset(many))["dataset"]["points"] == many
    with pytest.raises(ValueError, match="at most 1024 characters"):
        controls.parse_control(json.dumps({"action": "pause", "pad": "x" * 2000}))
    with pytest.raises(ValueError, match="needs a dataset object"):
        controls.parse_control(json.dumps({"action": "set_dataset", "dataset": [1]}))


@scenario
async def _points_anew(spec, session_key):
    run, comm = await paused_run(spec, session_key)
    await comm.send_to(text_data=set_dataset(POINTS[:1]))
    too_few = await until(comm, of_type("error"))
    await comm.send_to(text_data=set_dataset(POINTS, name="custom_regression"))
    wrong_task = await until(comm, of_type("error"))
    more = [*POINTS, [0.0, -5.0, 0], [5.5, 5.5, 1], [-1.25, 4.5, 0], [3.0, 0.5, 1]]
    await comm.send_to(text_data=set_dataset(more))
    made = await until(comm, of_type("edit"))
    await comm.send_json_to({"action": "resume"})
    await until(comm, is_done)
    await comm.disconnect()
    return too_few, wrong_task, made, more, run


def test_points_drawn_anew_over_the_socket_are_checked_and_join_the_spec(small_spec, session_key):
    too_few, wrong_task, made, more, run = _points_anew(points_spec(small_spec), session_key)
    assert too_few["message"].startswith("dataset.points") and "at least 2" in too_few["message"]
    assert "built for binary" in wrong_task["message"]
    assert made["iteration"] == 0 and made["dataset"]["points"] == more
    experiment = Experiment.objects.get(pk=run.experiment_id)
    assert experiment.spec["edits"] == [{"iteration": 0, "dataset": made["dataset"]}]
    assert parse(experiment.spec).edits[0].dataset.samples == len(more)
    assert Run.objects.get(pk=run.pk).status == "completed"
