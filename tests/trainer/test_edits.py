"""Weights and biases set by hand (trainer.edits): the spec's list, the live control, the re-run."""

import numpy as np
import pytest

from tests.trainer.test_training import Driver, of_type, train
from trainer import edits, engine, probes
from trainer.spec import SpecError, parse, parse_dataset


def spec_with(example, edit_list):
    d = example("tfp_default")
    d["edits"] = edit_list
    return d


def edit(iteration=0, layer=0, unit=0, input=0, value=0.5):
    return {"iteration": iteration, "layer": layer, "unit": unit, "input": input, "value": value}


def test_a_spec_keeps_its_edits_in_order(example):
    listed = [edit(0, 0, 1, 0, 1.5), edit(40, 2, 0, None, -0.25), edit(40, 1, 1, 3, 2)]
    spec = parse(spec_with(example, listed))
    assert spec.edits == (
        edits.Edit(0, 0, 1, 0, 1.5),
        edits.Edit(40, 2, 0, None, -0.25),
        edits.Edit(40, 1, 1, 3, 2.0),
    )
    assert parse(spec.to_dict()) == spec and spec.to_dict()["edits"][1] == {**listed[1], "value": -0.25}
    assert "edits" not in parse(example("tfp_default")).to_dict()


@pytest.mark.parametrize(
    ("bad", "path", "words"),
    [
        (edit(layer=7), "edits[0]", "layer 7 is not a dense layer"),
        (edit(layer=1, unit=2), "edits[0]", "layer 1 has 2 units"),
        (edit(layer=0, input=2), "edits[0]", "layer 0 has 2 inputs"),
        (edit(value=5000), "edits[0]", "from -1000 to 1000"),
        (edit(value=float("nan")), "edits[0]", "value a number"),
        (edit(value=10**400), "edits[0]", "value a number"),
        (edit(value=True), "edits[0]", "value a number"),
        (edit(unit=-1), "edits[0]", "whole numbers"),
        (edit(iteration=10**9), "edits[0]", "iteration must be a whole number from 0"),
        ({"iteration": 0, "layer": 0}, "edits[0]", "must be an object with"),
        ({**edit(), "extra": 1}, "edits[0]", "must be an object with"),
        ("nope", "edits[0]", "must be an object with"),
    ],
)
def test_a_bad_edit_is_named(example, bad, path, words):
    with pytest.raises(SpecError) as caught:
        parse(spec_with(example, [bad]))
    assert [e["path"] for e in caught.value.errors] == [path]
    assert words in caught.value.errors[0]["message"]


def test_edits_go_in_the_order_they_were_made_and_at_most_so_many(example):
    with pytest.raises(SpecError, match=r"edits\[1\]: iteration must be a whole number from 50"):
        parse(spec_with(example, [edit(50), edit(10)]))
    with pytest.raises(SpecError, match="at most 200 edits"):
        parse(spec_with(example, [edit()] * 201))
    with pytest.raises(SpecError, match="edits: must be a list"):
        parse(spec_with(example, {"0": edit()}))


def test_an_edit_at_the_start_changes_the_first_pictures_as_a_forward_pass_predicts(example):
    """Paused before the first step: the edit sets the number, and the boundary frame after it is
    the forward pass of the edited weights, no step taken."""
    d = example("tfp_default")
    run = Driver(d, paused=True)
    run.wait_for(lambda f: f.get("status") == "paused")
    run.inbox.put({"action": "edit_weight", "layer": 1, "unit": 0, "input": 2, "value": 3.25})
    run.wait_for(lambda f: f["type"] == "boundary")
    run.send("stop")
    run.thread.join(30)
    [made] = of_type(run.frames, "edit")
    spec = parse(d)
    model = engine.Model.from_spec(spec)
    params = engine.init_state(model, spec.optimizer, spec.seed)["params"]
    assert made["previous"] == pytest.approx(float(params[1]["kernel"][2, 0]))
    assert made["live"] and made["iteration"] == 0 and made["value"] == 3.25
    assert made["test_loss"] is not None
    params[1] = {**params[1], "kernel": params[1]["kernel"].at[2, 0].set(3.25)}
    weights = [f for f in run.frames if f["type"] == "weights" and f["iteration"] == 0][-1]
    assert weights["weights"][1][2][0] == 3.25
    forward = engine.compiled(model).forward
    expected = probes.boundary(model, forward, params, spec.features)
    assert of_type(run.frames, "boundary")[0] == {"type": "boundary", **expected}
    before = probes.boundary(
        model, forward, engine.init_state(model, spec.optimizer, spec.seed)["params"], spec.features
    )
    assert before != expected  # the edit shows


def test_a_live_edit_made_while_training_is_repeated_exactly_by_its_spec(example):
    """The run that was edited by hand, and a run of its spec with the edit it recorded, end equal."""
    d = example("tfp_default")
    d["epochs"] = 60
    run = Driver(d, steps_per_second=3000)
    run.wait_for(lambda f: f["type"] == "metrics" and f["iteration"] >= 100)
    run.inbox.put({"action": "edit_weight", "layer": 0, "unit": 3, "input": None, "value": -2.0})
    run.inbox.put({"action": "edit_weight", "layer": 2, "unit": 0, "input": 1, "value": 4.0})
    run.send("set_speed", None)
    run.thread.join(60)
    made = of_type(run.frames, "edit")
    assert len(made) == 2 and made[0]["iteration"] == made[1]["iteration"] >= 100
    again = {**d, "edits": [{k: m[k] for k in ("iteration", *edits.KEYS)} for m in made]}
    result, frames = train(again)
    assert [f["live"] for f in of_type(frames, "edit")] == [False, False]
    for name, value in run.result.weights.items():
        np.testing.assert_allclose(result.weights[name], value, atol=1e-6)
    plain, _ = train(d)
    assert not np.allclose(plain.weights["2_dense.kernel"], result.weights["2_dense.kernel"], atol=1e-3)


