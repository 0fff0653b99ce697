"""The real thing: `manage.py runserver` (daphne) in a subprocess, a run created over HTTP
with a session cookie and CSRF token, frames received over a real websocket."""

import asyncio
import http.cookiejar
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

pytestmark = pytest.mark.timeout(90)


def create_run(url, spec, steps_per_second):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(url + "/")  # the page sets the csrftoken cookie
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = json.dumps({"spec": spec, "steps_per_second": steps_per_second}).encode()
    request = urllib.request.Request(
        url + "/api/runs/",
        data=body,
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": url + "/"},
    )
    created = json.load(opener.open(request))
    return created, "; ".join(f"{c.name}={c.value}" for c in jar)


async def watch(url, ws_path, cookie, want_metrics):
    counts, first_metrics, started = {}, None, time.monotonic()
    headers = {"Cookie": cookie, "Origin": url}
    async with websockets.connect(url.replace("http", "ws") + ws_path, additional_headers=headers, max_size=None) as ws:
        async with asyncio.timeout(60):
            async for text in ws:
                message = json.loads(text)
                for frame in message if isinstance(message, list) else [message]:  # frames that waited together
                    counts[frame["type"]] = counts.get(frame["type"], 0) + 1
                    if frame["type"] == "metrics" and first_metrics is None:
                        first_metrics = time.monotonic() - started
                    if counts.get("metrics", 0) == want_metrics and counts.get("boundary"):
                        await ws.send(json.dumps({"action": "stop"}))
                    if frame["type"] == "done":
                        return counts, frame, first_metrics, time.monotonic() - started


def test_a_run_over_http_and_a_real_websocket(live_server_url, small_spec):
    spec = {**small_spec, "epochs": 1000}  # 10,000 steps: paced, it outlasts the 20 frames we wait for
    created, cookie = create_run(live_server_url, spec, steps_per_second=2000)
    # asyncio.run in a thread of its own: the browser tests' sync Playwright keeps a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, watch(live_server_url, created["ws"], cookie, want_metrics=20)).result()
    counts, done, first_metrics, elapsed = result
    print(
        f"\nlive server: first metrics frame {first_metrics:.2f}s after connecting (cold process); "
        f"then {(counts['metrics'] - 1) / (elapsed - first_metrics):.1f} metrics frames/s; frames {counts}"
    )
    assert counts["metrics"] >= 20 and counts["boundary"] >= 1 and counts["neurons"] >= 1
    assert done["status"] == "stopped"
    detail = json.load(
        urllib.request.build_opener().open(
            urllib.request.Request(live_server_url + f"/api/runs/{created['id']}/", headers={"Cookie": cookie})
        )
    )
    assert detail["status"] == "stopped" and len(detail["metrics"]) >= 20
