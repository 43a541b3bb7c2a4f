"""Reading a paper's timeline back from the store, and the paper numbers it knows.

A paper's steps come from three places that overlap: the minutes (decision
sentences, ``Abstimmungsergebnis``), the consultation table of the Vorlage and
the OParl consultations. One consultation is one step: sources are merged by
(paper, subject, date, body) and the most authoritative one gives the outcome
and the citation (minutes > OParl > table > the paper's own date line).

The dataclasses are plain data; how a step or a citation reads in German or
English is the bot's business (``bot.knowledge``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import weakref
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from index.facts import Outcome, body_head, classify_result, normalise_reference
from index.query import tokenize
from index.store.database import Store
from index.store.knowledge import ensure_knowledge
from index.store.knowledge_tables import (
    OParlAgendaItem,
    OParlConsultation,
    OParlMeeting,
    OParlOrganization,
    OParlPaper,
    PaperStep,
)
from index.store.tables import Document, Reference


@dataclass(frozen=True)
class KnowledgeCitation:
    """Where a fact stands: a document passage, or an OParl object (``url``)."""

    drucksachen: tuple[str, ...]
    gremium: str | None
    date: dt.date | None
    top: str | None
    page: int | None
    text: str
    document_id: int | None = None
    chunk_id: int | None = None
    source_path: str | None = None
    speaker: str | None = None
    mentioned: tuple[str, ...] = ()
    url: str | None = None  # OParl id of the agenda item / consultation


@dataclass(frozen=True)
class Step:
    """One consultation of a paper, with its outcome and the citation that states it."""

    date: dt.date | None
    gremium: str
    top: str | None
    kind: str | None
    outcome: Outcome
    detail: str
    citation: KnowledgeCitation
    target: str | None = None
    vote: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None  # e.g. a motion dealt with under the paper
    paper: str | None = None
    stated: str | None = None  # the result as the source words it ("einstimmig zugestimmt")


@dataclass
class PaperStatus:
    """A paper's path through the bodies, oldest step first; or "not found"."""

    query: str
    paper: str | None
    found: bool
    title: str | None = None
    date: dt.date | None = None
    paper_type: str | None = None
    related: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    closest: list[str] = field(default_factory=list)


_PRIORITY = {"result": 0, "decision": 1, "oparl": 2, "table": 3, "dated": 4}
_WEAK = (Outcome.SCHEDULED, Outcome.UNKNOWN)
_SUFFIX_RE = re.compile(r"^(\d{5}-\d{2})-[A-Z0-9]+$")


def _query_number(query: str) -> str:
    q = " ".join(query.split())
    label = r"^(?:Drs\.?|Drucksache|Vorlage)\s*(?:Nr\.?)?:?\s*"
    return normalise_reference(q) or re.sub(label, "", q, flags=re.I)


def _known_numbers(s: Session) -> set[str]:
    nums = set(s.scalars(select(Reference.number).distinct()))
    nums |= set(s.scalars(select(PaperStep.paper).distinct()))
    nums |= {n for n in s.scalars(select(OParlPaper.reference).distinct()) if n}
    return nums


def oparl_numbers(store: Store) -> set[str]:
    """Paper numbers of the OParl papers (OParl objects are public data)."""
    with store.session() as s:
        return {n for n in s.scalars(select(OParlPaper.reference)) if n}


def own_numbers(s: Session, doc_id: int) -> tuple[str, ...]:
    """The paper numbers a document is about (its own, not the ones it mentions)."""
    query = select(Reference.number).where(Reference.document_id == doc_id, Reference.role == "own")
    return tuple(dict.fromkeys(s.scalars(query)))


