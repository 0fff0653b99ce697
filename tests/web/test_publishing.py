"""A run's moment reaches its viewers as one message (playground.recorder, streams), and the
embedded channel layer (playground.layers) hands every viewer that message itself, in order."""

import asyncio

import pytest

from playground import layers, records, streams
from playground.loopbridge import LoopBridge
from playground.recorder import Recorder

pytestmark = pytest.mark.django_db


@pytest.fixture
def bridge():
    bridge = LoopBridge()  # outside a server: a private loop thread
    yield bridge
    bridge.close()


def receive(bridge, layer, channel):
    return bridge.call(asyncio.wait_for(layer.receive(channel), timeout=10))


def test_a_moment_is_one_message_that_every_viewer_gets_as_it_is(make_run, small_spec, bridge):
    run = records.run_start(make_run(small_spec).pk)
    layer = layers.PlaygroundInMemoryChannelLayer()
    for viewer in ("viewer.a", "viewer.b"):
        bridge.call(layer.group_add(streams.group_name(run.pk), viewer))
    recorder = Recorder(run, layer, bridge)
    weights = {"type": "weights", "iteration": 10, "weights": [[[0.5]]], "biases": [[0.1]]}
    recorder([{"type": "metrics", "iteration": 10, "points": [[10, 0.4]]}, weights])
    recorder([{"type": "checkpoint", "iteration": 10, "weights": {}}])  # stored, never published
    recorder([{"type": "status", "status": "paused", "message": None}])

    a, b = (receive(bridge, layer, viewer) for viewer in ("viewer.a", "viewer.b"))
    assert a["type"] == "frames" and [f["type"] for f in a["frames"]] == ["metrics", "weights"]
    assert a["frames"][0]["seq"] == 1 and a["frames"][1] == weights
    assert a is b  # not a copy per viewer: frames are never changed once published
    following = [receive(bridge, layer, "viewer.a")["type"] for _ in range(2)]
    assert following == ["stored", "frames"]  # the pause stored the metrics first; no checkpoint in between


def test_a_full_viewer_misses_messages_and_the_others_get_them_in_order(bridge):
    layer = layers.PlaygroundInMemoryChannelLayer(capacity=2)
    for viewer in ("viewer.slow", "viewer.quick"):
        bridge.call(layer.group_add("run.1", viewer))
    seen = []
    for i in range(5):
        bridge.post(layer.group_send_nowait, "run.1", streams.frames_message([{"type": "metrics", "seq": i}]))
        seen.append(receive(bridge, layer, "viewer.quick")["frames"][0]["seq"])
    assert seen == [0, 1, 2, 3, 4]
    slow = [receive(bridge, layer, "viewer.slow")["frames"][0]["seq"] for _ in range(2)]
    assert slow == [0, 1]  # the rest found its queue full (the consumer fills such a gap from the database)


def test_posts_run_on_the_loop_in_the_order_posted(bridge):
    ran = []
    for i in range(100):  # past POSTS_PER_WAIT: the bridge waits for the loop now and then
        bridge.post(ran.append, i)
    bridge.call(asyncio.sleep(0))
    assert ran == list(range(100))
