"""The real server under a barrage (issue 17): `manage.py runserver` (daphne, tests/conftest.py's
live_server_url) trains a run whose websocket streams frames, while a seeded generator sends some
hundreds of malformed HTTP requests to every endpoint of the URL confs (random methods, bodies
that are invalid JSON, huge numbers, wrong types, deep nesting, lone surrogates, wrong content
types, oversized) and some dozens of malformed websocket sessions (bad paths and origins, junk
text and binary messages, oversized ones, a flood, broken frames).

Every request is answered within TIMEOUT_S (a hang fails naming the request), never with a 5xx
(a 429 from the rate limits is an answer like any other); the run's socket keeps receiving frames
during and after the barrage, and the run is still running, then stops cleanly when told.

Here, with the browser tests, so the layer's one server serves it (tests/conftest.py groups the
directory on one process). Nothing it sends can change what the other tests see: no valid run
is started, no login or signup is attempted with a CSRF token (the per-address login limit),
the fuzzing session's run is stopped at the end."""

import asyncio
import copy
import http.cookiejar
import json
import os
import random
import socket
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

import pytest
import websockets

from playground import controls
from tests.fuzz import SPECS
from trainer import spec as specs

pytestmark = pytest.mark.timeout(240)

SEED = int(os.environ.get("FUZZ_SEED", "1234"))  # the same requests every run; FUZZ_SEED=... explores others
HTTP_REQUESTS = 400
WS_SESSIONS = 40
RAW_WS = 12  # handshakes and frames written by hand
TIMEOUT_S = 10  # each request, each websocket session
PARALLEL = 4  # requests in flight at once

