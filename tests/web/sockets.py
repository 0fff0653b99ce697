"""Frames from a websocket communicator: a message is a frame or a list of frames that waited together."""


async def next_frame(comm, timeout=30):
    waiting = comm.__dict__.setdefault("_frames", [])
    if not waiting:
        message = await comm.receive_json_from(timeout=timeout)
        waiting.extend(message if isinstance(message, list) else [message])
    return waiting.pop(0)
