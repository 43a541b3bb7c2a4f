"""Plain data that flows from parsing to the store.

The parser produces :class:`ParsedDocument` objects; chunking, the store and
retrieval only read them. Chunking (index/ingest/chunking.py) cuts them into
:class:`ChunkDraft` objects, which the store writes. Offsets always point into
``ParsedDocument.text``, the cleaned text, so a citation can be traced back to
the exact characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class BlockKind(StrEnum):
    """What a block of cleaned text is; chunking keeps these units whole."""

    HEADER = "header"  # the document's metadata block (Gremium, dates, TOP, title)
    HEADING = "heading"  # a short title line inside the text
    PARAGRAPH = "paragraph"
    SPEECH = "speech"  # a paragraph attributed to a speaker
    LIST_ITEM = "list_item"  # a numbered or bulleted item
    TABLE = "table"  # flattened table rows


class RefRole(StrEnum):
    """Whether a reference number is the document's own paper or merely mentioned."""

    OWN = "own"
    MENTIONED = "mentioned"


@dataclass(frozen=True)
class Reference:
    """A paper number as written (``raw``) and in canonical form (``number``)."""

    number: str  # canonical: "18828-20", "18828-20-E5", "2025/0657"
    raw: str
    role: RefRole


class VoiceSpan(NamedTuple):
    """Who speaks on which page over ``text[start:end]`` of a chunk (offsets relative to it).

    Stored as a JSON list in ``chunks.spans``; :meth:`of` reads one back.
    """

    start: int
    end: int
    page: int
    speaker: str | None
    faction: str | None

    @classmethod
    def of(cls, row: list | tuple) -> VoiceSpan:
        return cls(*row)

    @property
    def voice(self) -> str | None:
        """ "Herr Zilian (10/FBL)", or None where nobody is named."""
        if not self.speaker:
            return None
        return self.speaker + (f" ({self.faction})" if self.faction else "")


@dataclass(frozen=True)
class Block:
    """A structural unit of the cleaned text: ``text[start:end]``."""

    start: int
    end: int
    page: int
    kind: BlockKind = BlockKind.PARAGRAPH
    speaker: str | None = None  # e.g. "Herr Vogeler"
    faction: str | None = None  # e.g. "CDU-Fraktion" or "10/FBL"


@dataclass
class DocumentMeta:
    """What a council document says about itself; any field may be unknown."""

    gremium: str | None = None
    meeting_date: dt.date | None = None
    session_kind: str | None = None  # "öffentlich" | "nicht öffentlich"
    top: str | None = None  # "4.1.1"
    title: str | None = None
    kind: str | None = None  # Empfehlung, Beschluss, Niederschrift, Anfrage, ...
    created: dt.date | None = None  # "Erstellt am"
    city: str | None = None  # "Dortmund", "Karlsruhe"
    references: list[Reference] = field(default_factory=list)

    @property
    def own_numbers(self) -> list[str]:
        return [r.number for r in self.references if r.role is RefRole.OWN]

    @property
    def mentioned_numbers(self) -> list[str]:
        return [r.number for r in self.references if r.role is RefRole.MENTIONED]

    @property
    def public(self) -> bool:
        return (self.session_kind or "").strip().lower() != "nicht öffentlich"


@dataclass
class ParsedDocument:
    """One council document cut out of a source file and cleaned.

    A file may hold several documents (the seed holds the APOD excerpt and then
    the Rat excerpt); ``part`` numbers them within the file, from 0.
    """

    source_path: str
    part: int
    text: str
    blocks: list[Block]
    meta: DocumentMeta

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def page_at(self, offset: int) -> int:
        """Page of the character at ``offset`` (the page of the enclosing block)."""
        page = 1
        for b in self.blocks:
            if b.start > offset:
                break
            page = b.page
        return page


@dataclass
class ChunkDraft:
    """A chunk before it is stored; ``spans`` are relative to ``start``."""

    seq: int
    start: int
    end: int
    text: str
    page: int
    kind: str
    speaker: str | None
    faction: str | None
    spans: list[VoiceSpan] = field(default_factory=list)
    sentences: list[list[int]] = field(default_factory=list)  # [rs, re]
    context: str = ""  # end of the previous chunk: embedded and indexed with it, not quoted
    topic: str = ""  # the agenda item it belongs to: embedded and indexed with it, not quoted

    @property
    def embed_text(self) -> str:
        """What the models see: the chunk with its agenda item and a little of what came
        before it, so that a passage deep in a debate is still about the debate's subject."""
        return embed_text(self.topic, self.context, self.text)


def embed_text(topic: str, context: str, text: str) -> str:
    """The text that is embedded and BM25-indexed for a chunk (the generator's too)."""
    return "\n".join(p for p in (topic, context, text) if p)