def test_an_edit_past_a_long_call_stops_the_call_where_it_belongs(example):
    d = example("tfp_default")
    d["edits"] = [edit(37, 1, 1, 0, 9.0)]
    _, frames = train(d)
    [made] = of_type(frames, "edit")
    assert made["iteration"] == 37 and not made["live"]
    at = [f for f in of_type(frames, "weights") if f["iteration"] == 37]
    assert at and at[-1]["weights"][1][0][1] == 9.0


def test_the_code_export_says_it_leaves_out_the_edits(example):
    from trainer import codegen

    assert "set by hand" not in codegen.script(example("tfp_default"))
    assert "changed by hand 1 time(s)" in codegen.script(spec_with(example, [edit()]))


# --- points drawn anew while paused (DataEdit) ---------------------------------------------------

POINTS = [[-3.5, 2.25, 0], [-2.0, -1.5, 0], [-4.0, -4.0, 0], [1.0, 1.0, 1], [2.5, 3.75, 1], [4.0, -2.0, 1]]
MORE = [*POINTS, [-1.25, 4.5, 0], [3.0, 0.5, 1], [0.0, -5.0, 0], [5.5, 5.5, 1], [-5.0, 1.0, 0], [2.0, -4.5, 1]]


def drawn(points=POINTS, name="custom"):
    return {"name": name, "points": points, "test_fraction": 0.3, "seed": 4}


def drawn_spec(example, edit_list=()):
    d = example("tfp_default")
    d["dataset"] = drawn()
    d["batch_size"], d["epochs"] = 2, 30
    if edit_list:
        d["edits"] = list(edit_list)
    return d


def test_points_drawn_anew_are_checked_against_the_network(example):
    spec = parse(drawn_spec(example, [{"iteration": 4, "dataset": drawn(MORE)}]))
    assert spec.edits[0] == edits.DataEdit(4, parse_dataset(drawn(MORE)))
    assert parse(spec.to_dict()) == spec
    bad = [
        ({"iteration": 4, "dataset": {"name": "circle"}}, "edits[0].dataset", "points drawn on the plane only"),
        ({"iteration": 4, "dataset": drawn(name="custom_regression")}, "edits[0].dataset", "built for binary"),
        ({"iteration": 4, "dataset": drawn(POINTS[:1])}, "edits[0].dataset.points", "at least 2"),
        ({"iteration": 4, "dataset": drawn(), "layer": 0}, "edits[0]", "iteration and dataset"),
    ]
    for edit_obj, path, words in bad:
        with pytest.raises(SpecError) as caught:
            parse(drawn_spec(example, [edit_obj]))
        assert caught.value.errors[0]["path"] == path and words in caught.value.errors[0]["message"], caught.value


def test_a_run_goes_on_with_points_drawn_anew_and_its_spec_repeats_it(example):
    """Paused after a few steps, new points: the run keeps its weights and trains the epochs left
    on them; a run of the spec it recorded ends equal."""
    d = drawn_spec(example)
    run = Driver(d, paused=True)
    run.wait_for(lambda f: f.get("status") == "paused")
    for _ in range(5):
        run.send("step")
    run.wait_for(lambda f: f["type"] == "metrics" and f["iteration"] == 5)
    run.inbox.put({"action": "set_dataset", "dataset": drawn(MORE)})
    run.wait_for(lambda f: f["type"] == "edit")
    run.send("resume")
    run.thread.join(60)
    [made] = of_type(run.frames, "edit")
    assert made["iteration"] == 5 and made["dataset"]["points"] == MORE and made["previous"] is None
    old_spe, new_spe = parse(d).steps_per_epoch, parse({**d, "dataset": drawn(MORE)}).steps_per_epoch
    assert (old_spe, new_spe) == (2, 4)  # 4 then 8 training points, 2 a batch
    metrics = of_type(run.frames, "metrics")
    # the epoch under way (the third, at step 5) ends there; the 28 left run over the new points
    assert metrics[-1]["iteration"] == run.result.metrics["steps"] == 5 + 28 * new_spe
    assert metrics[-1]["epoch"] == 30 and metrics[-1]["total_steps"] == 5 + 28 * new_spe
    assert [m["iteration"] for m in metrics] == sorted(m["iteration"] for m in metrics)
    again = {**d, "edits": [{"iteration": 5, "dataset": made["dataset"]}]}
    result, frames = train(again)
    # Paced, it takes two steps at a time (the other compiled call, which finds its place in the epoch
    # from the step count): the same batches, in order.
    paced, _ = train(again, steps_per_second=60)
    for name, value in run.result.weights.items():
        np.testing.assert_allclose(result.weights[name], value, atol=1e-6)
        np.testing.assert_allclose(paced.weights[name], value, atol=1e-6)
    plain, _ = train(d)
    assert not np.allclose(plain.weights["0_dense.kernel"], result.weights["0_dense.kernel"], atol=1e-4)
