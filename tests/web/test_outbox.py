"""A viewer that falls behind gets the newest pictures and every metrics frame, never a queue."""

import asyncio

from playground.outbox import Outbox


def test_a_slow_viewer_gets_every_metrics_frame_and_only_the_newest_pictures():
    async def scenario():
        sent, gate = [], asyncio.Event()

        async def slow_send(frames):  # a socket that takes its time: nothing goes until the gate opens
            await gate.wait()
            sent.append(frames)

        outbox = Outbox(slow_send)
        outbox.put({"type": "status", "status": "running"})
        await asyncio.sleep(0)  # the sender takes the first message and blocks on the gate
        for i in range(1, 101):
            outbox.put({"type": "metrics", "seq": i})
            outbox.put({"type": "weights", "iteration": i})
            if i % 10 == 0:
                outbox.put({"type": "boundary", "iteration": i})
            if i % 50 == 0:  # a weight set by hand: every one is marked on the loss curve
                outbox.put({"type": "edit", "iteration": i})
        outbox.put({"type": "done", "status": "completed"})
        waiting = len(outbox.pending)
        gate.set()
        while outbox.pending or len(sent) < 2:
            await asyncio.sleep(0)
        await outbox.close()
        return sent, waiting, outbox

    sent, waiting, outbox = asyncio.run(scenario())
    frames = [f for message in sent for f in message]
    assert [f["type"] for f in sent[0]] == ["status"]
    assert [f["seq"] for f in frames if f["type"] == "metrics"] == list(range(1, 101))  # all of them, in order
    assert [f["iteration"] for f in frames if f["type"] == "weights"] == [100]  # the newest state only
    assert [f["iteration"] for f in frames if f["type"] == "boundary"] == [100]
    assert [f["iteration"] for f in frames if f["type"] == "edit"] == [50, 100]
    assert frames[-1]["type"] == "done"
    assert waiting == 100 + 2 + 2 + 1 and outbox.dropped == 99 + 9  # the queue never held more than one picture a type
    assert len(sent) == 2  # what waited together went as one message