HUGE = [
    "1" + "0" * 400,
    "-1e999",
    "1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "NaN",
    "Infinity",
    "-Infinity",
    "1.7976931348623157e309",
    "123456789012345678901234567890",
]
STRINGS = [
    '""',
    '"\\ud800"',
    '"\\udfff\\ud800x"',
    '"a\\udc00b"',
    '"\\u0000"',
    json.dumps("좋아요 café ☃ 𝔘"),
    '"' + "x" * 5000 + '"',
    '"<script>alert(1)</script>"',
    json.dumps("=cmd|' /C calc'!A0"),
    '"../../etc/passwd"',
    '"\\n\\r\\t"',
    '"\\u202e\\ufeff"',
]
KEYS = [
    '"spec"',
    '"steps_per_second"',
    '"paused"',
    '"run"',
    '"title"',
    '"notes"',
    '"visibility"',
    '"pixels"',
    '"text"',
    '"name"',
    '"samples"',
    '"layers"',
    '"dataset"',
    '"action"',
    '"value"',
    '"__proto__"',
]
PY_VALUES = [
    None,
    True,
    False,
    -1,
    0,
    2**63,
    10**400,
    -(10**400),
    1e308,
    float("nan"),
    float("inf"),
    "",
    "\ud800",
    "x" * 3000,
    [],
    {},
    [[[[[]]]]],
    {"a": {"b": {"c": None}}},
    "sigmoid",
    3.5,
    -0.0,
    "좋아요",
]
CONTENT_TYPES = [
    "application/json",
    "application/json",
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json; charset=latin-1",
    "application/json; charset=bogus-8",
    "image/png",
    None,
    "application/json; charset=utf-16",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO", "get"]


# --- the random bodies -----------------------------------------------------------------------------------


def json_text(rng, depth=0):
    """Random JSON text (as the server gets it: huge literals, NaN, escaped lone surrogates)."""
    k = rng.randrange(10 if depth < 4 else 6)
    if k == 0:
        return "null"
    if k == 1:
        return rng.choice(["true", "false"])
    if k == 2:
        return str(rng.randint(-(10**6), 10**6))
    if k == 3:
        return rng.choice(HUGE)
    if k == 4:
        return repr(rng.uniform(-1e3, 1e3))
    if k == 5:
        return rng.choice(STRINGS)
    if k in (6, 7):
        return "[" + ",".join(json_text(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"
    return (
        "{"
        + ",".join(f"{rng.choice(STRINGS + KEYS + KEYS)}:{json_text(rng, depth + 1)}" for _ in range(rng.randrange(5)))
        + "}"
    )


def _places(value, prefix=()):
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield (*prefix, key)
        yield from _places(child, (*prefix, key))


def invalid(doc, parse=specs.parse):
    """doc, made sure not to parse (the barrage starts no run): an unknown key added if it did."""
    try:
        parse(doc)
    except Exception:  # noqa: BLE001 (SpecError, or whatever the server turns into a 400)
        return doc
    return {**doc, "fuzz\ud800": 1}


def mutated_spec(rng, documents=SPECS):
    """An example spec with one field replaced, deleted or added: a near miss."""
    doc = copy.deepcopy(rng.choice(documents))
    *parents, last = rng.choice(list(_places(doc)))
    holder = doc
    for key in parents:
        holder = holder[key]
    action = rng.choice(["replace", "replace", "delete", "add"])
    if action == "replace":
        holder[last] = rng.choice(PY_VALUES)
    elif action == "delete":
        del holder[last]
    elif isinstance(holder, dict):
        holder[rng.choice(["extra", "\ud800", "units ", ""])] = rng.choice(PY_VALUES)
    else:
        holder.append(rng.choice(PY_VALUES))
    return doc


DATASETS = [s["dataset"] for s in SPECS]


def dumps(value):
    return json.dumps(value, allow_nan=True)  # NaN and Infinity literals, \ud800 escaped


def body_for(rng, path):
    """(bytes, a short word for what it is)."""
    k = rng.randrange(20)
    if k < 6:
        return json_text(rng).encode(), "random JSON"
    if k < 9:
        if path.startswith("/api/datasets/preview/"):
            return dumps(invalid(mutated_spec(rng, DATASETS), specs.parse_dataset)).encode(), "mutated dataset"
        doc = invalid(mutated_spec(rng))
        if rng.random() < 0.4:  # the envelope
            return dumps(
                {"spec": doc, "steps_per_second": rng.choice(PY_VALUES), "paused": rng.choice(PY_VALUES)}
            ).encode(), "envelope"
        return dumps(doc).encode(), "mutated spec"
    if k == 9:
        good = dumps(rng.choice(SPECS))
        return good[: rng.randrange(1, len(good))].encode(), "truncated JSON"
    if k == 10:
        return rng.choice(
            [
                b"{'a': 1}",
                b"{",
                b"}",
                b"[1,]",
                b'{"a":1} trailing',
                b"\xef\xbb\xbf{}",
                b"\xff\xfe{\x00}\x00",
                b"\x00",
                b"\xc3\x28",
                b'"\xed\xa0\x80"',
                b"nul",
                b"--",
                b"\r\n\r\n",
            ]
        ), "invalid JSON"
    if k == 11:
        n = rng.choice([1000, 100_000])
        return (rng.choice(["[", '{"a":']) * n).encode() + b"1" + (
            b"]" if rng.random() < 0.5 else b"}"
        ) * n, f"nested {n} deep"
    if k == 12:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))), "random bytes"
    if k == 13:
        return b"", "empty"
    if k == 14:
        return b'{"text": "' + b"a" * (300 * 1024) + b'"}', "300 KB (over DATA_UPLOAD_MAX_MEMORY_SIZE)"
    if k == 15:
        return (
            "title=" + quote("\ud800x", errors="surrogatepass") + "&notes=%ff&visibility=privat&x=" + "y" * 2000
        ).encode(), "form"
    if k == 16:
        return (
            b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.csv\"\r\n\r\nx1,x2,label\r\n"
            + b"--xy"
        ), "broken multipart"
    if k == 17:
        return dumps(
            {"pixels": [[rng.choice(PY_VALUES)] * 3] * 3, "text": rng.choice(PY_VALUES)}
        ).encode(), "predict-shaped"
    return json_text(rng, depth=3).encode() * rng.randrange(1, 50), "repeated JSON"


