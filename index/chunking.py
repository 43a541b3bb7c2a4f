"""Structure-aware chunks of about 80–250 words, cut from parsed blocks.

A chunk is always a contiguous span of one document's cleaned text, so its
offsets cite the exact characters. Blocks (paragraphs, speaker contributions,
list items) are kept whole and merged while small; a speaker change closes a
chunk once it has its minimum size; blocks above the maximum are cut at
sentence boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.model import Block, BlockKind, ParsedDocument
from index.sentences import split_sentences

MIN_WORDS = 80
TARGET_WORDS = 180
MAX_WORDS = 250


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
    spans: list[list] = field(default_factory=list)  # [rs, re, page, speaker, faction]
    sentences: list[list[int]] = field(default_factory=list)  # [rs, re]


def _words(text: str) -> int:
    return len(text.split())


def _pieces(doc: ParsedDocument, block: Block) -> list[Block]:
    """A block, or its sentence-aligned parts when it exceeds MAX_WORDS."""
    text = doc.text[block.start : block.end]
    if _words(text) <= MAX_WORDS:
        return [block]
    parts: list[Block] = []
    cur_s = None
    cur_words = 0
    last_e = 0
    for s, e in split_sentences(text):
        w = _words(text[s:e])
        if cur_s is not None and cur_words + w > TARGET_WORDS:
            parts.append(_sub(block, cur_s, last_e))
            cur_s, cur_words = None, 0
        if cur_s is None:
            cur_s = s
        cur_words += w
        last_e = e
    if cur_s is not None:
        parts.append(_sub(block, cur_s, last_e))
    return parts


def _sub(block: Block, s: int, e: int) -> Block:
    return Block(
        block.start + s, block.start + e, block.page, block.kind, block.speaker, block.faction
    )


def chunk_document(doc: ParsedDocument) -> list[ChunkDraft]:
    """Cut ``doc`` into chunks; the header block becomes a chunk of its own."""
    pieces = [p for b in doc.blocks if doc.text[b.start : b.end].strip() for p in _pieces(doc, b)]
    groups: list[list[Block]] = []
    cur: list[Block] = []
    cur_words = 0
    for b in pieces:
        w = _words(doc.text[b.start : b.end])
        if cur and _must_close(cur, cur_words, b, w):
            groups.append(cur)
            cur, cur_words = [], 0
        cur.append(b)
        cur_words += w
    if cur:
        groups.append(cur)
    return [_draft(doc, i, g) for i, g in enumerate(groups)]


def _must_close(cur: list[Block], cur_words: int, nxt: Block, nxt_words: int) -> bool:
    last = cur[-1]
    if last.kind is BlockKind.HEADER or nxt.kind is BlockKind.HEADER:
        return True
    if cur_words + nxt_words > MAX_WORDS:
        return True
    if last.kind is BlockKind.HEADING:  # a heading belongs to what follows it
        return False
    if cur_words >= TARGET_WORDS:
        return True
    if nxt.kind is BlockKind.HEADING:
        return cur_words >= MIN_WORDS // 2
    same_voice = (nxt.speaker or None) == (last.speaker or None)
    return not same_voice and cur_words >= MIN_WORDS


def _draft(doc: ParsedDocument, seq: int, blocks: list[Block]) -> ChunkDraft:
    start, end = blocks[0].start, blocks[-1].end
    text = doc.text[start:end]
    spans = [[b.start - start, b.end - start, b.page, b.speaker, b.faction] for b in blocks]
    sentences: list[list[int]] = []
    for b in blocks:
        for s, e in split_sentences(doc.text[b.start : b.end]):
            sentences.append([b.start - start + s, b.start - start + e])
    voiced = [b for b in blocks if b.speaker]
    main = max(voiced, key=lambda b: b.end - b.start) if voiced else None
    kinds = {b.kind for b in blocks if b.kind is not BlockKind.HEADING}
    kind = kinds.pop() if len(kinds) == 1 else BlockKind.PARAGRAPH
    return ChunkDraft(
        seq=seq,
        start=start,
        end=end,
        text=text,
        page=blocks[0].page,
        kind=str(kind),
        speaker=main.speaker if main else None,
        faction=main.faction if main else None,
        spans=spans,
        sentences=sentences,
    )
