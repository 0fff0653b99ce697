"""Load check of the scaled-out mode (not a timed test): N runs, M websocket viewers per run.

    .venv/bin/python scripts/load.py --runs 4 --viewers 5 --seconds 20

starts a stack on this machine (a fresh PostgreSQL database, daphne, Celery workers on Redis:
tests/integration/stack.py; PLAYGROUND_TEST_PG / PLAYGROUND_TEST_REDIS say where), creates the
runs over HTTP, opens the viewers on loopback, measures for --seconds once every run streams,
stops the runs and prints:

- frames delivered per second (all viewers together; and the metrics frames among them);
- metrics-frame latency p50/p95/max: the worker stamps `sent_at` when it emits a frame
  (playground.recorder), the viewer subtracts it from its own clock on arrival;
- lost frames (a metrics seq the run stored that a viewer never got), out-of-order and
  duplicate frames (the exit status is 1 if there are any);
- the pause round trip: a viewer sends `pause` and gets the run's `paused` status back
  (viewer -> daphne -> Redis -> worker -> Redis -> daphne -> viewer), 5 times a run after
  the window; a person clicking Pause should see it within about 200 ms.

--url runs against a deployment that is already up instead (its clocks must agree with this
machine's for the latency figures).
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.stack import Client, Stack, is_type, missing_services  # noqa: E402


def spec(epochs):
    """TensorFlow Playground's default network on 200 points (10 steps an epoch)."""
    spec = json.loads((ROOT / "trainer" / "examples" / "tfp_default.json").read_text())
    spec["dataset"].update(samples=200, test_fraction=0.5)
    spec["epochs"] = epochs
    return spec


def cpu_seconds(pid):
    """User + system CPU seconds of a process (Linux /proc), all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def measure(url, runs, viewers, seconds, pace, processes=None):
    """processes: {"web": pid, "w1": pid, ...} of a local stack, for their CPU use in the window."""
    processes = {**(processes or {}), "viewers (this script)": os.getpid()}
    clients = [Client(url) for _ in range(runs)]
    created = [c.create_run(spec(10_000), steps_per_second=pace or None) for c in clients]
    watching = [[await c.watch(r["id"]) for _ in range(viewers)] for c, r in zip(clients, created)]
    everyone = [v for group in watching for v in group]

    async def pump(viewer):
        try:
            await viewer.next(is_type("done"), timeout=seconds + 120)
        except Exception as exc:  # noqa: BLE001 (report, do not hide)
            viewer.error = exc

    tasks = [asyncio.create_task(pump(v)) for v in everyone]
    started = time.monotonic()
    while not all(v.of("metrics") for v in everyone):  # the workers import JAX and compile first
        if time.monotonic() - started > 120:
            raise SystemExit("not every viewer got a metrics frame within 120 s")
        await asyncio.sleep(0.1)
    window = (time.time(), time.time() + seconds)
    cpu = {name: cpu_seconds(pid) for name, pid in processes.items()}
    await asyncio.sleep(seconds)
    cpu = {name: (cpu_seconds(pid) - cpu[name]) / seconds for name, pid in processes.items()}
    trips = await asyncio.gather(*(pause_round_trips(group[0]) for group in watching))
    for group in watching:
        await group[0].send("stop")
    await asyncio.wait(tasks, timeout=60)

    report = {
        "frames": 0,
        "metrics": 0,
        "latencies": [],
        "lost": 0,
        "out_of_order": 0,
        "duplicates": 0,
        "errors": [],
        "cpu": cpu,
        "pause_round_trips": [t for run_trips in trips for t in run_trips],
    }
    for client, run, group in zip(clients, created, watching):
        stored = [m["seq"] for m in client.run(run["id"])["metrics"]]
        for viewer in group:
            if getattr(viewer, "error", None):
                report["errors"].append(repr(viewer.error))
            in_window = [(f, t) for f, t in zip(viewer.frames, viewer.times) if window[0] <= t < window[1]]
            report["frames"] += len(in_window)
            report["metrics"] += sum(f["type"] == "metrics" for f, _ in in_window)
            report["latencies"] += [t - f["sent_at"] for f, t in in_window if f["type"] == "metrics"]
            seqs = [f["seq"] for f in viewer.frames if f["type"] == "metrics"]
            report["lost"] += len(set(stored) - set(seqs))
            report["out_of_order"] += sum(b < a for a, b in zip(seqs, seqs[1:]))
            report["duplicates"] += len(seqs) - len(set(seqs))
        for viewer in group:
            await viewer.close()
    return report


async def pause_round_trips(viewer, times=5):
    """Seconds from sending `pause` to the viewer getting the `paused` status, `times` over (each
    followed by a resume). The viewer's pump task reads the socket: this watches its frames."""
    trips = []
    for _ in range(times):
        for action, status in (("pause", "paused"), ("resume", "running")):
            start, sent = len(viewer.frames), time.time()
            await viewer.send(action)
            got = await status_arrival(viewer, start, status)
            if action == "pause":
                trips.append(got - sent)
    return trips