# --- the random requests ---------------------------------------------------------------------------------


class Target:
    def __init__(self, port, run_id, slug, lesson, static_file):
        self.port, self.run_id, self.slug, self.lesson, self.static_file = port, run_id, slug, lesson, static_file

    def run(self, rng):
        return rng.choice([self.run_id] * 4 + [0, 1, 2**31, 2**63, 10**30, "abc", "-1", "1.5", "%00", "٣"])

    def slug_(self, rng):
        return rng.choice([self.slug] * 4 + ["nope", "..", "%2e%2e", "a" * 300, "%F0%9F%98%80", "%ff", "%00", "-_"])

    def query(self, rng):
        return rng.choice(
            [
                "",
                "",
                "?levels=1",
                "?q=%ff&sort=bogus&page=-1",
                "?page=99999999999999999999",
                "?mine=1&sort=accuracy",
                "?e=" + self.slug + "&e=x&smoothing=nan",
                "?smoothing=1e400&e=" + "&e=".join(["a"] * 50),
                "?q=" + "%ED%A0%80" * 10,
                "?" + "&".join(f"k{i}=v" for i in range(200)),
                "?next=//evil.example/",
            ]
        )

    def paths(self, rng):
        """(the URL pattern, a path for it, the methods it answers, who may be the caller: owner/stranger/nobody)."""
        run, slug, lesson = self.run(rng), self.slug_(rng), rng.choice([self.lesson, self.slug_(rng)])
        what = rng.choice(
            ["spec.json", "metrics.csv", "batch-loss.csv", "weights.npz", "script.py", "x", "..%2fspec.json", ""]
        )
        static = rng.choice(
            [
                self.static_file,
                "../settings.py",
                "%2e%2e/playground/settings/base.py",
                "..%2f..%2fetc/passwd",
                "%2e%2e",
                "a%00b",
                "%ff",
                "js/",
                "x" * 300,
                "css/../" + self.static_file,
            ]
        )
        everyone, not_owner, get, post = ("owner", "stranger", "nobody"), ("stranger", "nobody"), ["GET"], ["POST"]
        return rng.choice(
            [
                ("/", "/", get, everyone),
                ("api/catalog/", "/api/catalog/", get, everyone),
                *[("api/runs/", "/api/runs/", post, everyone)] * 4,
                ("api/runs/<id>/", f"/api/runs/{run}/", get, everyone),
                *[("api/runs/<id>/predict/", f"/api/runs/{run}/predict/", post, everyone)] * 3,
                *[("api/specs/validate/", "/api/specs/validate/", post, everyone)] * 3,
                *[("api/specs/code/", "/api/specs/code/", post, everyone)] * 3,
                *[("api/datasets/preview/", "/api/datasets/preview/", post, everyone)] * 3,
                ("datasets/", "/datasets/", get, everyone),
                ("datasets/<slug>/", f"/datasets/{slug}/", get, everyone),
                ("lessons/", "/lessons/", get, everyone),
                ("lessons/<slug>/", f"/lessons/{lesson}/", get, everyone),
                ("lessons/<slug>/finish/", f"/lessons/{lesson}/finish/", post, everyone),
                ("experiments/", "/experiments/", get, everyone),
                ("experiments/compare/", "/experiments/compare/", get, everyone),
                ("experiments/<slug>/", f"/experiments/{slug}/", get, everyone),
                ("experiments/<slug>/edit/", f"/experiments/{slug}/edit/", post, everyone),
                ("experiments/<slug>/delete/", f"/experiments/{slug}/delete/", ["GET", "POST"], everyone),
                (
                    "experiments/<slug>/rerun/",
                    f"/experiments/{slug}/rerun/",
                    post,
                    not_owner,
                ),  # the owner's would start a run
                *[("experiments/<slug>/export/<what>", f"/experiments/{slug}/export/{what}", get, everyone)] * 2,
                *[("api/experiments/", "/api/experiments/", ["GET", "POST", "POST"], everyone)] * 2,
                ("api/experiments/compare/", "/api/experiments/compare/", get, everyone),
                *[
                    (
                        "api/experiments/<slug>/",
                        f"/api/experiments/{slug}/",
                        ["GET", "PATCH", "PATCH", "PATCH", "DELETE"],
                        everyone,
                    )
                ]
                * 3,
                ("api/experiments/<slug>/rerun/", f"/api/experiments/{slug}/rerun/", post, not_owner),
                # only CSRF failures here: the per-address login limits are the other browser tests' too
                ("accounts/signup/", "/accounts/signup/", post, ("nobody",)),
                ("accounts/login/", "/accounts/login/", post, ("nobody",)),
                ("accounts/logout/", "/accounts/logout/", post, ("nobody",)),
                ("accounts/password_change/", "/accounts/password_change/", ["GET", "POST"], everyone),
                ("admin/", "/admin/", get, everyone),
                ("admin/login/", "/admin/login/", post, ("nobody",)),
                ("admin/playground/dataset/add/", "/admin/playground/dataset/add/", post, everyone),
                ("i18n/setlang/", "/i18n/setlang/", post, everyone),
                ("jsi18n/", "/jsi18n/", get, everyone),
                *[("static/<path>", f"/static/{static}", get, everyone)] * 3,
                ("ws/runs/<id>/ over HTTP", f"/ws/runs/{run}/", get, everyone),
                (
                    "no such page",
                    rng.choice(["/nope", "//", "/%00", "/%ff/", "/" + "a/" * 500, "/api/", "/api/runs/1/predict/x"]),
                    get,
                    everyone,
                ),
            ]
        )

    def request(self, rng, callers):
        """One random request: (URL pattern, description, raw bytes)."""
        template, path, methods, allowed = self.paths(rng)
        method = rng.choice(methods) if rng.random() < 0.7 else rng.choice(METHODS)
        who = rng.choice([w for w in ("owner", "owner", "owner", "stranger", "stranger", "nobody") if w in allowed])
        cookie, token = callers[who]
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        if token:
            headers["X-CSRFToken"] = token
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        body, what = (b"", "no body") if method in ("GET", "HEAD") and rng.random() < 0.8 else body_for(rng, path)
        content_type = rng.choice(CONTENT_TYPES)
        if content_type:
            headers["Content-Type"] = content_type
        if rng.random() < 0.1:
            headers[rng.choice(["Accept-Language", "X-Forwarded-For", "Referer", "Cookie", "Range", "Expect"])] = (
                rng.choice(
                    [
                        "ko;q=nan",
                        "999.1.1.1, ::1",
                        "http://evil.example/",
                        "sessionid=%ff; csrftoken=" + "x" * 4000,
                        "bytes=9-1",
                        "100-continue",
                    ]
                )
            )
        length = str(len(body))
        special = rng.randrange(40)
        if special == 0:
            length, body, what = str(60 * 1024 * 1024), b"", "Content-Length 60 MB, no body"
        elif special == 1:
            length, what = "abc", "Content-Length abc"
        elif special == 2:
            length, what = "-5", "Content-Length -5"
        path += self.query(rng) if "?" not in path else ""
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if special == 3:  # chunked, no length
            raw = (
                head.encode("utf-8", "surrogateescape")
                + b"Transfer-Encoding: chunked\r\n\r\n"
                + f"{len(body):x}\r\n".encode()
                + body
                + b"\r\n0\r\n\r\n"
            )
            what += ", chunked"
        else:
            raw = head.encode("utf-8", "surrogateescape") + f"Content-Length: {length}\r\n\r\n".encode() + body
        return template, f"{method} {path[:120]} as {who}, {what} ({content_type}, {len(body):,} bytes)", raw


