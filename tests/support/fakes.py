"""A fake ``RatsbotService``: canned answers, recorded calls, no index.

Front-end tests build on this instead of the real engine, so they are fast,
exact and independent of retrieval quality. Behaviour is switched with plain
attributes (``delay``, ``fail_with``, ``long_answer``), not mocks.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer.model import Answer, Citation, Quote, Source
from bot.audience import Audience
from index.store.reports import DocumentInfo, FileFailure, IngestReport, Stats

SOURCE_PATH = "dortmund_18828-20_masterplan.txt"
CITATION = Citation(
    drucksachen=("18828-20",),
    gremium="Ausschuss für Personal, Organisation und Digitalisierung",
    date=dt.date(2020, 12, 3),
    top="4.1.1",
    page=2,
    mentioned=("19027-20",),
)
QUOTE = (
    "Die Verwaltung wird beauftragt, 38,5 weitere Planstellen für die Digitalisierung "
    "einzureichen <sofort> & ohne Verzug."
)


def make_source(rank: int, text: str = QUOTE, document_id: int = 1) -> Source:
    return Source(
        rank=rank,
        chunk_id=100 + rank,
        document_id=document_id,
        title="Masterplan „Digitale Verwaltung - Arbeiten 4.0“",
        citation=CITATION,
        speaker="Herr Vogeler (SPD)" if rank == 1 else None,
        text=f"Abschnitt {rank}: {text}",
        score=1.0 / rank,
        source_path=SOURCE_PATH,
    )


def make_document(doc_id: int = 1, title: str = "Masterplan Digitale Verwaltung") -> DocumentInfo:
    return DocumentInfo(
        id=doc_id,
        key=f"{SOURCE_PATH}#1",
        source_path=SOURCE_PATH,
        title=title,
        gremium=CITATION.gremium,
        meeting_date=CITATION.date,
        session_kind="öffentlich",
        top="4.1.1",
        kind="Beschluss",
        created=dt.date(2020, 12, 10),
        city="Dortmund",
        own_numbers=("18828-20",),
        mentioned_numbers=("19027-20",),
        chunk_count=29,
    )


@dataclass
class FakeService:
    """Answers questions containing "Planstellen"; abstains otherwise."""

    delay: float = 0.0
    fail_with: Exception | None = None
    long_answer: bool = False
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)  # of every read call, in order
    ingested: list[list[Path]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    reindexed: int = 0
    threads: set[str] = field(default_factory=set)
    release: threading.Event | None = None  # set to block ask() until released

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        language: str | None = None,
        audience: Audience = Audience.PUBLIC,
    ) -> Answer:
        self.threads.add(threading.current_thread().name)
        self.asked.append((question, language))
        self.audiences.append(audience)
        if self.release is not None:
            self.release.wait(10)
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with is not None:
            raise self.fail_with
        lang = language or "de"
        if "Planstellen" not in question and not self.long_answer:
            return Answer(question, lang, abstained=True, sources=[make_source(1)])
        n = 40 if self.long_answer else 2
        text = QUOTE * (3 if self.long_answer else 1)
        sources = [make_source(i + 1, text) for i in range(min(n, 5))]
        quotes = [Quote(text, "Herr Vogeler" if i == 0 else None, CITATION, 1) for i in range(n)]
        return Answer(question, lang, abstained=False, quotes=quotes, sources=sources)

    def ingest(self, paths: list[Path]) -> IngestReport:
        self.ingested.append(list(paths))
        if any(p.read_bytes().startswith(b"%PDF-broken") for p in paths):
            return IngestReport(failed=[FileFailure(str(paths[0]), "no text <layer> found")])
        return IngestReport(added=[f"{p.name}#1" for p in paths], new_document_ids=[7])

    def reindex(self) -> IngestReport:
        self.reindexed += 1
        return IngestReport(added=["a#1"], changed=["b#1"], unchanged=["c#1", "d#1"], seconds=1.5)

    def documents(
        self, limit: int | None = None, *, audience: Audience = Audience.PUBLIC
    ) -> list[DocumentInfo]:
        self.audiences.append(audience)
        return [make_document(2, "Rat <Beschluss>"), make_document(1)][:limit]

    def document(self, doc_id: int, *, audience: Audience = Audience.PUBLIC) -> DocumentInfo | None:
        self.audiences.append(audience)
        return make_document(doc_id) if doc_id in (1, 2, 7) else None

    def remove(self, doc_id: int) -> bool:
        self.removed.append(doc_id)
        return doc_id in (1, 2)

    def stats(self, *, audience: Audience = Audience.PUBLIC) -> Stats:
        self.audiences.append(audience)
        return Stats(2, 53, 23, 2, 19, 53, dt.date(2020, 12, 17), "fake@1/64")
