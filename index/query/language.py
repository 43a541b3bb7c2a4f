"""German or English? Decided from function words, which short questions always have."""

from __future__ import annotations

import re

_DE = frozenset(
    """
    der die das den dem des und ist sind wie was wer wann wo warum wieso welche welcher
    welches wurde wurden werden wird mit von zu zum zur auf für im in nicht ein eine einer
    gibt es hat haben sich über bei nach steht stand viele wieviel wie viele dem kann soll
    sollen sie er dass
    """.split()
)
_EN = frozenset(
    """
    the what who when where why how which is are was were does did do of to in for and on
    with about many much has have been be by a an this that it there any can will would
    should say said
    """.split()
)
_WORD = re.compile(r"[a-zäöüß]+")


def detect_language(text: str, default: str = "de") -> str:
    """``"de"`` or ``"en"``; umlauts and ß count for German."""
    words = _WORD.findall(text.lower())
    de = sum(w in _DE for w in words) + 2 * len(re.findall(r"[äöüß]", text.lower()))
    en = sum(w in _EN for w in words)
    if de == en:
        return default
    return "de" if de > en else "en"
