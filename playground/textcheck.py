"""Untrusted text that will be stored or processed: what a database, a tokenizer or a
generated script cannot take. Plain Python, no I/O."""

import re

from django.utils.translation import gettext as _

# Control characters (Unicode category Cc) but line breaks (a form's textarea sends \r\n)
# and tabs, and lone surrogates (category Cs).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def problem(text):
    """None for storable text, else what is wrong with it: a lone surrogate (half of a
    UTF-16 pair: no database stores it, UTF-8 cannot encode it) or a control character
    such as NUL (it ends strings in C and has no place in a title or a sentence)."""
    if found := _SURROGATE.search(text):
        return _("contains a lone surrogate (U+%(code)04X), which is not text; send valid Unicode") % {
            "code": ord(found[0])
        }
    if found := _CONTROL.search(text):
        return _("contains the control character U+%(code)04X; only line breaks and tabs are allowed") % {
            "code": ord(found[0])
        }
    return None
