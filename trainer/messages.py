"""Messages a page shows, without Django: an English template plus its parameters.

The trainer writes English (the CLI and the logs read it). Each template is marked
with `gettext_noop`, the name Django's makemessages extracts (xgettext
--keyword=gettext_noop), so the Korean lives in locale/ko/LC_MESSAGES/django.po;
the web side translates where a message leaves the server:
gettext(template) % params (playground.messages). Parameters are names (layer
types, activations, datasets) and numbers, already formatted: they are not translated.

A run's end message is stored in English (Run.message) and translated when shown:
RUN_MESSAGES lists the templates that playground.messages recognizes in it.
"""


def gettext_noop(template: str) -> str:
    """Marks a template for the message catalog; returns it unchanged."""
    return template


def entry(path: str, template: str, **params: object) -> dict:
    """A SpecError entry: the English message, and the template and parameters that translate it."""
    return {"path": path, "message": template % params, "template": template, "params": params}


class Problem(ValueError):
    """A ValueError whose text is a template with parameters (str(exc) is the English)."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params)


STOPPED_BY_USER = gettext_noop("Stopped by the user.")
DIVERGED = {  # what became NaN -> the message
    "training loss": gettext_noop(
        "The training loss became NaN or infinite at iteration %(iteration)s (epoch %(epoch)s), so training stopped. "
        "The learning rate (%(learning_rate)s) is probably too high: try one ten times smaller. "
        "An activation that saturates (tanh, sigmoid) instead of relu or linear, or L2 regularization, "
        "also keeps weights from exploding."
    ),
    "weights": gettext_noop(
        "The weights became NaN or infinite at iteration %(iteration)s (epoch %(epoch)s), so training stopped. "
        "The learning rate (%(learning_rate)s) is probably too high: try one ten times smaller. "
        "An activation that saturates (tanh, sigmoid) instead of relu or linear, or L2 regularization, "
        "also keeps weights from exploding."
    ),
}
TARGET_REACHED = gettext_noop("Reached the target test loss %(target)s at epoch %(epoch)s (test loss %(loss)s).")
STOPPED_EARLY = gettext_noop(
    "Stopped early: the test loss has not improved for %(patience)s epochs (best %(best)s at epoch %(best_epoch)s)."
)
RUN_MESSAGES = (STOPPED_BY_USER, *DIVERGED.values(), TARGET_REACHED, STOPPED_EARLY)
