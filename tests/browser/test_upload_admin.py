"""A staff user uploads a CSV of 2-D points in the admin, it becomes ready, and it trains
on the playground: the whole path a person takes, in Chromium against the live server."""

import re

import numpy as np
from playwright.sync_api import expect

SOCKET_TIMEOUT = 60_000  # ms: a cold JAX compile plus the first chunk


def clouds_csv(n=120):
    """Two clouds either side of x1 = x2, far outside the playground's plane (mapped onto it)."""
    rng = np.random.default_rng(5)
    rows = ["x1,x2,label"]
    for i in range(n):
        label = "north" if i % 2 else "south"
        x1, x2 = rng.normal(50, 10, 2) + (np.array([-15, 15]) if label == "north" else np.array([15, -15]))
        rows.append(f"{x1:.3f},{x2:.3f},{label}")
    return ("\n".join(rows) + "\n").encode()


def log_in_to_the_upload_form(page, live_manage, username):
    live_manage(
        "createsuperuser",
        "--noinput",
        "--username",
        username,
        "--email",
        f"{username}@example.com",
        DJANGO_SUPERUSER_PASSWORD="a long test password",
    )
    page.goto("/admin/login/?next=/admin/playground/dataset/add/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")


def test_a_staff_upload_becomes_ready_and_trains_in_the_playground(page, live_manage, shots):
    log_in_to_the_upload_form(page, live_manage, "staff")

    # a wrong file first: the form says what is wrong, and nothing is created
    page.fill("#id_name", "clouds")
    page.fill("#id_title", "Two clouds")
    page.select_option("#id_kind", "points")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "clouds.csv",
                "mimeType": "text/csv",
                "buffer": clouds_csv().replace(b"x1,x2,label", b"x1;x2;label", 1),
            }
        ],
    )
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("separated by semicolons, not commas")
    shots(page, "upload-rejected.png")

    page.set_input_files("#id_file", files=[{"name": "clouds.csv", "mimeType": "text/csv", "buffer": clouds_csv()}])
    page.select_option("#id_target", "classification")
    page.click("input[name=_save]")
    status = page.locator(".upload-status").first
    expect(status).to_have_attribute("data-status", "ready", timeout=30_000)  # processed by the server's task
    expect(page.locator("#result_list")).to_contain_text("clouds")
    shots(page, "upload-ready.png")

    page.goto("/datasets/clouds/")
    expect(page.locator("#preview")).to_have_attribute("data-rendered", "points")
    expect(page.locator("#fact-samples")).to_have_text("120")
    shots(page, "dataset-page.png")
    page.click("#use-in-playground")

    card = page.locator('.dataset-card[data-name="clouds"]')
    expect(card).to_be_visible()
    expect(card).to_have_class(re.compile(r"\bselected\b"))
    expect(card).to_contain_text("uploaded · v1")
    expect(page.locator("#train")).to_be_enabled()  # the spec with the uploaded set validated
    assert "dataset=clouds" in page.url
    # Long enough (10,000 epochs at 200 steps/s: minutes) that it is still running when Stop is clicked.
    page.fill("input[data-bind='spec.epochs']", "10000")
    page.press("input[data-bind='spec.epochs']", "Tab")
    expect(page.locator("#train")).to_be_enabled()
    page.click("#train", no_wait_after=True)
    page.wait_for_function(
        "() => document.getElementById('boundary-chart').dataset.hasBoundary === 'true'", timeout=SOCKET_TIMEOUT
    )
    page.wait_for_function(
        "() => document.getElementById('loss-chart').data.reduce((n, t) => n + t.x.length, 0) > 0",
        timeout=SOCKET_TIMEOUT,
    )
    expect(page.locator("#c-iteration")).not_to_have_text("0")
    shots(page, "upload-training.png")
    expect(page.locator("#stop")).to_be_enabled()
    # Stop never navigates: no waiting for navigations after the click (once timed out at 30 s
    # on a starved machine, "waiting for scheduled navigations to finish").
    page.click("#stop", no_wait_after=True)
    expect(page.locator("#status")).to_contain_text("Stopped", timeout=SOCKET_TIMEOUT)
    assert page.errors == []


def test_an_uploaded_table_trains_on_the_playground_with_a_dense_stack(page, live_manage):
    log_in_to_the_upload_form(page, live_manage, "tables")
    rng = np.random.default_rng(2)
    rows = ["petal,sepal,noise,species"] + [
        f"{rng.normal(c * 2, 0.5):.3f},{rng.normal(10 - c, 0.5):.3f},{rng.uniform(0, 100):.3f},{['setosa', 'versicolor', 'virginica'][c]}"
        for c in (i % 3 for i in range(90))
    ]
    page.fill("#id_name", "flowers")
    page.fill("#id_title", "Flowers")
    page.select_option("#id_kind", "tabular")
    page.set_input_files(
        "#id_file", files=[{"name": "flowers.csv", "mimeType": "text/csv", "buffer": ("\n".join(rows) + "\n").encode()}]
    )
    page.select_option("#id_target", "classification")
    page.fill("#id_label_column", "species")
    page.click("input[name=_save]")
    expect(page.locator(".upload-status").first).to_have_attribute("data-status", "ready", timeout=30_000)

    page.goto("/datasets/flowers/")
    page.click("#use-in-playground")
    expect(page.locator('.dataset-card[data-name="flowers"]')).to_have_class(re.compile(r"\bselected\b"))
    expect(
        page.locator("#stack .layer-row[data-type=dense]").first
    ).to_be_visible()  # the layer stack, not the 2-D diagram
    expect(page.locator("#network")).to_be_hidden()
    expect(page.locator("#train")).to_be_enabled()
    page.click("#train", no_wait_after=True)
    page.wait_for_function(
        "() => document.getElementById('confusion-chart').dataset.updates > 0", timeout=SOCKET_TIMEOUT
    )
    expect(page.locator("#status")).to_contain_text("Done", timeout=SOCKET_TIMEOUT)
    assert page.evaluate("() => document.getElementById('confusion-chart').data[0].z.length") == 3
    assert page.errors == []
