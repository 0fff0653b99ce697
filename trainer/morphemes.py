"""Korean morphemes from Kiwi (kiwipiepy), loaded once per process on first use.

Kiwi takes seconds to load, so nothing loads it at import time: only a text
with the `morpheme` token level does. An exported script may hand over its own
instance with `use` (it then imports kiwipiepy where the reader sees it).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiwipiepy import Kiwi

_lock = threading.Lock()
_kiwi = None


def use(kiwi: Kiwi) -> None:
    """Use this kiwipiepy.Kiwi instead of loading one."""
    global _kiwi  # noqa: PLW0603 (one analyser per process, on purpose)
    _kiwi = kiwi


def analyser() -> Kiwi:
    global _kiwi  # noqa: PLW0603
    with _lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi  # noqa: PLC0415 (slow to load: only when morphemes are asked for)

            _kiwi = Kiwi()
        return _kiwi


def version() -> str:
    import kiwipiepy  # noqa: PLC0415

    return kiwipiepy.__version__


def split(texts: Sequence[str]) -> list[list[str]]:
    """Texts -> one list of morpheme forms per text ("영화였다" -> 영화, 이, 었, 다)."""
    texts = list(texts)
    if not texts:
        return []
    kiwi = analyser()
    with _lock:  # one batch at a time: Kiwi's own workers share the process's cores
        return [[t.form for t in tokens] for tokens in kiwi.tokenize(texts)]
