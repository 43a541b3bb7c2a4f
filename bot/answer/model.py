"""The answer a user gets: platform-neutral data, rendered by each front end.

``Answer.to_json()`` is the contract of ``ratsbot ask --json`` that tests and
evaluation rely on; chat front ends render the same object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from: enough to find the page in the paper."""

    drucksachen: tuple[str, ...]  # the document's own paper numbers
    gremium: str | None
    date: dt.date | None
    top: str | None
    page: int | None
    mentioned: tuple[str, ...] = ()  # paper numbers named in the quoted sentence itself

    @property
    def numbers(self) -> list[str]:
        return list(dict.fromkeys((*self.drucksachen, *self.mentioned)))

    def format(self) -> str:
        """``Drs. 18828-20 · Ausschuss … · 03.12.2020 · TOP 4.1.1 · S. 2``."""
        parts: list[str] = []
        if self.drucksachen:
            parts.append(paper_label(self.drucksachen))
        if self.gremium:
            parts.append(self.gremium)
        if self.date:
            parts.append(self.date.strftime("%d.%m.%Y"))
        if self.top:
            parts.append(f"TOP {self.top}")
        if self.page:
            parts.append(f"S. {self.page}")
        extra = [n for n in self.mentioned if n not in self.drucksachen]
        if extra:
            parts.append("zu " + paper_label(tuple(extra)))
        return " · ".join(parts)


def paper_label(numbers: tuple[str, ...]) -> str:
    """Karlsruhe writes "Vorlage 2025/0657", Dortmund "Drs. 18828-20"."""
    word = "Vorlage" if all("/" in n for n in numbers) else "Drs."
    return f"{word} " + ", ".join(numbers)


@dataclass(frozen=True)
class Source:
    """A retrieved passage (a whole chunk) with its document's metadata."""

    rank: int
    chunk_id: int
    document_id: int
    title: str
    citation: Citation
    speaker: str | None
    text: str
    score: float
    source_path: str | None = None
    detail: str | None = None  # tells apart sources whose citations read the same

    def heading(self) -> str:
        """``title · citation``, plus the detail when another source reads the same."""
        line = f"{self.title} · {self.citation.format()}"
        return f"{line} · {self.detail}" if self.detail else line

    def to_json(self) -> dict[str, Any]:
        c = self.citation
        return {
            "rank": self.rank,
            "chunk_id": self.chunk_id,
            "document_id": self.document_id,
            "title": self.title,
            "drucksachen": c.numbers,
            "gremium": c.gremium,
            "date": c.date.isoformat() if c.date else None,
            "top": c.top,
            "page": c.page,
            "speaker": self.speaker,
            "text": self.text,
            "score": round(float(self.score), 6),
            "citation": c.format(),
        }


@dataclass(frozen=True)
class Quote:
    """One verbatim sentence (or two adjacent ones) from a source."""

    text: str
    speaker: str | None
    citation: Citation
    source_rank: int


@dataclass
class Answer:
    """A grounded answer, or an abstention with the closest documents."""

    question: str
    language: str  # "de" | "en"
    abstained: bool
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notice: str | None = None  # e.g. the no-answer message or "question truncated"
    evidence: Any = None  # bot.answer.abstain.Evidence: why it answered or abstained

    @property
    def text(self) -> str:
        """The plain-text answer: quotes with their citations, or the notice."""
        from bot.answer.render import render_plain

        return render_plain(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "language": self.language,
            "abstained": self.abstained,
            "answer": self.text,
            "quotes": [
                {
                    "text": q.text,
                    "speaker": q.speaker,
                    "citation": q.citation.format(),
                    "source_rank": q.source_rank,
                }
                for q in self.quotes
            ],
            "sources": [s.to_json() for s in self.sources],
            "evidence": self.evidence.as_dict() if self.evidence is not None else None,
        }
