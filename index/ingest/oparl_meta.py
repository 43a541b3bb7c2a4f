"""OParl metadata over guesses from the text, for files that come with it.

The text parser reads a document's paper number, Gremium, meeting date, TOP and
status from headers that every council system prints differently; an OParl
description of the same file states them. Where a file comes with one, OParl
wins field by field, and the text's reading stays wherever OParl is silent.

A text file ``X.txt`` (or ``X.pdf``) comes with OParl metadata when ``X.oparl.json``
lies beside it: the OParl Paper the file belongs to (consultations embedded, as
the Karlsruhe API and archive give them), optionally with the Meetings (their
agenda items embedded) and Organizations it refers to, as one object or a list.
The sidecar is a ``.json`` file, so ingest also imports it as OParl facts.

The consultation that names the document's meeting is the authoritative one,
else a council's, else the latest: the same rule the text parser applies to a
consultation table. The paper type becomes the document's kind unless the text
names what the file is beside its paper: a minutes excerpt stays "Niederschrift",
an annex "Anlage", the administration's answer "Stellungnahme".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from index.facts import normalise_reference
from index.ingest.oparl import type_name
from index.parse import DocumentMeta, ParsedDocument, Reference, RefRole

SIDECAR_SUFFIX = ".oparl.json"
# what a file is, beside its paper: its minutes, an annex, the administration's answer
_FILE_KINDS = frozenset({"Niederschrift", "Anlage", "Stellungnahme"})
_COUNCIL_RE = re.compile(
    r"^(?:Gemeinderat|Stadtrat|Rat der Stadt|Rat|Kreistag|Bürgerschaft|Ratsversammlung"
    r"|Stadtverordnetenversammlung|Gemeindevertretung)\b"
)
_NAME_SUFFIX_RE = re.compile(r"\s*\((?:öffentlich|nicht öffentlich|öffentlich/nicht öffentlich)\)$")


@dataclass(frozen=True)
class OParlFacts:
    """What OParl states about one document; None where it is silent."""

    reference: str | None = None
    raw_reference: str | None = None
    paper_type: str | None = None
    title: str | None = None
    gremium: str | None = None
    meeting_date: dt.date | None = None
    top: str | None = None
    public: bool | None = None


def sidecar_for(path: Path) -> Path | None:
    """``X.oparl.json`` beside ``X.txt``, if it exists."""
    candidate = path.with_name(path.stem + SIDECAR_SUFFIX)
    return candidate if path.suffix.lower() != ".json" and candidate.is_file() else None


def apply_oparl_sidecar(docs: list[ParsedDocument], path: Path) -> None:
    """Let the sidecar's OParl metadata win over the text's guesses (the ingest hook).

    An unreadable or malformed sidecar changes nothing: the text's reading stands,
    and ingest reports the JSON file itself when it imports it.
    """
    sidecar = sidecar_for(path)
    if sidecar is None:
        return
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return
    facts = facts_from_oparl(data)
    if facts is not None:
        for doc in docs:
            apply_facts(doc.meta, facts)


def _objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [o for item in data for o in _objects(item)]
    if isinstance(data, dict):
        if "type" not in data and isinstance(data.get("data"), list):
            return _objects(data["data"])
        return [data]
    return []


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [
        x if isinstance(x, str) else x.get("id", "") for x in items if isinstance(x, str | dict)
    ]


def facts_from_oparl(data: Any) -> OParlFacts | None:
    """The facts of the first Paper in ``data``, with the Meetings and Organizations given."""
    objects = _objects(data)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for o in objects:
        by_type.setdefault(type_name(o) or "", []).append(o)
    papers = [p for p in by_type.get("Paper", []) if not p.get("deleted")]
    if not papers:
        return None
    paper = papers[0]
    orgs = {o.get("id"): o.get("name") for o in by_type.get("Organization", [])}
    meetings = {m.get("id"): m for m in by_type.get("Meeting", [])}
    items = {
        a.get("id"): a
        for m in meetings.values()
        for a in (m.get("agendaItem") or [])
        if isinstance(a, dict)
    }
    raw = paper.get("reference") if isinstance(paper.get("reference"), str) else None
    facts = OParlFacts(
        reference=(normalise_reference(raw) or raw.strip()) if raw else None,
        raw_reference=raw,
        paper_type=paper.get("paperType") or None,
        title=paper.get("name") or None,
    )
    consultation = _deciding(paper.get("consultation") or [], meetings, orgs)
    if consultation is None:
        return facts
    meeting = meetings.get(_first(consultation.get("meeting")), {})
    item = items.get(_first(consultation.get("agendaItem"))) or next(
        (a for a in items.values() if a.get("consultation") == consultation.get("id")), {}
    )
    number = item.get("number")
    public = item.get("public") if isinstance(item.get("public"), bool) else None
    return replace(
        facts,
        gremium=_gremium(consultation, meeting, orgs),
        meeting_date=_date(meeting.get("start")),
        top=str(number) if isinstance(number, str | int) and number != "" else None,
        public=False if _only_non_public(paper, items) else public,
    )


def _only_non_public(paper: dict, items: dict) -> bool:
    """Every consultation of the paper is on a non-public agenda item."""
    consultations = [c for c in paper.get("consultation") or [] if isinstance(c, dict)]
    by_consultation = {a.get("consultation"): a for a in items.values()}
    flags = [
        (items.get(_first(c.get("agendaItem"))) or by_consultation.get(c.get("id")) or {}).get(
            "public"
        )
        for c in consultations
    ]
    return bool(flags) and all(f is False for f in flags)


def _first(value: Any) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _gremium(consultation: dict, meeting: dict, orgs: dict) -> str | None:
    for oid in _ids(consultation.get("organization")) + _ids(meeting.get("organization")):
        if orgs.get(oid):
            return str(orgs[oid])
    name = meeting.get("name")
    if not isinstance(name, str):
        return None
    return _NAME_SUFFIX_RE.sub("", name).strip() or None


def _deciding(consultations: list, meetings: dict, orgs: dict) -> dict | None:
    """The authoritative consultation, else a council's, else the latest one."""
    rows = [c for c in consultations if isinstance(c, dict)]
    if not rows:
        return None
    authoritative = [c for c in rows if c.get("authoritative") is True]
    if authoritative:
        return authoritative[-1]
    council = [
        c for c in rows
        if _COUNCIL_RE.match(_gremium(c, meetings.get(_first(c.get("meeting")), {}), orgs) or "")
    ]  # fmt: skip
    if council:
        return council[-1]

    def start(c: dict) -> dt.date:
        return _date(meetings.get(_first(c.get("meeting")), {}).get("start")) or dt.date.min

    return max(rows, key=start)


def apply_facts(meta: DocumentMeta, facts: OParlFacts) -> None:
    """Overwrite ``meta`` with every field OParl states (the title only where the text
    has none: a file's own title, "Stellungnahme zu …", says more than its paper's)."""
    if facts.reference:
        own = Reference(facts.reference, facts.raw_reference or facts.reference, RefRole.OWN)
        rest = [
            Reference(r.number, r.raw, RefRole.MENTIONED)
            for r in meta.references
            if r.number != facts.reference
        ]
        meta.references = [own, *rest]
    if facts.paper_type and meta.kind not in _FILE_KINDS:
        meta.kind = facts.paper_type
    meta.title = meta.title or facts.title  # the text's title names this file, not the paper
    meta.gremium = facts.gremium or meta.gremium
    meta.meeting_date = facts.meeting_date or meta.meeting_date
    meta.top = facts.top or meta.top
    if facts.public is not None:
        meta.session_kind = "öffentlich" if facts.public else "nicht öffentlich"
