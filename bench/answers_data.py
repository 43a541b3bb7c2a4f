"""Question files and the documents they need, for ``python -m bench.answers``.

Three document sets, named after the corpus each question belongs to:

* ``dortmund``: the bundled ``corpus/`` folder;
* ``karlsruhe-19``: the 19 Karlsruhe papers in ``../shared/realdocs/ka_*.txt``;
* ``karlsruhe-anfragen``: for each sampled Anfrage pair the two archive files it
  names (full text, from ``karlsruhe-archive/file-texts.jsonl.gz``) and the
  paper's OParl object (as ``.json``, the ingest imports it as structured facts).

Distractors are other archive files, drawn with a seeded random sample from
papers that no Anfrage pair and none of the 19 papers belong to, each cut to
``cap`` characters to keep ingest time sane on two cores.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REALDOCS = SHARED / "realdocs"
ARCHIVE = REALDOCS / "karlsruhe-archive"
ANFRAGEN_QA = SHARED / "eval" / "ka_anfragen_dev_qa.jsonl"
DORTMUND = "dortmund"
KA19 = "karlsruhe-19"
ANFRAGEN = "karlsruhe-anfragen"
UNANSWERABLE_KINDS = frozenset({"abstain", "off-topic", "off-topic-unloaded"})


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def answerable(q: dict[str, Any]) -> bool:
    return q.get("kind") not in UNANSWERABLE_KINDS and bool(q.get("evidence"))


def corpus_of(q: dict[str, Any]) -> str:
    """The corpus a question is about; older files say it through ``doc``/``cite``."""
    if q.get("corpus"):
        return str(q["corpus"])
    if q.get("files"):
        return ANFRAGEN
    doc, cite = str(q.get("doc") or ""), str(q.get("cite") or "")
    if doc.startswith("ka_") or "/" in cite:
        return KA19
    if doc == "seed" or re.fullmatch(r"\d+-\d+", cite):
        return DORTMUND
    text = q["question"].lower()
    if "karlsruhe" in text:
        return KA19
    if "dortmund" in text:
        return DORTMUND
    return "any" if not answerable(q) else KA19  # answerable without a number: Karlsruhe's


@dataclass
class QuestionSet:
    """The questions of one run and the document sets they need."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # input file names, for the report

    @property
    def corpora(self) -> set[str]:
        return {corpus_of(q) for q in self.questions}


def sample_anfragen(
    rows: list[dict[str, Any]], k: int | None, seed: int, per_paper: int
) -> list[dict[str, Any]]:
    """``k`` pairs drawn paper by paper (at most ``per_paper`` from each), seeded.

    Drawing whole papers keeps the number of files to ingest near ``2·k/per_paper``
    instead of ``2·k``, while still spreading the sample over many papers.
    """
    if k is None or k >= len(rows):
        return rows
    rng = random.Random(seed)
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_paper.setdefault(r["paper"], []).append(r)
    papers = sorted(by_paper)
    rng.shuffle(papers)
    out: list[dict[str, Any]] = []
    for p in papers:
        pairs = list(by_paper[p])
        rng.shuffle(pairs)
        out.extend(pairs[: max(1, per_paper)][: k - len(out)])
        if len(out) >= k:
            break
    return out


def unloaded_offtopic(
    rows: list[dict[str, Any]], loaded_papers: set[str], m: int, seed: int
) -> list[dict[str, Any]]:
    """``m`` Anfragen questions whose papers are not loaded: the answer is not there."""
    pool = [r for r in rows if r["paper"] not in loaded_papers]
    picked = random.Random(seed + 1).sample(pool, min(m, len(pool)))
    out = []
    for r in picked:
        q = dict(r, kind="off-topic-unloaded", evidence=[], corpus=ANFRAGEN)
        q["id"] = f"u-{r['id']}"
        out.append(q)
    return out


