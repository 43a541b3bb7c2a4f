"""A downloaded OParl File on disk: the text the readers take, with its metadata beside it.

A File becomes ``<body>/<paper>_<file>_<name>.pdf`` (or ``.txt``) in the sync
folder, and the paper, its consultations, meetings and organizations as
``….oparl.json`` beside it: the sidecar through which OParl's metadata wins over
the text's guesses (index/ingest/oparl_meta.py). PDFs and plain text are kept
as they came; HTML is reduced to its text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from index.errors import CorpusError
from index.sync.client import Download

SIDECAR = ".oparl.json"


@dataclass(frozen=True)
class FileRef:
    """One File of a paper as the paper lists it."""

    id: str
    paper_id: str
    reference: str | None
    name: str
    url: str | None  # downloadUrl, else accessUrl
    mime: str | None
    version: str  # modified + checksum: changes when the file does


def file_refs(paper: dict[str, Any]) -> list[FileRef]:
    """The paper's main and auxiliary files that are not deleted (embedded objects only)."""
    items: list[Any] = []
    for key in ("mainFile", "auxiliaryFile"):
        v = paper.get(key)
        items += v if isinstance(v, list) else [v] if v else []
    out = []
    for f in items:
        if not isinstance(f, dict) or not isinstance(f.get("id"), str) or f.get("deleted"):
            continue
        url = f.get("downloadUrl") or f.get("accessUrl")
        version = "|".join(
            str(f.get(k) or "") for k in ("modified", "sha512Checksum", "sha1Checksum", "size")
        )
        out.append(
            FileRef(
                f["id"],
                paper["id"],
                paper.get("reference") if isinstance(paper.get("reference"), str) else None,
                str(f.get("name") or f.get("fileName") or ""),
                url if isinstance(url, str) else None,
                f.get("mimeType") if isinstance(f.get("mimeType"), str) else None,
                version,
            )
        )
    return out


def _slug(text: str, limit: int = 40) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-").lower()[:limit] or "x"


def local_name(ref: FileRef, suffix: str) -> str:
    """A stable, readable file name: paper number, File id tail, File name."""
    tail = ref.id.rstrip("/").rsplit("/", 1)[-1]
    digest = hashlib.sha1(ref.id.encode()).hexdigest()[:6]
    paper = _slug(ref.reference or "ohne-nummer", 20)
    return f"{paper}_{_slug(tail, 20)}-{digest}_{_slug(ref.name)}{suffix}"


def body_folder(body_id: str) -> str:
    """The sync folder's sub-folder for one body: host and path, readable."""
    return _slug(re.sub(r"^https?://", "", body_id), 80)


def to_text_file(download: Download, ref: FileRef) -> tuple[str, bytes]:
    """(suffix, bytes to write) for the readers; unsupported types raise CorpusError."""
    kind = download.content_type or (ref.mime or "")
    data = download.content
    if data[:1024].lstrip().startswith(b"%PDF") or kind == "application/pdf":
        return ".pdf", data
    if kind in ("text/html", "application/xhtml+xml") or data[:200].lstrip().lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return ".txt", html_to_text(data.decode("utf-8", "replace")).encode("utf-8")
    if kind.startswith("text/") or kind == "":
        return ".txt", data
    raise CorpusError(f"unsupported file type {kind}")


class _Text(HTMLParser):
    _BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "section"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    text = html.unescape("".join(parser.parts))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def write_file(folder: Path, name: str, data: bytes, context: list[dict[str, Any]]) -> Path:
    """Write the file and its sidecar (through temporary names: a kill leaves no half file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    sidecar = path.with_name(path.stem + SIDECAR)
    for target, content in (
        (sidecar, json.dumps(context, ensure_ascii=False, indent=1).encode("utf-8")),
        (path, data),
    ):
        tmp = target.with_name("." + target.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(target)
    return path


def remove_file(folder: Path, relative: str) -> None:
    """Delete a synced file and its sidecar; a missing one is fine."""
    if not relative:
        return
    path = folder / relative
    for p in (path, path.with_name(path.stem + SIDECAR)):
        p.unlink(missing_ok=True)


def fingerprint(context: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(context, sort_keys=True, default=str).encode()).hexdigest()
