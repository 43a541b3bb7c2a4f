"""How often the text parser reads a document's own paper number, Gremium and date right.

    python -m bench.parse_meta [--sample 500] [--seed 22] [--archive DIR] [--json]

Ground truth is the OParl metadata of the Karlsruhe archive
(``../shared/realdocs/karlsruhe-archive/``, see SOURCES.md there): a file
attached to a paper has that paper's ``reference``; the paper's consultations
name the meetings (date, organisation, agenda item) where it was treated. The
parser sees only the file's text, never the metadata, so the figures measure
what it reads from headers and tables on its own.

"Right" means: the own paper number equals the paper's reference (canonical
form; a file attached to several papers, such as a minutes excerpt, may name
any of them); the number is also scored over papers with a ``YYYY/NNNN``
reference alone, since older papers' OParl references are internal ids their
text never prints; the Gremium equals the organisation or the meeting name (without its
"(öffentlich/nicht öffentlich)" suffix) of one of the paper's consultations,
compared case- and space-insensitively; the date equals that consultation's
meeting date; "gremium+date" needs both from the same consultation. Shares are
over the sampled files that have the truth (a paper without consultations
counts for the number only). The sample is the ``--sample`` files with the
smallest seeded hash among those attached to a paper with a reference, so it
is the same on every run and every commit.

To score another commit, run this file against that checkout's code (e.g.
``PYTHONPATH=<checkout> python bench/parse_meta.py --archive …``); the
``<!-- parse-meta -->`` section of bench/RESULTS.md holds the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import heapq
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.scale_report import code_version

REPO = Path(__file__).resolve().parent.parent
ARCHIVE = REPO.parent / "shared" / "realdocs" / "karlsruhe-archive"
_SUFFIX_RE = re.compile(r"\s*\((?:öffentlich|nicht öffentlich|öffentlich/nicht öffentlich)\)$")


@dataclass
class Truth:
    """What OParl says about one file: its paper and the paper's consultations."""

    reference: str
    paper_type: str | None
    consultations: list[tuple[set[str], dt.date | None, str | None]] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # references of further papers

    @property
    def modern(self) -> bool:
        """A "YYYY/NNNN" reference; older papers' OParl references are internal ids
        ("18750") that their text never prints ("Vorlage Nr. 1146")."""
        return bool(re.fullmatch(r"(?:19|20)\d\d/\d{4}", self.reference))