def exchange(port, raw):
    """Write raw, read the answer: (status line, seconds). Raises TimeoutError past TIMEOUT_S."""
    start = time.monotonic()
    deadline = start + TIMEOUT_S
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while it was being sent (413): what it answered is read below
        expected = None
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(1 << 16)
            except ConnectionResetError:
                break
            except TimeoutError:
                raise TimeoutError(f"no complete answer in {TIMEOUT_S} s; got {data[:200]!r}") from None
            if not chunk:
                break
            data += chunk
            while data.startswith(b"HTTP/1.1 100 ") and b"\r\n\r\n" in data:  # Expect: 100-continue answered first
                data = data.partition(b"\r\n\r\n")[2]
            if expected is None and b"\r\n\r\n" in data:
                head, _, rest = data.partition(b"\r\n\r\n")
                lines = head.lower().split(b"\r\n")
                if raw.startswith(b"HEAD ") or b" 101 " in lines[0] or b" 304 " in lines[0] or b" 204 " in lines[0]:
                    break
                length = [int(v.split(b":", 1)[1]) for v in lines[1:] if v.startswith(b"content-length:")]
                expected = len(head) + 4 + length[0] if length else -1
            if expected is not None and expected >= 0 and len(data) >= expected:
                break
    return data.split(b"\r\n", 1)[0].decode("latin-1"), time.monotonic() - start


