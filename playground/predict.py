"""What POST /api/runs/<id>/predict/ accepts: a drawing or a sentence, checked
before anything reaches the engine. Untrusted input: bounded sizes, plain numbers."""

from django.utils.translation import gettext as _

from playground import textcheck
from trainer import datasets
from trainer import spec as specs

MAX_SIDE = 200  # a drawing's largest height or width, in pixels
MAX_TEXT = 1000  # characters of a typed sentence
MAX_BODY = 200 * 1024  # bytes: a 200×200 drawing of "255," is 160 KB


def _fail(path, message):
    raise specs.SpecError([{"path": path, "message": message}])


def parse_request(data, spec, uploads):
    """data: the JSON body; spec: the run's stored spec (a dict); uploads: {slug: DatasetInfo}
    of the uploaded sets. Returns {"pixels": list of rows} or {"text": str}; raises
    SpecError naming the field."""
    name = spec.get("dataset", {}).get("name")
    info = datasets.BUILTIN.get(name) or uploads.get(name)
    kind = info.kind if info else "gone"
    expected = {"images": "pixels", "text": "text"}.get(kind)
    if expected is None:
        if info is None:
            _fail(
                "",
                _(
                    "predict works on runs on image and text datasets; this run's dataset (%(name)s) is no longer "
                    "available"
                )
                % {"name": name},
            )
        _fail(
            "",
            _("predict works on runs on image and text datasets; this run's dataset (%(name)s) is %(kind)s")
            % {"name": name, "kind": kind},
        )
    if extra := sorted(set(data) - {expected}):
        _fail(extra[0], _("unknown key; a run on %(kind)s takes %(key)s") % {"kind": kind, "key": expected})
    if expected not in data:
        _fail(
            expected,
            _("is required: rows of 0-255 ink values")
            if kind == "images"
            else _("is required: the sentence to classify"),
        )
    return {expected: (_pixels if kind == "images" else _text)(data[expected])}


def _pixels(rows):
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        _fail("pixels", _("must be a non-empty list of rows (lists of numbers)"))
    height, width = len(rows), len(rows[0])
    if not 1 <= height <= MAX_SIDE or not 1 <= width <= MAX_SIDE:
        _fail(
            "pixels",
            _("is %(height)s×%(width)s; at most %(max)s×%(max)s pixels are accepted")
            % {"height": height, "width": width, "max": MAX_SIDE},
        )
    if any(len(r) != width for r in rows):
        _fail("pixels", _("rows must all have the same length"))
    for i, row in enumerate(rows):
        for v in row:
            try:
                specs.number(v, 0, 255)  # a bool, NaN or 10**400 too
            except ValueError:
                _fail(f"pixels[{i}]", _("values must be numbers from 0 (no ink) to 255 (full ink)"))
    return rows


def _text(text):
    if not isinstance(text, str):
        _fail("text", _("must be a string"))
    if len(text) > MAX_TEXT:
        _fail(
            "text",
            _("is %(length)s characters long; at most %(max)s are accepted") % {"length": len(text), "max": MAX_TEXT},
        )
    if not text.strip():
        _fail("text", _("type a sentence first"))
    if bad := textcheck.problem(text):  # the tokenizers encode it as UTF-8
        _fail("text", bad)
    return text
