"""OParl 1.0/1.1 JSON read into plain rows: papers, meetings, agenda items, ...

OParl objects are structured facts, not text to quote, so they never go
through chunking: they feed a paper's path (``ratsbot status``) beside what
the minutes say. Input is one object, a list of objects, a list page
(``data`` + ``links``/``pagination``) or any of these nested; embedded objects
(a Paper's ``consultation``, a Meeting's ``agendaItem``) are read too and get
their parent's id. A malformed object (no ``id``, a field of the wrong type)
becomes a one-line failure and the rest is read on, like a bad file in ingest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from index.errors import OParlFormatError
from index.facts import normalise_reference

# OParl type name -> our table key
KNOWN = {
    "Paper": "papers",
    "Meeting": "meetings",
    "AgendaItem": "agenda_items",
    "Consultation": "consultations",
    "Organization": "organizations",
    "File": "files",
}
IGNORED = {"System", "Body", "Person", "Location", "LegislativeTerm", "Membership"}


@dataclass
class OParlBatch:
    """Rows by table key and OParl id; ``deleted`` ids by table key."""

    rows: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {k: {} for k in KNOWN.values()}
    )
    deleted: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KNOWN.values()})
    failures: list[str] = field(default_factory=list)
    objects: int = 0  # objects read, valid or not

    @property
    def empty(self) -> bool:
        return not any(self.rows.values()) and not any(self.deleted.values())


def type_name(obj: dict[str, Any]) -> str | None:
    t = obj.get("type")
    return t.rstrip("/").rsplit("/", 1)[-1] if isinstance(t, str) and t else None


def read_oparl(data: Any) -> OParlBatch:
    """All OParl objects in a parsed JSON document (see the module docstring)."""
    batch = OParlBatch()
    _walk(data, batch, parent={}, where="")
    return batch


def _walk(data: Any, batch: OParlBatch, parent: dict[str, str], where: str) -> None:
    if isinstance(data, list):
        for i, item in enumerate(data):
            _walk(item, batch, parent, f"{where}[{i}]")
        return
    if not isinstance(data, dict):
        batch.objects += 1
        kind = type(data).__name__
        batch.failures.append(f"{where or 'top level'}: not an OParl object ({kind})")
        return
    if "type" not in data and isinstance(data.get("data"), list):  # a list page
        _walk(data["data"], batch, parent, f"{where}data")
        return
    batch.objects += 1
    name = type_name(data)
    oid = data.get("id")
    label = f"{where or 'object'} ({name or 'no type'}{', ' + oid if isinstance(oid, str) else ''})"
    try:
        if name is None:
            raise OParlFormatError("missing 'type'")
        if not isinstance(oid, str) or not oid.strip():
            raise OParlFormatError("missing 'id'" if oid is None else "'id' is not a string")
        if name in IGNORED:
            return
        if name not in KNOWN:
            raise OParlFormatError(f"unknown type {name!r}")
        table = KNOWN[name]
        if data.get("deleted") is True:
            batch.deleted[table].add(oid)
            batch.rows[table].pop(oid, None)
            return
        row, children = _READERS[name](data, parent)
    except OParlFormatError as e:
        batch.failures.append(f"{label}: {e}")
        return
    batch.rows[table][oid] = row
    for key, child_parent in children:
        items = data[key] if isinstance(data[key], list) else [data[key]]
        for i, item in enumerate(items):
            if isinstance(item, dict):  # URLs name objects described elsewhere
                _walk(item, batch, child_parent, f"{where}{name}.{key}[{i}]")


# -- field readers: a wrong type raises OParlFormatError naming the field -------------
def _str(obj: dict[str, Any], key: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise OParlFormatError(f"'{key}' must be a string, not {type(v).__name__}")
    return v


def _bool(obj: dict[str, Any], key: str) -> bool | None:
    v = obj.get(key)
    if v is not None and not isinstance(v, bool):
        raise OParlFormatError(f"'{key}' must be true or false, not {type(v).__name__}")
    return v


def _int(obj: dict[str, Any], key: str) -> int | None:
    v = obj.get(key)
    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
        raise OParlFormatError(f"'{key}' must be an integer, not {type(v).__name__}")
    return v


def _date(obj: dict[str, Any], key: str) -> dt.date | None:
    v = _str(obj, key)
    if not v:
        return None
    try:
        return dt.date.fromisoformat(v[:10])
    except ValueError as e:
        raise OParlFormatError(f"'{key}' is not a date: {v[:30]!r}") from e


def _ids(obj: dict[str, Any], key: str) -> list[str]:
    """A list of URLs or embedded objects (their ids); a single one is accepted too."""
    v = obj.get(key)
    if v is None:
        return []
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(item["id"])
        elif not isinstance(item, dict):
            raise OParlFormatError(f"'{key}' must hold URLs or objects, not {type(item).__name__}")
    return out


def _ref(obj: dict[str, Any], key: str) -> str | None:
    ids = _ids(obj, key)
    return ids[0] if ids else None


def _embedded(obj: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [
        k
        for k in keys
        if isinstance(obj.get(k), dict)
        or (isinstance(obj.get(k), list) and any(isinstance(x, dict) for x in obj[k]))
    ]


Children = list[tuple[str, dict[str, str]]]


def _paper(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    raw = _str(o, "reference")
    row = {
        "reference": (normalise_reference(raw) or raw.strip()) if raw else None,
        "raw_reference": raw,
        "name": _str(o, "name"),
        "paper_type": _str(o, "paperType"),
        "date": _date(o, "date"),
        "related": _ids(o, "relatedPaper") + _ids(o, "superordinatedPaper"),
    }
    keys = _embedded(o, ("consultation", "mainFile", "auxiliaryFile"))
    return row, [(k, {"paper_id": o["id"]}) for k in keys]


def _meeting(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    row = {
        "name": _str(o, "name"),
        "start": _date(o, "start"),
        "organizations": _ids(o, "organization"),
    }
    keys = _embedded(o, ("agendaItem",))
    return row, [(k, {"meeting_id": o["id"]}) for k in keys]


def _agenda_item(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    number = o.get("number")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)  # OParl says string; some servers send integers
    elif number is not None and not isinstance(number, str):
        raise OParlFormatError(f"'number' must be a string, not {type(number).__name__}")
    row = {
        "meeting_id": _ref(o, "meeting") or parent.get("meeting_id"),
        "consultation_id": _ref(o, "consultation"),
        "number": number,
        "order": _int(o, "order"),
        "name": _str(o, "name"),
        "public": _bool(o, "public"),
        "result": _str(o, "result"),
        "resolution_text": _str(o, "resolutionText"),
    }
    return row, []


def _consultation(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    row = {
        "paper_id": _ref(o, "paper") or parent.get("paper_id"),
        "meeting_id": _ref(o, "meeting"),
        "agenda_item_id": _ref(o, "agendaItem"),
        "organizations": _ids(o, "organization"),
        "role": _str(o, "role"),
        "authoritative": _bool(o, "authoritative"),
    }
    return row, []


def _organization(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    return {"name": _str(o, "name"), "short_name": _str(o, "shortName")}, []


def _file(o: dict[str, Any], parent: dict[str, str]) -> tuple[dict[str, Any], Children]:
    row = {
        "paper_id": parent.get("paper_id"),
        "name": _str(o, "name"),
        "date": _date(o, "date"),
        "access_url": _str(o, "accessUrl"),
        "text": _str(o, "text"),
    }
    return row, []


_READERS = {
    "Paper": _paper,
    "Meeting": _meeting,
    "AgendaItem": _agenda_item,
    "Consultation": _consultation,
    "Organization": _organization,
    "File": _file,
}
