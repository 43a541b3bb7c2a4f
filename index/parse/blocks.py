"""Decide what each paragraph is: heading, list item, speech or plain paragraph.

Chunking keeps blocks whole and treats headings and speeches differently, so the
kind matters more than perfect precision; the rules are deliberately simple and
conservative. Speaker inheritance:

* after a verbatim (colon) label such as "Stadtrat Marvi (SPD): …", the following
  plain paragraphs are that speaker's words until the next label or heading
  (Karlsruhe minutes give every new speaker a label);
* a paragraph naming its speaker after the first verb ("Zum PR-Schreiben teilt Herr
  Vogeler mit, dass …") is that speaker's, with the faction seen earlier for the name;
* after a narrative Dortmund turn ("Herr Gebel … wünscht sich …") only a paragraph
  that clearly goes on with it ("Er erläutert …", "Weiterhin …", "Bezüglich …")
  inherits the speaker.
"""

from __future__ import annotations

import re

from index.parse.agenda import is_vote_tally, numbered_title
from index.parse.layout import Paragraph, is_list_start
from index.parse.model import BlockKind
from index.parse.speakers import continues_speech, find_inverted_speaker, find_speaker

_KNOWN_HEADINGS = re.compile(
    r"^(?:Beschlussvorschlag|Beschlussantrag|Begründung|Beschluss|Abstimmungsergebnis"
    r"|Sachverhalt|Kurzfassung|Erläuterungen|Ergänzende Erläuterungen|Zur Beurkundung"
    r"|Finanzielle Auswirkungen|Personelle Auswirkungen|Information|Anlagen?)\b.{0,30}$"
)
_HEADING_MAX_CHARS = 70
_HEADING_MAX_WORDS = 8

_AGENDA_ITEM = re.compile(
    r"^(?:Tagesordnungspunkt|TOP|Punkt\s+\d+(?:\.\d+)*\s+der\s+Tagesordnung)"
    r"(?:\s+\d{1,3}(?:\.\d{1,2})*\.?)?\s*:?\s+(?P<title>[„\"]?[^\W\d_].*)$"
)

Kind = tuple[BlockKind, str | None, str | None]


def agenda_item(text: str) -> str | None:
    """The title of the agenda item a heading opens ("Tagesordnungspunkt Memorandum …",
    "TOP 4.1.2 Antrag …", an agenda line "4" joined with its title), or None."""
    m = _AGENDA_ITEM.match(text.strip())
    if m and is_heading(text.strip()):
        return m["title"].strip()
    return numbered_title(text)


def is_heading(text: str) -> bool:
    """A short title line: few words, no sentence punctuation, starts with a capital.

    A vote tally ("Ja 55 Nein 13 Enthaltung 0") is no heading: it closes an item.
    """
    if is_vote_tally(text):
        return False
    if text.startswith("Tagesordnungspunkt ") and len(text) <= 150:
        return True
    if _KNOWN_HEADINGS.match(text):
        return True
    if len(text) > _HEADING_MAX_CHARS or len(text.split()) > _HEADING_MAX_WORDS:
        return False
    if text.endswith(":") and len(text.split()) > 3:
        return False
    if text.endswith((".", ",", ";", "?", "!", "“", '"', ")")):
        return False
    body = re.sub(r"^\d{1,2}(?:\.\d{1,2})*[.)]\s+", "", text)
    return body[:1].isupper() and not text.endswith((".", "?", "!"))


def classify(paragraphs: list[Paragraph]) -> list[Kind]:
    """One (kind, speaker, faction) per paragraph, in order."""
    result: list[Kind] = []
    current: tuple[str, str | None] | None = None  # speaker, faction of the running turn
    verbatim = False
    known: dict[str, str] = {}  # speaker -> faction, to complete later mentions
    for para in paragraphs:
        text = para.text
        label = find_speaker(text)
        if label is not None:
            if label.faction:
                known[label.speaker] = label.faction
            current, verbatim = (label.speaker, label.faction), label.verbatim
            result.append((BlockKind.SPEECH, label.speaker, label.faction))
            continue
        if para.agenda:
            current = None
            result.append((BlockKind.HEADING, None, None))
            continue
        if is_list_start(text):
            kind = BlockKind.HEADING if is_heading(text) else BlockKind.LIST_ITEM
            current = None
            result.append((kind, None, None))
            continue
        if is_heading(text):
            current = None
            result.append((BlockKind.HEADING, None, None))
            continue
        inverted = find_inverted_speaker(text)
        if inverted is not None:
            faction = inverted.faction or known.get(inverted.speaker)
            current, verbatim = (inverted.speaker, faction), False
            result.append((BlockKind.SPEECH, inverted.speaker, faction))
            continue
        interjection = text.startswith("(") and text.endswith(")")
        if current is not None and not interjection and (verbatim or continues_speech(text)):
            result.append((BlockKind.SPEECH, current[0], current[1]))
            continue
        if not interjection:
            current = None
        result.append((BlockKind.PARAGRAPH, None, None))
    return result
