"""Frame-rate benchmark of the live view (not a test): `make fps`.

Starts the embedded server (`manage.py runserver`: daphne, the in-process backend, SQLite in a
temporary folder), opens the playground in headless Chromium, trains the default network at the
default speed and prints what the page saw in a measuring window:

- picture updates per second (the boundary and every neuron, computed from `weights` frames),
  loss-curve updates per second (metrics frames drawn) and the animation frames the page got;
- latency p50/p95 from the worker's time stamp (`sent_at`) to the frame being drawn;
- training steps per second, and the server's CPU (1.0 = one core) per learner;
- Train -> first picture, cold (a fresh server) and warm (the same shapes again).

Then the same with N learners at once: the page plus N - 1 learners that each start a run over
HTTP and watch it on a websocket, as a browser does (tests/integration/stack.py's Client).
Each N is measured in --rounds windows one after another, a row each: these machines are shared,
and one window can read half of the next.

    .venv/bin/python scripts/fps.py --learners 1 5 10 20 --seconds 8 --rounds 3
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.load import cpu_seconds, percentile  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.integration.stack import Client, is_type  # noqa: E402

EPOCHS = 10_000  # the most a spec allows: minutes at the default speed, longer than any window
PAGE_COUNTERS = """() => ({pictures: window.playgroundDrawn.pictures, metrics: window.playgroundDrawn.metrics,
    frames: window.__animationFrames, busy: window.__busy, latencies: window.playgroundDrawn.latencies.slice(),
    boundary: Number(document.getElementById('boundary-chart').dataset.updates),
    loss: Number(document.getElementById('loss-chart').dataset.updates),
    speed: document.getElementById('c-speed').textContent})"""
COUNT_ANIMATION_FRAMES = """window.__animationFrames = 0;
(function tick() { window.__animationFrames++; requestAnimationFrame(tick); })();
window.__busy = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__busy += e.duration; })
    .observe({type: "longtask", buffered: true});"""


def start_server(folder):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "playground.settings.dev",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'fps.sqlite3'}",
        "PLAYGROUND_MEDIA_ROOT": str(folder / "media"),
        # one address for every learner here: the per-address limits would count them as one client
        "PLAYGROUND_RUNS_PER_MINUTE": "1000",
        "PLAYGROUND_MAX_ACTIVE_RUNS_PER_ADDRESS": "1000",
    }
    for name in ("REDIS_URL", "PLAYGROUND_TASK_BACKEND"):
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=(folder / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return server, url
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start: see {folder / 'server.log'}") from None
            time.sleep(0.2)


def default_spec():
    spec = json.loads((ROOT / "trainer" / "examples" / "tfp_default.json").read_text())
    spec["epochs"] = EPOCHS
    return spec


class Learners:
    """N - 1 learners besides the page: each its own session, run and websocket, in a thread's loop."""

    def __init__(self, url, count, speed):
        self.url, self.count, self.speed = url, count, speed
        self.loop = asyncio.new_event_loop()
        self.viewers, self.tasks = [], []

    def start(self):
        async def go():
            for _ in range(self.count):
                client = Client(self.url)
                run = client.create_run(default_spec(), steps_per_second=self.speed)
                viewer = await client.watch(run["id"])
                self.viewers.append(viewer)
                self.tasks.append(asyncio.ensure_future(viewer.next(is_type("done"), timeout=3600)))

        threading.Thread(target=self.loop.run_forever, daemon=True).start()  # Playwright's loop owns this thread
        asyncio.run_coroutine_threadsafe(go(), self.loop).result(timeout=120)

    def frames(self):
        return sum(len(v.frames) for v in self.viewers)

    def stop(self):
        async def go():
            for viewer in self.viewers:
                await viewer.send("stop")
            await asyncio.wait(self.tasks, timeout=60)
            for viewer in self.viewers:
                await viewer.close()

        if self.viewers:
            asyncio.run_coroutine_threadsafe(go(), self.loop).result(timeout=120)
        self.loop.call_soon_threadsafe(self.loop.stop)


def train_on_page(page):
    page.evaluate("() => { delete document.body.dataset.firstUpdateMs; }")
    page.fill("input[data-bind='spec.epochs']", str(EPOCHS))
    page.press("input[data-bind='spec.epochs']", "Tab")
    page.wait_for_function("() => !document.getElementById('train').disabled")
    page.click("#train", no_wait_after=True)
    page.wait_for_function(
        "() => document.body.dataset.firstUpdateMs && document.body.dataset.run === 'running'", timeout=120_000
    )
    return int(page.evaluate("document.body.dataset.firstUpdateMs"))


def stop_on_page(page):
    page.click("#stop", no_wait_after=True)
    page.wait_for_function("() => !['running', 'paused', 'queued'].includes(document.body.dataset.run)", timeout=60_000)


def measure(page, server, learners, seconds):
    before, cpu, frames, t0 = page.evaluate(PAGE_COUNTERS), cpu_seconds(server.pid), learners.frames(), time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    after, cpu, t1 = page.evaluate(PAGE_COUNTERS), cpu_seconds(server.pid) - cpu, time.monotonic()
    span = t1 - t0
    lat = [x * 1000 for x in after["latencies"][-max(1, after["metrics"] - before["metrics"]) :]]
    return {
        "pictures": (after["pictures"] - before["pictures"]) / span,
        "loss": (after["loss"] - before["loss"]) / span,
        "animation": (after["frames"] - before["frames"]) / span,
        "p50": percentile(lat, 0.5),
        "p95": percentile(lat, 0.95),
        "speed": after["speed"],
        "busy": (after["busy"] - before["busy"]) / 1000 / span,
        "cpu": cpu / span,
        "learner_frames": (learners.frames() - frames) / span,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--speed", type=float, default=1000, help="steps/s of every run (the page's default)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measuring windows per N, one after another; a row each (shared machines)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_page(
                    viewport={"width": 1440, "height": 1000}, base_url=url, bypass_csp=True
                )  # evaluates strings
                page.add_init_script(COUNT_ANIMATION_FRAMES)
                page.goto("/")
                page.wait_for_function("() => !document.getElementById('train').disabled")
                cold = train_on_page(page)
                stop_on_page(page)
                warm = train_on_page(page)
                stop_on_page(page)
                print(
                    f"Train -> first picture: cold {cold} ms (a fresh server), warm {warm} ms "
                    f"({os.cpu_count()} CPUs; default network, {args.speed:g} steps/s)"
                )
                print(
                    f"{'learners':>8} {'pictures/s':>10} {'loss/s':>7} {'anim/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
                    f"{'steps/s':>8} {'CPU/learner':>11} {'ws frames/s':>11} {'page busy':>9}"
                )
                for n in args.learners:
                    learners = Learners(url, n - 1, args.speed)
                    learners.start()
                    train_on_page(page)
                    for _ in range(args.rounds):
                        r = measure(page, server, learners, args.seconds)
                        print(
                            f"{n:>8} {r['pictures']:>10.1f} {r['loss']:>7.1f} {r['animation']:>7.1f} {r['p50']:>7.1f} "
                            f"{r['p95']:>7.1f} {r['speed']:>8} {r['cpu'] / n:>10.1%} {r['learner_frames']:>11.0f} "
                            f"{r['busy']:>9.0%}",
                            flush=True,
                        )
                    stop_on_page(page)
                    learners.stop()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