def paper_status(store: Store, query: str) -> PaperStatus:
    """The timeline of the paper ``query`` names (number variants resolve)."""
    ensure_knowledge(store)
    number = _query_number(query)
    with store.session() as s:
        known = _known_numbers(s)
        if number not in known:
            close = difflib.get_close_matches(number, sorted(known), n=3, cutoff=0.5)
            return PaperStatus(query, None, False, closest=close)
        base = m[1] if (m := _SUFFIX_RE.match(number)) else number
        family = sorted(n for n in known if n == base or n.startswith(base + "-"))
        status = PaperStatus(query, number, True, related=[n for n in family if n != number])
        steps = _text_steps(s, family) + _oparl_steps(s, family, status)
        status.steps = _merge(steps)
        if status.title is None:
            status.title = s.scalar(
                select(Document.title)
                .join(Reference, Reference.document_id == Document.id)
                .where(Reference.number == number, Reference.role == "own")
                .order_by(Document.meeting_date)
                .limit(1)
            )
        if status.date is None:
            status.date = next(
                (st.date for st in status.steps if st.outcome is Outcome.SUBMITTED), None
            )
        return status


def _text_steps(s: Session, numbers: list[str]) -> list[tuple[str, Step]]:
    rows = s.execute(
        select(PaperStep, Document)
        .join(Document, Document.id == PaperStep.document_id)
        .where(PaperStep.paper.in_(numbers), Document.public.is_(True))
    ).all()
    out = []
    for st, doc in rows:
        cit = KnowledgeCitation(
            own_numbers(s, doc.id),
            doc.gremium,
            doc.meeting_date,
            doc.top,
            st.page,
            st.sentence,
            document_id=doc.id,
            chunk_id=st.chunk_id,
            source_path=doc.source_path,
        )
        stated = st.detail.split(" – ")[0] if st.source in ("result", "table") else None
        if stated and classify_result(stated).outcome.value != st.outcome:
            stated = None  # "Keine Abstimmung" for a Kenntnisnahme: say what happened
        step = Step(
            st.date,
            st.gremium,
            st.top,
            st.kind,
            Outcome(st.outcome),
            st.detail,
            cit,
            st.target,
            dict(st.vote or {}),
            st.subject,
            st.paper,
            stated or None,
        )
        out.append((st.source, step))
    return out


def _oparl_steps(s: Session, numbers: list[str], status: PaperStatus) -> list[tuple[str, Step]]:
    papers = s.scalars(select(OParlPaper).where(OParlPaper.reference.in_(numbers))).all()
    out: list[tuple[str, Step]] = []
    for p in papers:
        if p.reference == status.paper:
            status.title, status.date, status.paper_type = p.name, p.date, p.paper_type
        for c in s.scalars(select(OParlConsultation).where(OParlConsultation.paper_id == p.id)):
            step = _consultation_step(s, p, c)
            if step is not None:
                out.append(("oparl", step))
    return out


def _consultation_step(s: Session, p: OParlPaper, c: OParlConsultation) -> Step | None:
    """One OParl consultation as a step; None for a non-public agenda item."""
    meeting = s.get(OParlMeeting, c.meeting_id) if c.meeting_id else None
    item = s.get(OParlAgendaItem, c.agenda_item_id) if c.agenda_item_id else None
    if item is None:
        item = s.scalar(select(OParlAgendaItem).where(OParlAgendaItem.consultation_id == c.id))
    if item is not None and item.public is False:
        return None  # non-public agenda items are never shown, like non-public documents
    gremium = _meeting_gremium(meeting.name) if meeting else ""
    if not gremium and c.organizations:
        org = s.get(OParlOrganization, c.organizations[0])
        gremium = (org.name or "") if org else ""
    stated = item.result if item and item.result else None
    result = classify_result(stated) if stated else None
    outcome = result.outcome if result else Outcome.SCHEDULED
    cit = KnowledgeCitation(
        (p.reference,) if p.reference else (),
        gremium or None,
        meeting.start if meeting else None,
        item.number if item else None,
        None,
        stated or (item.name if item and item.name else ""),
        url=(item.id if item else c.id),
    )
    return Step(
        meeting.start if meeting else None,
        gremium,
        item.number if item else None,
        c.role,
        outcome,
        (item.resolution_text or stated or "") if item else "",
        cit,
        result.target if result else None,
        dict(result.vote) if result else {},
        None,
        p.reference,
        stated,
    )