def _norm(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _load_truth(archive: Path) -> dict[str, Truth]:
    """File id -> Truth, for every file attached to a paper with a reference."""
    from index.facts import normalise_reference

    orgs = {
        o["id"]: o.get("name") for o in json.loads((archive / "organizations.json").read_text())
    }
    meetings: dict[str, tuple[set[str], dt.date | None, dict[str, str]]] = {}
    with gzip.open(archive / "meetings.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            names = {_norm(_SUFFIX_RE.sub("", m.get("name") or ""))}
            names |= {_norm(orgs.get(o)) for o in m.get("organization") or []}
            items = {
                a["consultation"]: str(a.get("number") or "")
                for a in m.get("agendaItem") or []
                if isinstance(a, dict) and a.get("consultation")
            }
            meetings[m["id"]] = (names - {""}, _date(m.get("start")), items)
    truth: dict[str, Truth] = {}
    with gzip.open(archive / "papers.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            raw = p.get("reference")
            if p.get("deleted") or not raw:
                continue
            t = Truth(normalise_reference(raw) or raw.strip(), p.get("paperType"))
            for c in p.get("consultation") or []:
                names, start, items = meetings.get(c.get("meeting") or "", (set(), None, {}))
                names = names | {_norm(orgs.get(o)) for o in c.get("organization") or []}
                t.consultations.append((names - {""}, start, items.get(c.get("id"))))
            files = p.get("auxiliaryFile") or []
            files = files + ([p["mainFile"]] if isinstance(p.get("mainFile"), dict) else [])
            for file in files:
                if isinstance(file, dict) and file.get("id"):
                    _merge(truth, file["id"], t)
    return truth


def _merge(truth: dict[str, Truth], fid: str, t: Truth) -> None:
    """A file attached to several papers (minutes excerpts) has each paper's truth."""
    if fid not in truth:
        truth[fid] = Truth(t.reference, t.paper_type, list(t.consultations))
        return
    old = truth[fid]
    old.others.append(t.reference)
    old.consultations.extend(t.consultations)


def _sample(archive: Path, truth: dict[str, Truth], size: int, seed: int) -> list[tuple[str, str]]:
    """(file id, text) of the ``size`` files with the smallest seeded hash."""
    heap: list[tuple[int, str, str]] = []
    with gzip.open(archive / "file-texts.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            fid, text = row.get("file"), row.get("text") or ""
            if fid not in truth or len(text.strip()) < 200:
                continue
            h = int.from_bytes(hashlib.sha256(f"{seed}:{fid}".encode()).digest()[:8], "big")
            item = (-h, fid, text)
            if len(heap) < size:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    return sorted((fid, text) for _, fid, text in heap)


def score(sample: list[tuple[str, str]], truth: dict[str, Truth]) -> dict[str, Any]:
    """Shares of right own numbers, Gremien, dates (see the module docstring)."""
    from index.errors import CorpusError
    from index.parse import parse_text

    n = {"files": 0, "with_consultation": 0, "number": 0, "gremium": 0, "date": 0}
    n |= {"gremium_date": 0, "all_three": 0, "number_found": 0, "wrong_number": 0}
    n |= {"modern": 0, "modern_number": 0}
    for fid, text in sample:
        t = truth[fid]
        try:
            docs = parse_text(text, fid.rsplit("/", 1)[-1] + ".txt")
        except CorpusError:
            docs = []
        meta = docs[0].meta if docs else None
        n["files"] += 1
        own = meta.own_numbers[0] if meta and meta.own_numbers else None
        number_ok = own is not None and own in [t.reference, *t.others]
        n["number"] += number_ok
        n["modern"] += t.modern
        n["modern_number"] += t.modern and number_ok
        n["number_found"] += own is not None
        n["wrong_number"] += own is not None and not number_ok
        if not t.consultations:
            continue
        n["with_consultation"] += 1
        gremium = _norm(meta.gremium) if meta else ""
        date = meta.meeting_date if meta else None
        g_ok = any(gremium and gremium in names for names, _, _ in t.consultations)
        d_ok = any(date and date == start for _, start, _ in t.consultations)
        both = any(
            gremium and gremium in names and date == start for names, start, _ in t.consultations
        )
        n["gremium"] += g_ok
        n["date"] += d_ok
        n["gremium_date"] += both
        n["all_three"] += both and number_ok
    files, cons = n["files"] or 1, n["with_consultation"] or 1
    return {
        "files": n["files"],
        "with_consultation": n["with_consultation"],
        "number_right": round(n["number"] / files, 3),
        "number_right_yyyy_nnnn": round(n["modern_number"] / (n["modern"] or 1), 3),
        "papers_yyyy_nnnn": n["modern"],
        "number_found": round(n["number_found"] / files, 3),
        "number_wrong": round(n["wrong_number"] / files, 3),
        "gremium_right": round(n["gremium"] / cons, 3),
        "date_right": round(n["date"] / cons, 3),
        "gremium_and_date_right": round(n["gremium_date"] / cons, 3),
        "all_three_right": round(n["all_three"] / cons, 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=500)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.archive / "papers.jsonl.gz").exists():
        print(f"archive not found at {args.archive} (see SOURCES.md there)", file=sys.stderr)
        return 2
    truth = _load_truth(args.archive)
    sample = _sample(args.archive, truth, args.sample, args.seed)
    result = {"commit": code_version(), "seed": args.seed} | score(sample, truth)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
