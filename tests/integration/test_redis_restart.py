"""Redis restarting mid-run (the channel layer and the Celery broker at once): the run carries on
and is stored whole; viewers reconnect and replay; controls and new runs work again afterwards;
a run that was waiting in the queue, whose message the restart lost, is sent again and runs.

Restarting the shared Redis would disturb everyone else using it, so this stack gets a Redis
server of its own (the `redis-server` binary), restarted empty, as after a crash."""

import asyncio
import shutil
import signal
import socket
import subprocess
import time

import pytest
import websockets

from tests.integration.stack import FAST, Client, Stack, free_port, is_type, redis_ping, run_async

BROKER_LOST = "Connection to broker lost"  # Celery's warning: the worker saw Redis go

pytestmark = [
    pytest.mark.timeout(150),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server for a Redis of its own"),
]


class RedisServer:
    def __init__(self, port, log):
        self.port, self.log, self.proc = port, log, None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis_ping(f"redis://127.0.0.1:{self.port}"):
                    return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def llen(self, key):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(f"LLEN {key}\r\n".encode())
            return int(s.recv(64).decode().strip().lstrip(":"))


@pytest.fixture(scope="module")
def redis_stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("redis-stack")
    with (workdir / "redis.log").open("w") as log:
        redis = RedisServer(free_port(), log)
        redis.start()
        stack = Stack(workdir, redis_url=f"redis://127.0.0.1:{redis.port}/0", env=FAST)
        try:
            yield stack.start(workers=1), redis
        finally:
            stack.close()
            redis.kill()


def max_stored_seq(stack, run_id):
    return stack.sql("SELECT coalesce(max(seq), 0) FROM playground_runframe WHERE run_id = %s", run_id)[0][0]


def test_a_redis_restart_mid_run_loses_nothing(redis_stack, paced_spec):
    stack, redis = redis_stack
    client = Client(stack.url)
    run = client.create_run(paced_spec, steps_per_second=200)

    async def scenario():
        before = await client.watch(run["id"])
        await before.next(lambda f: f["type"] == "metrics" and f["seq"] >= 5, timeout=60)
        since = len(stack.log("w1"))
        redis.kill()  # a crash: every connection drops, groups and queues are gone
        # Down until both sides felt it: daphne closes the socket (the page reconnects on close)...
        with pytest.raises(websockets.ConnectionClosed):
            await before.next(lambda frame: False, timeout=30)  # frames already on their way are read first
        await asyncio.to_thread(stack.wait_for_log, "w1", BROKER_LOST, since)  # ...and the worker lost its broker
        redis.start()
        restarted = max_stored_seq(stack, run["id"])
        deadline = time.monotonic() + 15
        while max_stored_seq(stack, run["id"]) < restarted + 10:  # the run carried on
            assert time.monotonic() < deadline, "the run stopped making progress after the Redis restart"
            await asyncio.sleep(0.2)
        after = await client.watch(run["id"])
        await after.next(lambda f: f["type"] == "metrics" and f["seq"] > restarted + 15, timeout=15)  # live again
        await after.send("stop")  # the worker listens to its control channel again
        return after, await after.next(is_type("done"), timeout=15)

    after, done = run_async(scenario())
    assert done["status"] == "stopped"
    seen = [f["seq"] for f in after.frames if f["type"] == "metrics"]
    expected = list(range(1, len(seen) + 1))
    assert seen == expected, (
        f"replay + live: lost {sorted(set(expected) - set(seen))}, "  # none lost, none twice
        f"twice {sorted({s for s in seen if seen.count(s) > 1})}, order {seen}"
    )
    stored = [m["seq"] for m in client.run(run["id"])["metrics"]]
    assert stored == seen, (
        f"stored but not seen {sorted(set(stored) - set(seen))}, seen but not stored {sorted(set(seen) - set(stored))}"
    )
    assert client.run(run["id"])["status"] == "stopped"

    # The worker took up its queue again: a new run runs.
    second = client.create_run(paced_spec, steps_per_second=200)

    async def second_run():
        viewer = await client.watch(second["id"])
        await viewer.next(lambda f: f["type"] == "metrics", timeout=30)
        await viewer.send("stop")
        return await viewer.next(is_type("done"), timeout=15)

    assert run_async(second_run())["status"] == "stopped"


def test_a_run_waiting_in_the_queue_when_redis_restarts_empty_still_runs(redis_stack, paced_spec):
    stack, redis = redis_stack
    client = Client(stack.url)
    busy = client.create_run(paced_spec, steps_per_second=200)  # takes the only worker (one thread)
    deadline = time.monotonic() + 30
    while stack.run_row(busy["id"])["status"] != "running":
        assert time.monotonic() < deadline, "the first run did not start"
        time.sleep(0.1)
    waiting = client.create_run(paced_spec, steps_per_second=200)
    queue = stack.env["PLAYGROUND_TASK_QUEUE"]
    deadline = time.monotonic() + 30
    while redis.llen(queue) < 1:  # its message waits in Redis (the worker prefetches only the busy run's)...
        assert time.monotonic() < deadline, "the second run's message never reached the queue"
        time.sleep(0.1)
    assert stack.run_row(waiting["id"])["status"] == "queued"
    since = len(stack.log("w1"))
    redis.kill()
    stack.wait_for_log("w1", BROKER_LOST, since)
    redis.start()  # ...and is gone

    async def scenario():
        first = await client.watch(busy["id"])
        await first.send("stop")  # frees the worker
        await first.next(is_type("done"), timeout=30)
        second = await client.watch(waiting["id"])  # sent again by the worker's reconciler
        await second.next(lambda f: f["type"] == "metrics", timeout=60)
        await second.send("stop")
        return await second.next(is_type("done"), timeout=30)

    assert run_async(scenario())["status"] == "stopped"
    assert "still queued after" in stack.log("w1")
