"""/datasets/ and /datasets/<slug>/ for built-in and uploaded sets of every kind."""

import json
import re

import pytest
from django.core.files.base import ContentFile

from playground.uploads import processing, readers, services
from tests.web import upload_files as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploaded(kind, name, filename, data, **options):
    checked = readers.check(kind, filename, data, options)
    row = services.dataset_upload(
        name=name,
        title=name.title(),
        kind=kind,
        upload=ContentFile(data, name=filename),
        options=options,
        checked=checked,
        description=f"an uploaded {kind} set",
    )
    return row, processing.dataset_process(row.pk)


def page_data(response):
    assert response.status_code == 200
    html = response.content.decode()
    return json.loads(
        re.search(r'<script id="dataset-page" type="application/json">(.*?)</script>', html, re.S).group(1)
    ), html


def test_the_list_shows_built_in_and_ready_uploaded_sets(client):
    uploaded("points", "pts", "p.csv", f.points_csv(40))
    waiting = services.dataset_upload(
        name="later",
        title="Later",
        kind="points",
        upload=ContentFile(f.points_csv(40), name="l.csv"),
        options={},
        checked=readers.check("points", "l.csv", f.points_csv(40), {}),
    )
    html = client.get("/datasets/").content.decode()
    for name in ("circle", "digits", "sentiment", "pts"):
        assert f'data-name="{name}"' in html
    assert 'data-name="later"' not in html and "uploaded · v1" in html
    assert client.get(f"/datasets/{waiting.slug}/").status_code == 404
    assert client.get("/datasets/nothing-here/").status_code == 404


@pytest.mark.parametrize(
    ("name", "kind"), [("circle", "points"), ("plane", "points"), ("digits", "images"), ("sentiment", "text")]
)
def test_built_in_pages(client, name, kind):
    data, html = page_data(client.get(f"/datasets/{name}/"))
    assert data["preview"]["kind"] == kind and data["n_train"] + data["n_test"] == data["samples"]
    assert f'href="/#dataset={name}"' in html and "Use in playground" in html
    if name == "plane":
        assert data["classes"] == [] and len(data["targets"][0]) == 20
    else:
        assert sum(c["count"] for c in data["classes"]) == data["samples"]


def test_uploaded_pages_preview_each_kind(client):
    _, pts = uploaded("points", "pts", "p.csv", f.points_csv(50))
    data, html = page_data(client.get("/datasets/pts/"))
    assert data["preview"]["kind"] == "points" and (data["n_train"], data["n_test"]) == (40, 10)
    assert data["classes"] == [
        {"name": "a", "count": pts.metadata["class_counts"][0]},
        {"name": "b", "count": pts.metadata["class_counts"][1]},
    ]
    assert "an uploaded points set" in html and "UTF-8" in html

    uploaded("tabular", "iris", "iris.csv", f.tabular_csv(60), label_column="species")
    data, html = page_data(client.get("/datasets/iris/"))
    assert [h["column"] for h in data["preview"]["histograms"]] == [
        "petal",
        "sepal",
        "noise",
    ] and "standardized" in html

    uploaded("images", "pics", "p.zip", f.image_zip(12), height=8, width=8, color="rgb")
    data, _ = page_data(client.get("/datasets/pics/"))
    assert (
        data["preview"]["shape"] == [8, 8, 3] and len(data["preview"]["before"]) == len(data["preview"]["after"]) == 8
    )

    uploaded("text", "reviews", "r.csv", f.text_csv(40, korean=True), max_vocab=100)
    data, _ = page_data(client.get("/datasets/reviews/"))
    step = data["preview"]["samples"][0]
    assert step["text"] and step["tokens"] and len(step["padded"]) == data["preview"]["length"]
    assert data["preview"]["vocab"][0][0] == "<pad>"


def test_an_archived_version_keeps_its_page(client):
    row, ready = uploaded("points", "pts", "p.csv", f.points_csv(40))
    services.dataset_archive(ready)
    _, html = page_data(client.get("/datasets/pts/"))
    assert "archived: kept for the experiments that use it" in html
    assert 'data-name="pts"' not in client.get("/datasets/").content.decode()


def test_saved_experiment_tables_and_scripts_read_an_uploaded_spec():
    from playground import exports, summaries
    from playground.uploads import previews, selectors

    _, row = uploaded("points", "pts", "p.csv", f.points_csv(40))
    spec = previews.example_spec(selectors.dataset_info(row))
    assert summaries.parsed(spec) is not None
    assert "pts.npz" in exports.script(spec, title="Two clouds")