# --- websockets ------------------------------------------------------------------------------------------


def ws_messages(rng, n):
    """Text and binary messages the consumer must refuse (checked with its own parser)."""
    out = []
    while len(out) < n:
        k = rng.randrange(9)
        if k == 0:
            message = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        elif k == 1:
            message = "x" * rng.choice([1025, 70_000, 1_000_000])
        elif k == 2:
            message = json.dumps(
                {
                    "action": rng.choice(["set_learning_rate", "set_speed", "probe_sample"]),
                    "value": rng.choice(PY_VALUES[:13]),
                },
                allow_nan=True,
            )
        elif k == 3:
            message = json.dumps({"action": rng.choice(["pause", "stop", "explode", None, 1]), "extra": 1})
        elif k == 4:
            message = "[" * 5000 + "]" * 5000
        elif k == 5:
            message = rng.choice(["", " ", "null", "\ud800", "{", '{"action":"pause"', "NaN", '"stop"', "stop"])
        else:
            message = json_text(rng)
        if isinstance(message, str):
            try:
                controls.parse_control(message)
            except (ValueError, TypeError):
                pass
            else:
                continue  # a valid control would steer the run: never sent
            try:
                message.encode()
            except UnicodeEncodeError:  # a lone surrogate: no text message can carry it, so as bytes
                message = message.encode("utf-8", "surrogatepass")
            if rng.random() < 0.1:
                message = message.encode("utf-8", "surrogatepass") if isinstance(message, str) else message  # as binary
        out.append(message)
    return out


def frames_of(text):
    """A socket message: one frame, or a list of frames that waited together."""
    message = json.loads(text)
    return message if isinstance(message, list) else [message]


async def ws_session(base_ws, path, headers, messages):
    """One websocket session: (what happened, replies). Raises TimeoutError past TIMEOUT_S, saying
    where it was."""
    replies, phase = [], "opening"
    try:
        async with asyncio.timeout(TIMEOUT_S):
            # max_queue=None: the client keeps reading while it closes, as a browser does. With the library's
            # default (16) it stops reading once 16 frames wait unread (the run's history does that), so the
            # server's answer to its close frame waits behind them forever: the hang of an earlier draft.
            async with websockets.connect(
                base_ws + path,
                additional_headers=headers,
                max_size=None,
                max_queue=None,
                open_timeout=None,
                close_timeout=None,
                ping_interval=None,
            ) as ws:
                phase = "sending"
                for message in messages:
                    await ws.send(message)
                phase = "reading"
                if not messages:  # opened, and then? the history, the live frames, or a close code
                    await ws.recv()
                    phase = "closing"
                    return "opened", replies
                # each refused message gets an error frame (a flood: one, then close 4429)
                async for text in ws:
                    replies += [frame["message"] for frame in frames_of(text) if frame["type"] == "error"]
                    if len(replies) >= len(messages):
                        break
                else:
                    return f"closed {ws.close_code}", replies
                phase = "closing"
                return "answered", replies
    except websockets.InvalidStatus as exc:
        return f"HTTP {exc.response.status_code}", replies
    except websockets.ConnectionClosed as exc:
        return f"closed {exc.rcvd.code if exc.rcvd else None}", replies
    except TimeoutError:
        raise TimeoutError(f"{phase}, after {len(replies)} error frames") from None


