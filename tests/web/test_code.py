"""The Code panel's endpoint: a spec in, its trainer.keras script out."""

import json

import pytest

from trainer import presets


@pytest.mark.django_db
def test_code_for_a_spec_is_a_script_that_builds_the_same_model(client):
    spec = presets.load("digits_cnn")
    response = client.post("/api/specs/code/", json.dumps(spec), content_type="application/json")
    assert response.status_code == 200
    script = response.json()["script"]
    compile(script, "playground_model.py", "exec")  # valid Python
    assert "Sequential(" in script and "Conv2D(8" in script and "model.fit(" in script and "model.evaluate(" in script
    assert response.json()["filename"].endswith(".py")


@pytest.mark.django_db
def test_code_for_a_bad_spec_names_the_field(client):
    spec = presets.load("tfp_default")
    spec["layers"][0]["units"] = 0
    response = client.post("/api/specs/code/", json.dumps(spec), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "layers[0].units"
    assert client.get("/api/specs/code/").status_code == 405
