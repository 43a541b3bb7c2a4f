"""An OParl archive in memory: what ``tests/support/oparl_replay.py`` serves.

Loaded from a folder in the karlsruhe-archive layout, optionally cut down to
the newest ``papers`` papers (plus the ones ``include`` names by reference),
the meetings their consultations name and their files' texts. The mutations
(``change``, ``delete``, ``drop_file``) stamp ``modified`` with the present
time, as a council system does when a clerk edits a paper.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import functools
import gzip
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

SCHEMA = "https://schema.oparl.org/1.1/"
SYNTHETIC = Path(__file__).resolve().parents[1] / "fixtures" / "oparl_synthetic.json"
LISTS = {"papers": "paper", "meetings": "meeting", "organizations": "organization"}


@functools.cache
def fixture_archive() -> Path:
    """The synthetic archive (tests/fixtures/oparl_synthetic.md) written out once per
    run in the archive's layout, so the same loader reads it and the real archive."""
    bundle = json.loads(SYNTHETIC.read_text(encoding="utf-8"))
    folder = Path(tempfile.mkdtemp(prefix="ratsbot-oparl-fixture-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name, key in (("papers", "papers"), ("meetings", "meetings"), ("file-texts", "file_texts")):
        rows = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in bundle[key])
        (folder / f"{name}.jsonl").write_text(rows, encoding="utf-8")
    organizations = json.dumps(bundle["organizations"], ensure_ascii=False)
    (folder / "organizations.json").write_text(organizations, encoding="utf-8")
    return folder


def _lines(path: Path) -> Iterator[str]:
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        with gzip.open(gz, "rt", encoding="utf-8") as f:
            yield from f
    elif path.exists():
        with path.open(encoding="utf-8") as f:
            yield from f


def paper_files(paper: dict[str, Any]) -> list[dict[str, Any]]:
    main = paper.get("mainFile")
    return ([main] if isinstance(main, dict) else []) + [
        f for f in paper.get("auxiliaryFile") or [] if isinstance(f, dict)
    ]


def _when(stamp: str | None) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(stamp or "")
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Archive:
    def __init__(
        self,
        papers: list[dict[str, Any]],
        meetings: list[dict[str, Any]],
        organizations: list[dict[str, Any]],
        texts: dict[str, str],
    ) -> None:
        self.lists = {"papers": papers, "meetings": meetings, "organizations": organizations}
        self.texts = texts
        self.body_id: str = papers[0]["body"]
        parts = urlsplit(self.body_id)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.body_path = parts.path.rstrip("/")
        self.system_path = self.body_path.split("/bodies/")[0] or "/oparl"
        self.list_paths = {f"{self.body_path}/{name}": name for name in LISTS}
        self._reindex()

    @classmethod
    def load(
        cls, folder: Path, *, papers: int | None = None, include: tuple[str, ...] = ()
    ) -> Archive:
        chosen = [json.loads(line) for line in _lines(folder / "papers.jsonl") if line.strip()]
        if papers is not None:
            wanted = [p for p in chosen if p.get("reference") in include]
            rest = sorted(
                (p for p in chosen if p.get("reference") not in include and paper_files(p)),
                key=lambda p: (p.get("date") or "", p["id"]),
                reverse=True,
            )
            chosen = wanted + rest[: max(0, papers - len(wanted))]
        meeting_ids = {
            c.get("meeting")
            for p in chosen
            for c in p.get("consultation") or []
            if isinstance(c, dict)
        }
        meetings = [json.loads(line) for line in _lines(folder / "meetings.jsonl") if line.strip()]
        if papers is not None:
            meetings = [m for m in meetings if m["id"] in meeting_ids]
        file_ids = {f["id"] for p in chosen for f in paper_files(p)}
        texts = {}
        for line in _lines(folder / "file-texts.jsonl"):
            head = line[:200]
            if _candidates(head, file_ids):
                row = json.loads(line)
                texts[row["file"]] = row["text"]
        orgs = json.loads((folder / "organizations.json").read_text(encoding="utf-8"))
        return cls(chosen, meetings, orgs, texts)

    def _reindex(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.download_paths: dict[str, str] = {}
        for objects in self.lists.values():
            for o in objects:
                self._add(o)

    def _add(self, obj: dict[str, Any]) -> None:
        self.objects[urlsplit(obj["id"]).path] = obj
        for key in ("consultation", "agendaItem", "auxiliaryFile", "mainFile", "invitation"):
            value = obj.get(key)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, dict) and isinstance(child.get("id"), str):
                    self._add(child)
        if obj.get("type", "").endswith("File"):
            for key in ("accessUrl", "downloadUrl"):
                if isinstance(obj.get(key), str):
                    self.download_paths[urlsplit(obj[key]).path] = obj["id"]

    # -- what the server shows -----------------------------------------------------
    def system(self) -> dict[str, Any]:
        system = self.origin + self.system_path
        return {
            "id": system,
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "body": system + "/bodies",
            "name": "OParl replay",
        }

    def body(self) -> dict[str, Any]:
        body = {"id": self.body_id, "type": SCHEMA + "Body", "name": "Replay body"}
        body["system"] = self.origin + self.system_path
        for name, key in LISTS.items():
            body[key] = f"{self.body_id}/{name}"
        return body

    def object_at(self, path: str) -> dict[str, Any] | None:
        return self.objects.get(path)

    def listing(self, name: str, since: str | None) -> list[dict[str, Any]]:
        objects = self.lists[name]
        if not since:
            return [o for o in objects if not o.get("deleted")]  # a full list omits deleted ones
        cut = _when(since.replace(" ", "+"))
        return [o for o in objects if _when(o.get("modified")) >= cut]

    def page_of(
        self, objects: list[Any], page: int, per_page: int, path: str, query: dict[str, list[str]]
    ) -> dict[str, Any]:
        total = max(1, -(-len(objects) // per_page))
        keep = {k: v[0] for k, v in query.items() if k != "page"}

        def link(n: int) -> str:
            return f"{self.origin}{path}?{urlencode({**keep, 'page': n})}"

        links = {"first": link(1), "last": link(total)}
        if page < total:
            links["next"] = link(page + 1)
        return {
            "data": objects[(page - 1) * per_page : page * per_page],
            "pagination": {"totalElements": len(objects), "elementsPerPage": per_page,
                           "currentPage": page, "totalPages": total},
            "links": links,
        }  # fmt: skip

    # -- what a clerk does -----------------------------------------------------------
    def paper(self, reference: str) -> dict[str, Any]:
        return next(p for p in self.lists["papers"] if p.get("reference") == reference)

    def change(self, reference: str, *, name: str | None = None, text: str | None = None) -> None:
        """Rename a paper and/or append ``text`` to its first file (a new version of it)."""
        paper = self.paper(reference)
        stamp = _now()
        paper["modified"] = stamp
        if name is not None:
            paper["name"] = name
        if text is not None:
            f = paper_files(paper)[0]
            f["modified"] = stamp
            self.texts[f["id"]] = self.texts.get(f["id"], "") + "\n\n" + text

    def delete(self, reference: str) -> None:
        """The paper is deleted: the list keeps ``{id, type, deleted: true}`` for a while."""
        papers = self.lists["papers"]
        i = papers.index(self.paper(reference))
        old = papers[i]
        papers[i] = {"id": old["id"], "type": old["type"], "body": old["body"],
                     "deleted": True, "modified": _now()}  # fmt: skip

    def drop_file(self, reference: str) -> str:
        """Remove the paper's last file from it; returns the File id."""
        paper = self.paper(reference)
        gone = paper["auxiliaryFile"].pop() if paper.get("auxiliaryFile") else paper.pop("mainFile")
        paper["modified"] = _now()
        return str(gone["id"])

    def copy(self) -> Archive:
        return copy.deepcopy(self)


def _candidates(head: str, file_ids: set[str]) -> list[str]:
    start = head.find('"file": "')
    if start < 0:
        return []
    fid = head[start + 9 : head.find('"', start + 9)]
    return [fid] if fid in file_ids else []
