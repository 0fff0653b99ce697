"""The trainer's English messages in the request's language (trainer.messages): a spec
error's entries, and a run's stored end message. The language is whatever is active:
LocaleMiddleware's for a request, the socket's own for a consumer."""

import functools
import re

from django.utils.translation import gettext

from playground import runguard
from trainer import messages


def translate(template, params=None):
    """gettext(template) % params; the English when the catalog lacks it."""
    return gettext(template) % (params or {})


def spec_errors(errors):
    """A SpecError's entries as the API answers them: {"path", "message"}, the message translated
    when the entry carries its template (the trainer's entries do; the web side's are translated already)."""
    return [
        {"path": e["path"], "message": translate(e["template"], e.get("params")) if "template" in e else e["message"]}
        for e in errors
    ]


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sdg])")


@functools.cache
def _patterns():
    """[(regex, template, {name: conversion})] of the run messages that carry parameters."""
    out = []
    for template in (*messages.RUN_MESSAGES, *runguard.RUN_MESSAGES):
        if _PLACEHOLDER.search(template):
            parts = _PLACEHOLDER.split(template.replace("%%", "%"))  # text, name, conversion, text, ...
            regex = "".join(
                re.escape(p) if i % 3 == 0 else f"(?P<{p}>.+?)" if i % 3 == 1 else "" for i, p in enumerate(parts)
            )
            out.append((re.compile(regex + r"\Z", re.S), template, dict(_PLACEHOLDER.findall(template))))
    return out


def run_message(text):
    """A run's stored (English) status message, translated: a known template is recognized with
    its parameters (a duration inside one translated too); any other text (an exception's) is
    looked up as it is, and stays English if the catalog lacks it."""
    if not text:
        return text
    for pattern, template, conversions in _patterns():
        if match := pattern.match(text):
            try:
                params = {
                    name: float(value) if conversions[name] != "s" else run_message(value)
                    for name, value in match.groupdict().items()
                }
            except ValueError:
                continue
            return translate(template, params)
    return gettext(text)