def _meeting_gremium(name: str | None) -> str:
    """ "Gemeinderat (öffentlich/nicht öffentlich)" -> "Gemeinderat"."""
    return re.sub(r"\s*\((?:öffentlich|nicht öffentlich)[^)]*\)$", "", name or "")


def _key(step: Step) -> tuple[str | None, str, dt.date | None, str]:
    return (step.paper, step.subject or "", step.date, body_head(step.gremium).lower())


def _merge(steps: list[tuple[str, Step]]) -> list[Step]:
    groups: dict[tuple[str | None, str, dt.date | None, str], list[tuple[str, Step]]]
    groups = defaultdict(list)
    for src, st in steps:
        groups[_key(st)].append((src, st))
    merged = []
    for group in groups.values():
        group.sort(key=lambda x: _PRIORITY.get(x[0], 9))
        best = group[0][1]
        strong = next((st for _src, st in group if st.outcome not in _WEAK), None)
        fields: dict[str, Any] = {
            "top": best.top or next((st.top for _s, st in group if st.top), None),
            "kind": best.kind or next((st.kind for _s, st in group if st.kind), None),
        }
        if best.outcome in _WEAK and strong is not None:
            fields.update(
                outcome=strong.outcome, stated=strong.stated, target=strong.target, vote=strong.vote
            )
        if best.gremium and len(best.gremium) < max(len(st.gremium) for _s, st in group):
            fields["gremium"] = max((st.gremium for _s, st in group), key=len)
        merged.append(replace(best, **fields))
    merged.sort(key=lambda st: (st.date is None, st.date or dt.date.min, _top_key(st.top)))
    return merged


def _top_key(top: str | None) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", top or ""))


def papers_for_documents(store: Store, doc_ids: list[int]) -> list[str]:
    """Own paper numbers of these documents, in the given order (for topic questions)."""
    out: list[str] = []
    with store.session() as s:
        for doc_id in doc_ids:
            for n in s.scalars(
                select(Reference.number).where(
                    Reference.document_id == doc_id,
                    Reference.role == "own",
                    Reference.chunk_id.is_(None),
                )
            ):
                if n not in out:
                    out.append(n)
    return out


def _paper_titles(s: Session) -> dict[str, str]:
    """Every known paper number with its title (from its own document, else OParl)."""
    titles: dict[str, str] = {}
    for number, title in s.execute(
        select(Reference.number, Document.title)
        .join(Document, Document.id == Reference.document_id)
        .where(Reference.role == "own", Document.title.is_not(None))
    ):
        titles.setdefault(number, title or "")
    for reference, name in s.execute(select(OParlPaper.reference, OParlPaper.name)):
        if reference and name:
            titles.setdefault(reference, name)
    return titles


# per store: (generation, OParl paper count) -> each paper's title words
_TITLE_WORDS: weakref.WeakKeyDictionary[Store, tuple[tuple[int, int], dict[str, frozenset[str]]]]
_TITLE_WORDS = weakref.WeakKeyDictionary()


def paper_title_words(store: Store) -> dict[str, frozenset[str]]:
    """Every known paper number with the stemmed words of its title.

    Read and stemmed once per store generation (documents change it) and OParl paper
    count (a sync adds papers before their files; a paper renamed in OParl shows its
    new name from the next generation on): an archive's 14,000 titles take 0.16 s to
    stem, too long to repeat for every status or decision question."""
    with store.session() as s:
        key = (store.generation(), s.scalar(select(func.count()).select_from(OParlPaper)) or 0)
        cached = _TITLE_WORDS.get(store)
        if cached is not None and cached[0] == key:
            return cached[1]
        words = {n: frozenset(tokenize(t)) for n, t in _paper_titles(s).items()}
    _TITLE_WORDS[store] = (key, words)
    return words


def papers_by_title(store: Store, words: list[str]) -> list[tuple[str, int]]:
    """Papers whose title holds one of these (stemmed) words, with how many of them it
    holds, best overlap first."""
    if not words:
        return []
    wanted = set(words)
    scored = [(len(wanted & t), n) for n, t in paper_title_words(store).items()]
    return [(n, score) for score, n in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0]
