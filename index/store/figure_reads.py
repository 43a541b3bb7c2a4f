"""Reading figures back from the store: by topic, kind or passage, newest first.

Only figures of public documents are read, whoever asks (fails closed). How a
figure reads ("38,5 Planstellen", "3 Mio. Euro") is the bot's business
(``bot.knowledge``); this module returns plain data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from index.query import tokenize
from index.store.database import Store, fingerprint
from index.store.knowledge import ensure_knowledge
from index.store.knowledge_tables import Figure
from index.store.paper_timeline import KnowledgeCitation, own_numbers
from index.store.tables import Document


@dataclass(frozen=True)
class FigureItem:
    """A figure with what it is about and where it stands."""

    value: float
    text: str
    unit: str
    kind: str
    about: str
    period: str | None
    paper: str | None
    mentions: tuple[str, ...]
    date: dt.date | None
    speaker: str | None
    citation: KnowledgeCitation


@dataclass
class FigureList:
    """Figures, newest first, for a topic and kind (either may be empty)."""

    topic: str | None
    kind: str | None
    figures: list[FigureItem] = field(default_factory=list)


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


def _on_topic(topic: str | None, f: Figure) -> bool:
    """No topic keeps every figure; a topic of kinds only keeps those kinds."""
    if not topic:
        return True
    by_kind = _kind_match(topic, f)
    if by_kind is not None:
        return by_kind
    return _matches(topic, f"{f.about} {f.unit}", f.sentence)


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
        seen: set[tuple[float, str, str]] = set()
        items: list[FigureItem] = []
        own_cache: dict[int, tuple[str, ...]] = {}
        for f, doc in _public_figures(s, kind, chunk_ids):
            if not _on_topic(topic, f):
                continue
            key = (f.value, f.kind, fingerprint(f.sentence) or f.sentence)
            if key in seen:
                continue
            seen.add(key)
            if doc.id not in own_cache:
                own_cache[doc.id] = own_numbers(s, doc.id)
            items.append(_figure_item(f, doc, own_cache[doc.id]))
    items.sort(key=lambda x: (x.date is not None, x.date or dt.date.min), reverse=True)
    return FigureList(topic, kind, items[:limit] if limit else items)


def _public_figures(
    s: Session, kind: str | None, chunk_ids: Collection[int] | None
) -> Sequence[Row[Figure, Document]]:
    """Figures of public documents with their document, oldest first."""
    q = (
        select(Figure, Document)
        .join(Document, Document.id == Figure.document_id)
        .where(Document.public.is_(True))
    )
    if kind:
        q = q.where(Figure.kind == kind)
    if chunk_ids is not None:
        q = q.where(Figure.chunk_id.in_(sorted(chunk_ids)))
    return s.execute(q.order_by(Figure.date.asc().nulls_last(), Figure.id)).all()


def _figure_item(f: Figure, doc: Document, own: tuple[str, ...]) -> FigureItem:
    cit = KnowledgeCitation(
        own,
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
    return FigureItem(
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