RAW_FRAMES = [
    b"\x81\x05hello",
    b"\x83\x80abcd",
    b"\xf1\x80abcd",
    b"\x89\xfe\xff\xffabcd",
    b"\x88\x81abcd\x00",
    b"\x81\xffabcd" + b"\x7f" * 8,
    b"\x80\x80abcd",
]


def raw_ws(port, path, kind, frame):
    """A hand-written handshake (kind 0: no key, 1: a version the server lacks, else a good one), then
    a broken frame: (description, answer, seconds). The server must close the connection."""
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Origin: http://127.0.0.1:{port}",
    ]
    if kind == 0:
        lines.append("Sec-WebSocket-Version: 13")  # no key
    elif kind == 1:
        lines += [f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 99"]
    else:
        lines += [f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: \x7f, ,"]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (frame if kind >= 2 else b"")
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.sendall(raw)
        data = b""
        try:
            while chunk := s.recv(1 << 16):
                data += chunk  # until the server closes: a broken frame must end the connection
        except ConnectionResetError:
            pass
        except TimeoutError:
            raise TimeoutError(
                f"{path}: handshake kind {kind}, frame {frame!r}: not closed in {TIMEOUT_S} s; got {data[:200]!r}"
            ) from None
    return (
        f"raw websocket {path} (handshake kind {kind}, frame {frame!r})",
        data.split(b"\r\n", 1)[0].decode("latin-1"),
        time.monotonic() - start,
    )


# --- the test ---------------------------------------------------------------------------------------------


def session(url):
    """A fresh visitor: (opener, cookie header, csrf token) after loading the page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(url + "/", timeout=30)
    token = next(c.value for c in jar if c.name == "csrftoken")
    return opener, jar, token


def post_json(opener, url, path, token, data):
    request = urllib.request.Request(
        url + path,
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": url + "/"},
    )
    return json.load(opener.open(request, timeout=30))


class Watcher:
    """The run's socket, read in the background: counts of frames by type, the times of metrics frames."""

    def __init__(self):
        self.counts, self.metrics_at, self.done, self.ws = {}, [], None, None

    async def watch(self, url, ws_path, cookie):
        headers = {"Cookie": cookie, "Origin": url}
        async with websockets.connect(
            url.replace("http", "ws") + ws_path, additional_headers=headers, max_size=None
        ) as ws:
            self.ws = ws
            async for text in ws:
                for frame in frames_of(text):
                    self.counts[frame["type"]] = self.counts.get(frame["type"], 0) + 1
                    if frame["type"] == "metrics":
                        self.metrics_at.append(time.monotonic())
                    if frame["type"] == "done":
                        self.done = frame
                        return

    async def until(self, what, predicate, timeout):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"{what}: not within {timeout} s (frames {self.counts})"
            await asyncio.sleep(0.05)

    def metrics(self):
        return self.counts.get("metrics", 0)


async def barrage(url, port, created, owner, callers, target, run_status):
    rng = random.Random(SEED)
    watcher = Watcher()
    watching = asyncio.create_task(watcher.watch(url, created["ws"], owner))
    await watcher.until("the run's first metrics frames", lambda: watcher.metrics() >= 3, 120)

    requests = [target.request(rng, callers) for _ in range(HTTP_REQUESTS)]
    base_ws = url.replace("http", "ws")
    ws_plans = []
    for i in range(WS_SESSIONS):
        bad_path = rng.choice(
            [
                "/ws/runs/abc/",
                "/ws/runs/0/",
                f"/ws/runs/{10**30}/",
                "/ws/",
                "/ws/runs/-1/",
                "/",
                f"/ws/runs/{created['id']}/x/",
                "/ws/runs/%ff/",
                "/ws/runs/%00/",
                "/static/js/socket.js",
            ]
        )
        path = created["ws"] if i % 2 == 0 else bad_path
        headers = (
            {"Origin": url} if rng.random() < 0.9 else {"Origin": rng.choice(["http://evil.example", "null", "%ff"])}
        )
        if i % 2 == 0 or rng.random() < 0.3:
            headers["Cookie"] = rng.choice([owner, owner, owner, callers["stranger"][0], "sessionid=garbage"])
        flood = i % 10 == 4
        messages = ws_messages(rng, 30 if flood else rng.randrange(0, 6))
        ws_plans.append(
            (
                f"websocket {path} ({headers}, {len(messages)} messages{', a flood' if flood else ''})",
                path,
                headers,
                messages,
            )
        )
    raw_plans = [
        (rng.choice([created["ws"], "/ws/runs/abc/", "/"]), rng.randrange(4), rng.choice(RAW_FRAMES))
        for _ in range(RAW_WS)
    ]

    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(PARALLEL)
    answers, failures = [], []

    per_pattern = {}

    async def one_http(template, description, raw):
        per_pattern[template] = per_pattern.get(template, 0) + 1
        try:
            status, seconds = await loop.run_in_executor(pool, exchange, port, raw)
        except (TimeoutError, OSError) as exc:
            failures.append(f"{description}: {type(exc).__name__}: {exc}")
            return
        answers.append((description, status, seconds))

    async def one_ws(description, path, headers, messages):
        started = time.monotonic()
        try:
            outcome, replies = await ws_session(base_ws, path, headers, messages)
        except TimeoutError as exc:
            failures.append(
                f"{description}: no end in {TIMEOUT_S} s ({exc}; {started - barrage_start:.1f} s into the barrage)"
            )
            return
        answers.append((description, outcome, time.monotonic() - started))
        if outcome in ("answered", "opened") or outcome.startswith("closed"):
            return
        if not outcome.startswith("HTTP 4"):
            failures.append(f"{description}: {outcome}")

    async def one_raw(path, kind, frame):
        try:
            description, status, seconds = await loop.run_in_executor(pool, raw_ws, port, path, kind, frame)
        except (TimeoutError, OSError) as exc:
            failures.append(f"raw websocket {path}: {type(exc).__name__}: {exc}")
            return
        answers.append((description, status, seconds))

    barrage_start, before = time.monotonic(), watcher.metrics()
    gate = asyncio.Semaphore(PARALLEL)

    async def gated(coroutine):
        async with gate:
            await coroutine

    sockets_gate = asyncio.Semaphore(2)

    async def ws_gated(coroutine):
        async with sockets_gate:
            await coroutine

    await asyncio.gather(
        *[gated(one_http(*r)) for r in requests],
        *[ws_gated(one_ws(*p)) for p in ws_plans],
        *[gated(one_raw(*p)) for p in raw_plans],
    )
    pool.shutdown()
    elapsed, during = time.monotonic() - barrage_start, watcher.metrics() - before
    gaps = [b - a for a, b in zip(watcher.metrics_at, watcher.metrics_at[1:]) if b > barrage_start]

    after = watcher.metrics()
    await watcher.until("metrics frames after the barrage", lambda: watcher.metrics() >= after + 3, 60)
    status_after = (await loop.run_in_executor(None, run_status))["status"]
    await watcher.ws.send(json.dumps({"action": "stop"}))
    await asyncio.wait_for(watching, 60)
    return {
        "answers": answers,
        "failures": failures,
        "per_pattern": per_pattern,
        "elapsed": elapsed,
        "during": during,
        "max_gap": max(gaps, default=0),
        "status_after": status_after,
        "done": watcher.done,
        "counts": watcher.counts,
    }


def test_a_barrage_of_malformed_requests_and_sockets_gets_answers_and_the_run_streams_on(live_server_url, small_spec):
    url = live_server_url
    port = urlsplit(url).port
    opener, jar, token = session(url)
    spec = {
        **small_spec,
        "epochs": 10_000,
    }  # 100,000 steps, paced: it trains through the whole barrage; stopped at the end
    created = post_json(opener, url, "/api/runs/", token, {"spec": spec, "steps_per_second": 500})
    owner = "; ".join(f"{c.name}={c.value}" for c in jar)
    slug = post_json(opener, url, "/api/experiments/", token, {"run": created["id"], "title": "the fuzzed one"})["slug"]
    _, stranger_jar, stranger_token = session(url)
    callers = {
        "owner": (owner, token),
        "stranger": ("; ".join(f"{c.name}={c.value}" for c in stranger_jar), stranger_token),
        "nobody": (None, None),
    }
    target = Target(port, created["id"], slug, "perceptron-xor", "js/socket.js")

    def run_status():
        return json.load(opener.open(url + f"/api/runs/{created['id']}/", timeout=30))

    with ThreadPoolExecutor(1) as pool:  # its own loop: the browser tests' sync Playwright keeps one in this thread
        result = pool.submit(asyncio.run, barrage(url, port, created, owner, callers, target, run_status)).result()

    answers = result["answers"]
    statuses = {}
    for _, status, _ in answers:
        code = status.split(" ")[1] if status.startswith("HTTP/") else status
        statuses[code] = statuses.get(code, 0) + 1
    slowest = max(answers, key=lambda a: a[2])
    print(
        f"\nfuzzed the server: {HTTP_REQUESTS} HTTP requests, {WS_SESSIONS} websocket sessions, {RAW_WS} raw handshakes "
        f"in {result['elapsed']:.1f} s; answers {dict(sorted(statuses.items()))}; slowest {slowest[2]:.2f} s ({slowest[0][:100]}); "
        f"{result['during']} metrics frames during it, longest gap {result['max_gap']:.2f} s; frames {result['counts']}\n"
        f"requests per URL pattern: {dict(sorted(result['per_pattern'].items()))}"
    )
    server_errors = [f"{d}: {s}" for d, s, _ in answers if s.startswith("HTTP/") and s.split(" ")[1].startswith("5")]
    assert not result["failures"] + server_errors, "\n".join(result["failures"] + server_errors)
    unanswered = [d for d, s, _ in answers if s == "" and not d.startswith("raw websocket")]
    assert not unanswered, "closed without an answer:\n" + "\n".join(unanswered)
    assert len(answers) == HTTP_REQUESTS + WS_SESSIONS + RAW_WS
    assert result["during"] >= 3  # the run streamed on through the barrage, and after it (barrage())
    assert result["status_after"] == "running"
    assert result["done"]["status"] == "stopped"  # healthy to the end: stopped when told, not failed
    detail = run_status()
    assert detail["status"] == "stopped" and detail["metrics"]
    request = urllib.request.Request(
        url + f"/api/experiments/{slug}/", method="DELETE", headers={"X-CSRFToken": token, "Referer": url + "/"}
    )
    assert opener.open(request, timeout=30).status == 204  # gone: no other test finds it in a list


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/%2e%2e/playground/settings/base.py",
        "/static/..%2f..%2fetc/passwd",
        "/static/%2e%2e",
        "/static/vendor/%2e%2e/%2e%2e/manage.py",
        "/static/js/%2e%2e/%2e%2e/manage.py",
    ],
)
def test_a_static_path_outside_the_static_roots_is_a_404(live_server_url, path):
    """runserver's static handler (DEBUG) answered these 500 (playground/staticfinders.py)."""
    port = urlsplit(live_server_url).port
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    assert data.startswith(b"HTTP/1.1 404 "), data[:300]
    assert b"SECRET_KEY" not in data and b"root:" not in data and b"execute_from_command_line" not in data
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.sendall(raw.replace(path.encode(), b"/static/js/socket.js"))
        assert s.recv(64).startswith(b"HTTP/1.1 200 ")  # what is inside is still served
