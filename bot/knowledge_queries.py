"""Reading council knowledge back: a paper's timeline and figures by topic.

A paper's steps come from three places that overlap: the minutes (decision
sentences, ``Abstimmungsergebnis``), the consultation table of the Vorlage and
the OParl consultations. One consultation is one step: sources are merged by
(paper, subject, date, body) and the most authoritative one gives the outcome
and the citation (minutes > OParl > table > the paper's own date line).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge_data import FigureItem, FigureList, KnowledgeCitation, PaperStatus, Step
from index.decisions import Outcome, body_head, classify_result
from index.knowledge import ensure_knowledge
from index.knowledge_schema import (
    Figure,
    OParlAgendaItem,
    OParlConsultation,
    OParlMeeting,
    OParlOrganization,
    OParlPaper,
    PaperStep,
)
from index.lexical import tokenize
from index.references import normalise_reference
from index.schema import Document, Reference
from index.store import Store, fingerprint

_PRIORITY = {"result": 0, "decision": 1, "oparl": 2, "table": 3, "dated": 4}
_WEAK = (Outcome.SCHEDULED, Outcome.UNKNOWN)
_SUFFIX_RE = re.compile(r"^(\d{5}-\d{2})-[A-Z0-9]+$")


def _query_number(query: str) -> str:
    q = " ".join(query.split())
    label = r"^(?:Drs\.?|Drucksache|Vorlage)\s*(?:Nr\.?)?:?\s*"
    return normalise_reference(q) or re.sub(label, "", q, flags=re.I)


def known_numbers(s: Session) -> set[str]:
    nums = set(s.scalars(select(Reference.number).distinct()))
    nums |= set(s.scalars(select(PaperStep.paper).distinct()))
    nums |= {n for n in s.scalars(select(OParlPaper.reference).distinct()) if n}
    return nums


def paper_status(store: Store, query: str) -> PaperStatus:
    """The timeline of the paper ``query`` names (number variants resolve)."""
    ensure_knowledge(store)
    number = _query_number(query)
    with store.session() as s:
        known = known_numbers(s)
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
        own = tuple(
            dict.fromkeys(
                s.scalars(
                    select(Reference.number).where(
                        Reference.document_id == doc.id, Reference.role == "own"
                    )
                )
            )
        )
        cit = KnowledgeCitation(
            own,
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
            meeting = s.get(OParlMeeting, c.meeting_id) if c.meeting_id else None
            item = s.get(OParlAgendaItem, c.agenda_item_id) if c.agenda_item_id else None
            if item is None:
                item = s.scalar(
                    select(OParlAgendaItem).where(OParlAgendaItem.consultation_id == c.id)
                )
            if item is not None and item.public is False:
                continue  # non-public agenda items are never shown, like non-public documents
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
            step = Step(
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
            out.append(("oparl", step))
    return out


def _meeting_gremium(name: str | None) -> str:
    """ "Gemeinderat (öffentlich/nicht öffentlich)" -> "Gemeinderat"."""
    return re.sub(r"\s*\((?:öffentlich|nicht öffentlich)[^)]*\)$", "", name or "")


def _key(step: Step) -> tuple:
    return (step.paper, step.subject or "", step.date, body_head(step.gremium).lower())


def _merge(steps: list[tuple[str, Step]]) -> list[Step]:
    groups: dict[tuple, list[tuple[str, Step]]] = defaultdict(list)
    for src, st in steps:
        groups[_key(st)].append((src, st))
    merged = []
    for group in groups.values():
        group.sort(key=lambda x: _PRIORITY.get(x[0], 9))
        best = group[0][1]
        strong = next((st for _src, st in group if st.outcome not in _WEAK), None)
        fields = {
            "top": best.top or next((st.top for _s, st in group if st.top), None),
            "kind": best.kind or next((st.kind for _s, st in group if st.kind), None),
        }
        if best.outcome in _WEAK and strong is not None:
            fields.update(
                outcome=strong.outcome, stated=strong.stated, target=strong.target, vote=strong.vote
            )
        if best.gremium and len(best.gremium) < max(len(st.gremium) for _s, st in group):
            fields["gremium"] = max((st.gremium for _s, st in group), key=len)
        merged.append(_replace(best, **fields))
    merged.sort(key=lambda st: (st.date is None, st.date or 0, _top_key(st.top)))
    return merged


def _replace(step: Step, **fields: object) -> Step:
    from dataclasses import replace

    return replace(step, **fields)  # type: ignore[arg-type]


def _top_key(top: str | None) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", top or ""))


# -- figures ----------------------------------------------------------------------
# topic words that name a kind of figure: "zahlen stellen" means posts, not "Dienststellen"
KIND_WORDS = {
    "stellen": "stellen",
    "planstellen": "stellen",
    "personal": "stellen",
    "vzä": "stellen",
    "euro": "euro",
    "kosten": "euro",
    "geld": "euro",
    "prozent": "prozent",
    "anzahl": "anzahl",
}
_STELLEN_UNIT = re.compile(r"Stellen|Planstellen|VZÄ|Vollzeit", re.I)


def _kind_match(topic: str, f: Figure) -> bool | None:
    """None unless the topic only names kinds; then: the figure's kind, or a figure
    whose anaphor points to one of that kind ("Die Kosten hierfür" of 38,5 posts)."""
    words = re.findall(r"[\wäöüß]+", topic.lower())
    kinds = {KIND_WORDS.get(w) for w in words}
    if not words or None in kinds:
        return None
    if f.kind in kinds:
        return True
    return "stellen" in kinds and bool(f.context) and bool(_STELLEN_UNIT.search(f.about))


def _matches(topic: str, about: str, sentence: str) -> bool:
    """Every topic word in ``about`` (substring) or as a noun of the sentence.

    Nouns are capitalised words equal to or ending in the word's stem, so
    "stellen" finds "Planstellen" but not "vorstellen".
    """
    nouns = [w.lower() for w in re.findall(r"\b[A-ZÄÖÜ][\wäöüß-]*", sentence)]
    about = about.lower()
    for word in re.findall(r"[\wäöüß-]+", topic.lower()):
        stem = (tokenize(word) or [word])[0]
        if word in about or stem in about:
            continue
        if not any(n == word or n.endswith(stem) for n in nouns):
            return False
    return True


def figures(
    store: Store,
    topic: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    *,
    chunk_ids: Collection[int] | None = None,
) -> FigureList:
    """Figures newest first; a sentence quoted in a later document counts once (oldest).

    ``chunk_ids`` restricts to the figures of those passages (an answer's sources):
    a city's store holds millions of figures, too many to read per question.
    """
    ensure_knowledge(store)
    with store.session() as s:
        q = (
            select(Figure, Document)
            .join(Document, Document.id == Figure.document_id)
            .where(Document.public.is_(True))
        )
        if kind:
            q = q.where(Figure.kind == kind)
        if chunk_ids is not None:
            q = q.where(Figure.chunk_id.in_(sorted(chunk_ids)))
        rows = s.execute(q.order_by(Figure.date.asc().nulls_last(), Figure.id)).all()
        seen: set[tuple] = set()
        items: list[FigureItem] = []
        own_cache: dict[int, tuple[str, ...]] = {}
        for f, doc in rows:
            by_kind = _kind_match(topic, f) if topic else None
            if by_kind is False or (
                topic and by_kind is None and not _matches(topic, f"{f.about} {f.unit}", f.sentence)
            ):
                continue
            key = (f.value, f.kind, fingerprint(f.sentence) or f.sentence)
            if key in seen:
                continue
            seen.add(key)
            if doc.id not in own_cache:
                own_cache[doc.id] = tuple(
                    dict.fromkeys(
                        s.scalars(
                            select(Reference.number).where(
                                Reference.document_id == doc.id, Reference.role == "own"
                            )
                        )
                    )
                )
            cit = KnowledgeCitation(
                own_cache[doc.id],
                doc.gremium,
                doc.meeting_date or doc.created,
                doc.top,
                f.page,
                f.sentence,
                document_id=doc.id,
                chunk_id=f.chunk_id,
                source_path=doc.source_path,
                speaker=f.speaker,
                mentioned=tuple(f.mentions or ()),
            )
            items.append(
                FigureItem(
                    f.value,
                    f.text,
                    f.unit,
                    f.kind,
                    f.about,
                    f.period,
                    f.paper,
                    tuple(f.mentions or ()),
                    f.date,
                    f.speaker,
                    cit,
                )
            )
    items.sort(key=lambda x: (x.date is not None, x.date or 0), reverse=True)
    return FigureList(topic, kind, items[:limit] if limit else items)


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


def papers_by_title(store: Store, words: list[str]) -> list[str]:
    """Papers whose title holds one of these (stemmed) words, best overlap first."""
    if not words:
        return []
    wanted = set(words)
    with store.session() as s:
        titles: dict[str, str] = {}
        for number, title in s.execute(
            select(Reference.number, Document.title)
            .join(Document, Document.id == Reference.document_id)
            .where(Reference.role == "own", Document.title.is_not(None))
        ):
            titles.setdefault(number, title)
        for number, name in s.execute(select(OParlPaper.reference, OParlPaper.name)):
            if number and name:
                titles.setdefault(number, name)
    scored = [(len(wanted & set(tokenize(t))), n) for n, t in titles.items()]
    return [n for score, n in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0]
