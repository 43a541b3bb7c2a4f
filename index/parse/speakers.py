"""Recognise who is speaking at the start of a minutes paragraph.

Two styles occur. Dortmund minutes are narrative ("Herr Vogeler (CDU-Fraktion)
bittet ...", "Rm Reuter (B'90/Die Grünen) bittet ...", "OB Westphal merkt ..."):
a title, a name, an optional faction in parentheses and then a lower-case verb.
Karlsruhe verbatim minutes use a colon label ("Stadtrat Marvi (SPD): Ich ...",
"Erste Bürgermeisterin Mergen: Das ..."). Requiring the verb or the colon right
after the name keeps ordinary sentences that merely start with "Herr" out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE = (
    r"(?:Herr|Frau|Rm|Rfr|Rf|Bm|Bm'in|Bmin|StR|StR'in|StRin|sB|sE|OB"
    r"|Oberbürgermeister(?:in)?|(?:Erste[rn]?\s+)?Bürgermeister(?:in)?"
    r"|Stadtr(?:at|ätin)|Stadtdirektor(?:in)?|Stadtkämmerer(?:in)?"
    r"|Beigeordnete[r]?|Dezernent(?:in)?)"
)
_INNER = (
    r"(?:\s+(?:Stadtrat|Stadträtin|Oberbürgermeister(?:in)?|Bürgermeister(?:in)?"
    r"|Dr\.|Prof\.|von|van|de|zu))*"
)
_NAME = r"[A-ZÄÖÜ][\w'’-]+"
_FACTION = r"(?:\s*\((?P<faction>[^()\n]{1,40})\))?"
_AFTER = r"(?P<sep>\s*:(?=\s|$)|\s+(?=[a-zäöüß]))"

_PERSON_RE = re.compile(
    rf"^(?:Auch\s+)?(?P<label>{_TITLE}{_INNER}\s+{_NAME}(?:\s+{_NAME})?)"
    rf"{_FACTION}{_AFTER}"
)
_CHAIR_RE = re.compile(
    rf"^(?P<label>(?:Der|Die)\s+(?:stellv\.\s+|stellvertretende\s+)?Vorsitzende)"
    rf"(?:\s+{_NAME})?{_FACTION}{_AFTER}"
)
_ROLE_WORDS = ("vorsitz", "schriftf")
# Inverted order after an opening phrase: "Zum PR-Schreiben teilt Herr Vogeler mit, dass".
_INVERTED_RE = re.compile(
    r"^[^.:;!?]{0,60}?\b(?:teilt|berichtet|erläutert|erklärt|fragt|bittet|betont|merkt|gibt"
    r"|sagt|führt|weist|stellt|schlägt|macht|bemerkt|ergänzt|verweist)\s+"
    rf"(?P<label>{_TITLE}{_INNER}\s+{_NAME}){_FACTION}"
    r"\s+(?:mit|an|aus|vor|hin|zu|nach|fest|dar|ein)\b"
)

_CONTINUATION_RE = re.compile(
    r"^(?:Er|Sie|Weiterhin|Bezüglich|Zudem|Außerdem|Ferner|Darüber hinaus|Auch er|Auch sie)\b"
)
# Inverted order with the speaker as a pronoun: "Zum Pilotprojekt Microsoft Teams gibt
# er zu bedenken", "Beim Serviceportal vermisse er den Mehrwert": an opening phrase of
# a few words, a lower-case verb, then "er"/"sie", all before the first comma.
_INVERTED_PRONOUN_RE = re.compile(r"^[A-ZÄÖÜ][^,.:;!?]{0,60}?\s[a-zäöüß]+\s+(?:er|sie)\s+[a-zäöüß]")


@dataclass(frozen=True)
class SpeakerLabel:
    """A speaker label found at the start of a paragraph."""

    speaker: str  # "Herr Vogeler", "Stadtrat Marvi", "Der Vorsitzende"
    faction: str | None  # "CDU-Fraktion", "10/FBL", None
    end: int  # offset just past the label (and its colon, if any)
    verbatim: bool  # colon style: the following text is the speaker's own words


def find_speaker(paragraph: str) -> SpeakerLabel | None:
    """The speaker label at the very start of ``paragraph``, if there is one."""
    for regex in (_PERSON_RE, _CHAIR_RE):
        m = regex.match(paragraph)
        if m is None:
            continue
        faction = m["faction"].strip() if m["faction"] else None
        if faction and any(w in faction.lower() for w in _ROLE_WORDS):
            faction = None
        speaker = " ".join(m["label"].split())
        return SpeakerLabel(speaker, faction, m.end(), ":" in m["sep"])
    return None


def find_inverted_speaker(paragraph: str) -> SpeakerLabel | None:
    """A speaker named right after the verb of the first clause ("Dazu teilt Herr X mit")."""
    m = _INVERTED_RE.match(paragraph)
    if m is None:
        return None
    faction = m["faction"].strip() if m["faction"] else None
    if faction and any(w in faction.lower() for w in _ROLE_WORDS):
        faction = None
    return SpeakerLabel(" ".join(m["label"].split()), faction, 0, False)


def is_label_only(paragraph: str) -> bool:
    """True for a bare colon label ("Stadtrat Marvi (SPD):") whose speech is yet to come."""
    label = find_speaker(paragraph)
    return label is not None and label.verbatim and not paragraph[label.end :].strip()


def continues_speech(paragraph: str) -> bool:
    """True when a paragraph reads like the continuation of the previous narrative speech."""
    return bool(_CONTINUATION_RE.match(paragraph) or _INVERTED_PRONOUN_RE.match(paragraph))
