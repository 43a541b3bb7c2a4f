"""The answer a user gets: platform-neutral data, rendered by each front end.

Rendering happens at the edges: the CLI and evaluation call
``bot.answer.render`` (plain text, and ``answer_json``, the contract of
``ratsbot ask --json``); chat front ends render the same object their own way.
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