async def status_arrival(viewer, start, status, timeout=30):
    """When the viewer got the first `status` frame after its first `start` frames."""
    deadline = time.monotonic() + timeout
    while True:
        for frame, got in zip(viewer.frames[start:], viewer.times[start:]):
            if frame["type"] == "status" and frame["status"] == status:
                return got
        if time.monotonic() > deadline:
            raise SystemExit(f"no {status!r} status within {timeout} s of asking for it")
        await asyncio.sleep(0.005)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--viewers", type=int, default=5, help="websocket viewers per run")
    parser.add_argument("--seconds", type=float, default=20, help="measuring window")
    parser.add_argument("--pace", type=float, default=200, help="steps a second per run; 0: as fast as possible")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (ignored with --url)")
    parser.add_argument("--concurrency", type=int, default=2, help="runs per worker (ignored with --url)")
    parser.add_argument("--url", help="an already running deployment instead of a local stack")
    args = parser.parse_args()

    stack = None
    if not args.url:
        if missing := missing_services():
            raise SystemExit(f"needs PostgreSQL and Redis: {missing}")
        stack = Stack(ROOT / ".cache" / f"load-{os.getpid()}")
        stack.start(workers=args.workers, concurrency=args.concurrency)
    try:
        processes = {"web": stack.web[0].pid, **{n: w[0].pid for n, w in stack.workers.items()}} if stack else None
        report = asyncio.run(
            measure(args.url or stack.url, args.runs, args.viewers, args.seconds, args.pace, processes)
        )
    finally:
        if stack:
            stack.close()

    lat = [x * 1000 for x in report["latencies"]]
    where = args.url or f"a local stack: daphne + {args.workers} workers x {args.concurrency} runs"
    print(
        f"{args.runs} runs x {args.viewers} viewers for {args.seconds:g} s, paced at "
        f"{args.pace or 'full speed':} steps/s, on {where} ({os.cpu_count()} CPUs)"
    )
    print(
        f"frames delivered: {report['frames'] / args.seconds:.0f}/s "
        f"(metrics frames {report['metrics'] / args.seconds:.0f}/s)"
    )
    print(
        f"metrics-frame latency (worker's sent_at -> viewer): p50 {percentile(lat, 0.5):.1f} ms, "
        f"p95 {percentile(lat, 0.95):.1f} ms, max {max(lat, default=float('nan')):.1f} ms "
        f"(mean {statistics.fmean(lat) if lat else float('nan'):.1f} ms over {len(lat)} frames)"
    )
    trips = [x * 1000 for x in report["pause_round_trips"]]
    print(
        f"pause round trip (viewer -> daphne -> Redis -> worker -> Redis -> daphne -> viewer): "
        f"median {statistics.median(trips):.0f} ms, max {max(trips):.0f} ms over {len(trips)} "
        f"(a person should see it within about 200 ms)"
    )
    print(
        f"lost {report['lost']}, out of order {report['out_of_order']}, duplicates {report['duplicates']}"
        + (f"; viewer errors: {report['errors']}" if report["errors"] else "")
    )
    if len(report["cpu"]) > 1:
        print(
            "CPU in the window (1.0 = one core): "
            + ", ".join(f"{n} {c:.2f}" for n, c in report["cpu"].items())
            + f"; machine load average {os.getloadavg()[0]:.1f}"
        )
    return 1 if report["lost"] or report["out_of_order"] or report["duplicates"] or report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
