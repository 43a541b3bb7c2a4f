"""German sentence boundaries, good enough for quoting minutes verbatim.

A rule-based splitter: a boundary is ``.``, ``!``, ``?`` (optionally followed
by a closing quote or bracket) followed by white space and an upper-case letter,
a digit or an opening quote — unless the word before the dot is a known
abbreviation ("Nr.", "Dr.", "z. B.") or a number ("1. Januar", "18.11.20").
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """
    nr nrn dr prof abs art bzw ca vgl ggf evtl u.a z.b d.h usw etc inkl zzgl ff s str tel rm
    stv hr fr sog mio mrd tsd bspw insb jh gem lt max min mind vs z.z zt z.t abt dez stadtr
    frau herr o.g u.ä i.v sb se bm jan feb mär apr jun jul aug sep sept okt nov dez
    fa techn städt ziff anl gez kap std bzgl ggü ggfs lfd betr einschl zzt i.d.r u.u v.a
    o.ä dipl dipl.-ing abb tab anm hrsg verw stellv allg jährl mtl ehem zust i.a i.v.m abzügl st
    """.split()
)

_BOUNDARY = re.compile(r"[.!?…]+[\"“”'»)\]]*(?=\s+[\"„“»(]?[A-ZÄÖÜ0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.?$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text``, white space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[m.start()] == "." and ends_with_abbreviation(text[start : m.start() + 1]):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def ends_with_abbreviation(before: str) -> bool:
    """Whether the dot that ends ``before`` belongs to an abbreviation, ordinal or number."""
    tail = before.rstrip(".").split()
    if not tail:
        return False
    word = tail[-1].lower().lstrip('(„"')
    if word.isdigit():  # "1. Januar", "am 18. 11." — ordinals and dates
        return len(word) <= 2
    if re.fullmatch(r"[\d.,]+", word):  # "18.11" in "18.11.20"
        return True
    if len(word) == 1 and word.isalpha():  # initials, "S." "z. B."
        return True
    return word in ABBREVIATIONS
