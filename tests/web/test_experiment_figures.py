"""The experiment page draws every chart its model implies, from what the run stored.

2-D point models train for real (about a second each); for a CNN and an embedding
model the probe payloads come from the engine's own probe functions on freshly
initialized weights (no training compile), stored as the recorder stores frames."""

import json

import numpy as np
import pytest
from django.test import Client

from playground import figures, jobs, services
from tests.conftest import example_spec
from trainer import datasets, engine, events, pictures, probes
from trainer import spec as specs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def page_for(run, session_key):
    experiment = services.experiment_save(run, title="figures")
    client = Client()
    client.cookies["sessionid"] = session_key
    response = client.get(f"/experiments/{experiment.slug}/")
    assert response.status_code == 200
    return response


def trained(spec, session_key):
    """A run trained to its end and saved, with the time slider the save fills (here at once)."""
    run = services.run_create(spec, session_key=session_key)
    jobs.train_run.call(run.pk)
    services.experiment_save(run, title="figures")
    jobs.fill_snapshots.call(run.pk)
    run.refresh_from_db()
    assert run.status == "completed"
    return run


def embedded(response):
    """The figures as the browser gets them: the page's JSON script, parsed."""
    html = response.content.decode()
    start = html.index('<script type="application/json" id="figures">') + len(
        '<script type="application/json" id="figures">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def history_of(run):
    return list(run.frames.order_by("seq").values_list("payload", flat=True))


def test_binary_points_loss_accuracy_boundary_with_slider_neurons_confusion(small_spec, session_key):
    run = trained(small_spec, session_key)
    response = page_for(run, session_key)
    figs, history = response.context["figures"], history_of(run)
    assert list(figs) == ["loss", "accuracy", "boundary", "neurons", "confusion", "gradients"]

    batch, train, test = figs["loss"].data
    assert list(test.y) == [f["test_loss"] for f in history] and list(test.x) == [f["iteration"] for f in history]
    assert list(batch.x) == [p[0] for f in history for p in f["points"]]
    assert list(figs["accuracy"].data[1].y) == [f["test_accuracy"] for f in history]

    boundary = figs["boundary"]
    heat, train_pts, test_pts = boundary.data
    final = run.probes["boundary"]
    np.testing.assert_array_equal(heat.z, figures.grid_bytes(final["data"], final["size"]))
    assert heat.z.shape == (80, 80) and (heat.zmin, heat.zmax) == (0, 255)  # tanh output: the fixed [-1, 1] scale
    assert len(train_pts.x) == len(test_pts.x) == 100  # the 200 samples, half for testing
    assert train_pts.marker.color[0] in figures.CLASS_COLORS[:2]
    assert len(boundary.frames) >= 21 and boundary.frames[-1].name == str(run.final_metrics["steps"])
    assert [s.label for s in boundary.layout.sliders[0].steps] == [f.name for f in boundary.frames]
    assert boundary.layout.sliders[0].active == len(boundary.frames) - 1
    first = boundary.frames[0].data[0].z
    assert not np.array_equal(first, heat.z)  # the boundary moved while it learned

    hidden = [layer["units"] for layer in small_spec["layers"][:-1]]
    assert len(figs["neurons"].data) == sum(hidden)  # one thumbnail per hidden unit
    assert [list(r) for r in figs["confusion"].data[0].z] == run.probes["confusion"]["matrix"]
    assert sum(map(sum, run.probes["confusion"]["matrix"])) == 100

    browser = embedded(response)  # the JSON the page renders: same traces, uint8 grids as typed arrays
    assert list(browser) == list(figs)
    assert browser["boundary"]["data"][0]["z"]["dtype"] == "u1" and len(browser["boundary"]["frames"]) == len(
        boundary.frames
    )
    assert browser["loss"]["data"][2]["y"] == [f["test_loss"] for f in history]


def test_multiclass_points_paint_one_band_per_class(session_key):
    spec = example_spec("blobs_softmax")
    spec["epochs"] = 5
    run = trained(spec, session_key)
    figs = page_for(run, session_key).context["figures"]
    assert list(figs) == ["loss", "accuracy", "boundary", "neurons", "confusion", "gradients"]
    heat = figs["boundary"].data[0]
    classes = run.probes["boundary"]["classes"]
    assert classes == 4 and heat.zmax == classes * figures.BAND and int(heat.z.max()) < classes * figures.BAND
    labels = figures.grid_bytes(run.probes["boundary"]["labels"], 80)
    np.testing.assert_array_equal(heat.z // figures.BAND, labels)  # each cell in its predicted class's band
    assert len(figs["confusion"].data[0].z) == 4


def test_regression_draws_rmse_and_no_confusion(session_key):
    spec = example_spec("regression_plane")
    spec.update(epochs=5)
    spec["dataset"]["samples"] = 200
    run = trained(spec, session_key)
    response = page_for(run, session_key)
    figs = response.context["figures"]
    assert list(figs) == ["loss", "accuracy", "boundary", "neurons", "gradients"]
    assert figs["accuracy"].layout.yaxis.title.text == "RMSE"
    assert [t.name for t in figs["accuracy"].data] == ["train RMSE", "test RMSE"]
    heat = figs["boundary"].data[0]
    lo, hi = run.probes["boundary"]["range"]
    m = max(abs(lo), abs(hi))
    assert heat.zmin == pytest.approx((-m - lo) * 255 / (hi - lo)) and heat.zmax == pytest.approx(
        (m - lo) * 255 / (hi - lo)
    )
    assert "RMSE" in response.content.decode() and "confusion" not in embedded(response)


def stored_run(spec_dict, session_key, make_probes):
    """A finished run whose probes come from the engine's probe functions on initial weights."""
    spec = specs.parse(spec_dict)
    model = engine.Model.from_spec(spec)
    params = engine.init_state(model, spec.optimizer, spec.seed)["params"]
    shifted = [{k: np.asarray(v) * 1.5 for k, v in p.items()} for p in params]  # "later in training"
    run = services.run_create(spec_dict, session_key=session_key)
    history = []
    for seq, it in enumerate((5, 10), 1):
        frame = events.metrics(
            [[it, 1.0 / it]],
            {"iteration": it, "epoch": it // 5, "epochs": 2, "total_steps": 10, "samples_seen": it * 32},
            {"train": {"loss": 1.0 / it, "accuracy": 0.5}, "test": {"loss": 1.2 / it, "accuracy": 0.4}},
            0.01,
            50.0,
        )
        services.run_record_metrics(run, [(seq, frame)])
        history.append(frame)
    first, last = make_probes(spec, params), make_probes(spec, shifted)
    services.run_record_snapshot(run, {"iteration": 5, "frames": first})
    services.run_finish(
        run, status="completed", probes=last, metrics={"steps": 10, "test_loss": 0.12, "test_accuracy": 0.4}
    )
    run.refresh_from_db()
    return run, spec


def sample_probes(spec, params, split, vocabulary=None, sample=2):
    """The feature maps or hidden states of test sample `sample`, as the run loop makes them."""
    model = engine.Model.from_spec(spec)
    data = engine.to_device(model, split, spec.features)
    return {
        f["type"]: f
        for f in pictures.sample_frames(spec, engine.compiled(model).forward, params, data, vocabulary, sample)
    }


def test_cnn_draws_filters_and_feature_maps_with_sliders_and_confusion(session_key):
    spec_dict = example_spec("digits_cnn")
    spec_dict["dataset"]["samples"] = 100

    def make(spec, params):
        split = datasets.generate(spec.dataset)
        return {
            "filters": events.probe("filters", probes.filters(spec, params)),
            **sample_probes(spec, params, split),
            "confusion": events.probe("confusion", probes.confusion(split.y_test, np.zeros_like(split.y_test), 10)),
        }

    run, spec = stored_run(spec_dict, session_key, make)
    figs = page_for(run, session_key).context["figures"]
    assert list(figs) == ["loss", "accuracy", "filters", "feature_maps", "confusion"]
    maps = figs["feature_maps"]
    assert len(maps.data) == 1 + 8 + 8  # the image, then the conv's and the pool's maps
    assert maps.data[0].z.shape == (8, 8) and maps.data[-1].z.shape == (4, 4)
    label = run.probes["feature_maps"]["label"]
    assert maps.layout.annotations[0].text == f"test image 3, class {spec.dataset.info.class_names[label]}"
    assert [f.name for f in maps.frames] == ["5", "10"]
    kernels = run.probes["filters"]["layers"][0]["filters"]
    assert len(figs["filters"].data) == len(kernels) == 8
    np.testing.assert_allclose(figs["filters"].data[0].z, np.asarray(kernels[0])[::-1])
    assert [f.name for f in figs["filters"].frames] == ["5", "10"]  # the snapshot, then the final kernels
    assert len(figs["confusion"].data[0].z) == 10


def test_embedding_model_draws_the_projection_hidden_states_and_confusion(session_key):
    spec_dict = example_spec("sentiment_rnn")
    spec_dict["dataset"]["samples"] = 200

    def make(spec, params):
        split, pipeline = datasets.text_split(spec.dataset)
        return {
            "embedding": events.probe("embedding", probes.embedding(params[0]["embeddings"], pipeline.vocab)),
            **sample_probes(spec, params, split, pipeline.vocab),
            "confusion": events.probe(
                "confusion", probes.confusion(split.y_test, np.zeros_like(split.y_test), 2, ("neg", "pos"))
            ),
        }

    run, spec = stored_run(spec_dict, session_key, make)
    figs = page_for(run, session_key).context["figures"]
    assert list(figs) == ["loss", "accuracy", "confusion", "embedding", "hidden_states"]
    hidden, stored = figs["hidden_states"], run.probes["hidden_states"]
    assert hidden.data[0].z.shape == (32, len(stored["tokens"]))  # a row per unit, a column per token
    assert list(hidden.data[0].x) == [f"{i + 1}·{t}" for i, t in enumerate(stored["tokens"])]
    assert hidden.layout.title.text.startswith("test sentence 3, class ") and len(hidden.frames) == 2
    points = figs["embedding"].data[0]
    assert list(points.text) == run.probes["embedding"]["words"] and list(points.x) == run.probes["embedding"]["x"]
    assert len(figs["embedding"].frames) == 2
    assert list(figs["confusion"].data[0].x) == ["neg", "pos"]


def test_smoothing_is_tensorboards():
    """A debiased exponential moving average: the first point is itself, a constant stays constant."""
    assert figures.smooth([1.0, 2.0, 3.0], 0) == [1.0, 2.0, 3.0]
    smoothed = figures.smooth([4.0, None, 4.0, 0.0], 0.5)
    assert smoothed[:3] == [4.0, None, 4.0]
    assert smoothed[3] == pytest.approx((0.5 * (0.5 * 2.0 + 2.0) + 0.0) / (1 - 0.5**3))


def test_a_scratch_run_replays_nothing_until_it_is_saved(small_spec, session_key):
    """The time slider's replay trains the run again: only a saved experiment gets one (at its save),
    so a classroom's scratch runs never spend the server on it."""
    from django.tasks import default_task_backend  # the tests' DummyBackend: it keeps what was enqueued

    from playground import selectors, snapshots

    run = services.run_create(small_spec, session_key=session_key)
    jobs.train_run.call(run.pk)
    assert len(selectors.run_snapshots(run)) < snapshots.MIN_SNAPSHOTS  # what streaming kept: no replay
    default_task_backend.clear()
    services.experiment_save(run, title="later")
    assert [(r.task.name, r.args) for r in default_task_backend.results] == [("fill_snapshots", [run.pk])]
    jobs.fill_snapshots.call(run.pk)
    assert len(selectors.run_snapshots(run)) >= snapshots.MIN_SNAPSHOTS