def archive_lines(archive: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(archive / "file-texts.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def archive_papers(archive: Path) -> list[dict[str, Any]]:
    with gzip.open(archive / "papers.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def paper_files(paper: dict[str, Any]) -> list[str]:
    main = [paper["mainFile"]] if isinstance(paper.get("mainFile"), dict) else []
    return [f["id"] for f in main + list(paper.get("auxiliaryFile") or []) if "id" in f]


@dataclass
class ArchivePick:
    """What a run takes from the archive: answer files, papers, distractor files."""

    answer_files: set[str] = field(default_factory=set)
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> OParl Paper
    distractor_files: list[str] = field(default_factory=list)
    paper_of: dict[str, dict[str, Any]] = field(default_factory=dict)  # file id -> its Paper

    def add_papers(self, papers: Iterable[dict[str, Any]]) -> None:
        """Remember which paper each file belongs to, for its OParl sidecar."""
        for paper in papers:
            self.paper_of.update((fid, paper) for fid in paper_files(paper))


def pick_archive(
    archive: Path,
    questions: Iterable[dict[str, Any]],
    all_anfragen: list[dict[str, Any]],
    distractors: int,
    seed: int,
) -> ArchivePick:
    """The archive files the questions name, and a seeded sample of unrelated files."""
    pick = ArchivePick()
    wanted_papers = set()
    for q in questions:
        if corpus_of(q) == ANFRAGEN and answerable(q):
            pick.answer_files.update(q["files"])
            wanted_papers.add(q["paper"])
    papers = archive_papers(archive) if (wanted_papers or distractors) else []
    pick.papers = {p["id"]: p for p in papers if p["id"] in wanted_papers}
    pick.add_papers(pick.papers.values())
    if distractors <= 0:
        return pick
    ka19 = {f.name[3:12].replace("-", "/") for f in REALDOCS.glob("ka_*.txt")}
    banned_refs = {r["cite"] for r in all_anfragen} | ka19
    banned_files = {
        fid for p in papers if p.get("reference") in banned_refs for fid in paper_files(p)
    }
    banned_files |= {fid for r in all_anfragen for fid in r["files"]}
    pool = sorted(
        fid for p in papers if p.get("reference") not in banned_refs for fid in paper_files(p)
    )
    pool = [f for f in pool if f not in banned_files]
    rng = random.Random(seed)
    rng.shuffle(pool)
    pick.distractor_files = pool[: distractors * 2]  # spares for empty texts, trimmed later
    spare = set(pick.distractor_files)
    pick.add_papers(p for p in papers if spare.intersection(paper_files(p)))
    return pick


def file_stem(file_id: str) -> str:
    return "ka-archive_" + file_id.rstrip("/").rsplit("/", 1)[-1]


def write_archive_files(
    archive: Path, pick: ArchivePick, corpus: Path, distractors: int, cap: int
) -> dict[str, int]:
    """Write answer files in full and ``distractors`` non-empty distractor files cut to
    ``cap``, each with its paper as an OParl sidecar (``X.oparl.json``), as a city's
    OParl sync lays them down: ingest reads number, body, date and title from it."""
    spare = set(pick.distractor_files)
    texts: dict[str, str] = {}
    for line in archive_lines(archive):
        fid = line["file"]
        if fid in pick.answer_files or fid in spare:
            texts[fid] = line.get("text") or ""
    (corpus / "anfragen").mkdir(parents=True, exist_ok=True)
    written = {"answer_files": 0, "distractors": 0}
    described: set[str] = set()
    for fid in sorted(pick.answer_files):
        if texts.get(fid, "").strip():
            _write_file(corpus / "anfragen", fid, texts[fid], pick.paper_of.get(fid), described)
            written["answer_files"] += 1
    if distractors:
        (corpus / "distractors").mkdir(exist_ok=True)
    for fid in pick.distractor_files:
        text = texts.get(fid, "")
        if written["distractors"] >= distractors or len(text.strip()) < 200:
            continue
        _write_file(corpus / "distractors", fid, text[:cap], pick.paper_of.get(fid), described)
        written["distractors"] += 1
    written["oparl_papers"] = len(described)
    return written


def _write_file(
    folder: Path, fid: str, text: str, paper: dict[str, Any] | None, described: set[str]
) -> None:
    (folder / f"{file_stem(fid)}.txt").write_text(text, "utf-8")
    if paper is not None:
        sidecar = folder / f"{file_stem(fid)}.oparl.json"
        sidecar.write_text(json.dumps(paper, ensure_ascii=False), "utf-8")
        described.add(paper["id"])


def copy_fixed_sets(corpora: set[str], corpus: Path) -> None:
    """The bundled Dortmund corpus and the 19 Karlsruhe papers, when questions need them."""
    if DORTMUND in corpora:
        shutil.copytree(REPO / "corpus", corpus / DORTMUND, dirs_exist_ok=True)
    if KA19 in corpora:
        (corpus / KA19).mkdir(parents=True, exist_ok=True)
        for f in sorted(REALDOCS.glob("ka_*.txt")):
            shutil.copy(f, corpus / KA19 / f.name)


def code_version() -> str:
    """Hash of the index and answer code: a cached data dir is only reused by the same code."""
    h = hashlib.sha256()
    for root in ("index", "bot/answer"):
        for f in sorted((REPO / root).rglob("*.py")):
            h.update(f.relative_to(REPO).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def set_key(parts: dict[str, Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
