"""Speaker keys: the surname and faction words by which a question names a voice.

"Was schlägt die SPD vor?" and "What did Herr Gebel say?" name a speaker by
surname or party; English party names map to the German ones. Retrieval's
speaker vote and the quote scorer use the same keys, so both agree on who a
question names.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")  # any alphabet: "Høyem", "Habibović"
# forms of address that stand before a name and mean nothing without it
_ADDRESS = frozenset(
    """herr herrn frau rm dr prof ob bm stadtrat stadträtin stadtrats bürgermeister
    bürgermeisterin oberbürgermeister oberbürgermeisterin councillor councilor mr mrs ms""".split()
)
# and the words of a minutes' name line that are no surname either
_TITLES = _ADDRESS | frozenset(
    "erste erster sb se vorsitzende vorsitzender der die des von".split()
)
_GENERIC = frozenset("fraktion fraktionen die der und gruppe partei ratsgruppe".split())
# English names of German parties, as questions in English use them
ALIASES = {
    "greens": "grünen",
    "green": "grünen",
    "left": "linke",
    "liberals": "fdp",
    "social": "spd",
}


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def speaker_keys(name: str, faction: str) -> set[str]:
    """Surname and faction words a question may use for this speaker."""
    keys = set()
    words = [w for w in _tokens(name) if w not in _TITLES and len(w) >= 3]
    if words:
        keys.add(words[-1])
    party = [w for w in _tokens(faction) if w not in _GENERIC and len(w) >= 3]
    keys.update(party)
    keys.update(_uninflected(w) for w in party)
    return keys


def named_keys(question: str) -> set[str]:
    """The question's words as speaker keys (English party names mapped to German)."""
    words = {ALIASES.get(w, w) for w in _tokens(question)}
    return words | {_uninflected(w) for w in words}


def _uninflected(word: str) -> str:
    """A party word without its weak ending: minutes label a speaker "(GRÜNE)" or
    "(B'90/Die Grünen)", a question asks what "die Grünen" or "der Linken" said."""
    return word[:-1] if word.endswith("en") and len(word) > 4 else word


def without_speakers(question: str, keys: set[str]) -> str | None:
    """``question`` without the words that name one of ``keys`` and their forms of
    address ("Was sagte Stadtrat Høyem zum Schulkonzept?" → "Was sagte zum
    Schulkonzept?"); None when it names none of them."""
    words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(question)]
    named = [(a, b) for a, b, w in words if w in keys]
    if not named:
        return None
    drop = named + [(a, b) for a, b, w in words if w in _ADDRESS]
    kept = "".join(ch for i, ch in enumerate(question) if not any(a <= i < b for a, b in drop))
    return " ".join(kept.split())
