"""Structure-aware chunks of about 80–250 words, cut from parsed blocks.

A chunk is always a contiguous span of one document's cleaned text, so its
offsets cite the exact characters. Blocks (paragraphs, speaker contributions,
list items) are kept whole and merged while small; a speaker change closes a
chunk once it has its minimum size; blocks above the maximum are cut at
sentence boundaries.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from index.parse import (
    Block,
    BlockKind,
    ChunkDraft,
    ParsedDocument,
    VoiceSpan,
    agenda_item,
    split_sentences,
)

MIN_WORDS = 80
TARGET_WORDS = 180
MAX_WORDS = 250
SPEAKER_MIN_WORDS = 40  # a speaker change closes a chunk that has this many words
CONTEXT_WORDS = 40  # words of the previous chunk embedded with a chunk (not shown)
MAX_CHARS = 4000  # a chunk of MAX_WORDS long words; beyond it a "sentence" is cut
_WORD = re.compile(r"\S+")


def _words(text: str) -> int:
    return len(text.split())


def _pieces(doc: ParsedDocument, block: Block) -> list[Block]:
    """A block, or its sentence-aligned parts when it exceeds MAX_WORDS (or MAX_CHARS).

    A "sentence" longer than a chunk (a file of one word repeated, a table
    without full stops) is cut at word boundaries, so no chunk grows unbounded.
    """
    text = doc.text[block.start : block.end]
    if _words(text) <= MAX_WORDS and len(text) <= MAX_CHARS:
        return [block]
    parts: list[Block] = []
    cur_s = None
    cur_words = 0
    last_e = 0
    for s, e in _capped(text, split_sentences(text)):
        w = _words(text[s:e])
        if cur_s is not None and (cur_words + w > TARGET_WORDS or e - cur_s > MAX_CHARS):
            parts.append(_sub(block, cur_s, last_e))
            cur_s, cur_words = None, 0
        if cur_s is None:
            cur_s = s
        cur_words += w
        last_e = e
    if cur_s is not None:
        parts.append(_sub(block, cur_s, last_e))
    return parts


def _capped(text: str, sentences: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``sentences``, each longer than a chunk cut into TARGET_WORDS-word parts."""
    for s, e in sentences:
        if e - s <= MAX_CHARS and _words(text[s:e]) <= MAX_WORDS:
            yield s, e
            continue
        start, n, last = s, 0, s
        for m in _WORD.finditer(text, s, e):
            if n and (n >= TARGET_WORDS or m.end() - start > MAX_CHARS):
                yield start, last
                start, n = m.start(), 0
            if m.end() - m.start() > MAX_CHARS:  # one "word" of thousands of characters
                for a in range(m.start(), m.end(), MAX_CHARS):
                    yield a, min(a + MAX_CHARS, m.end())
                start, n = m.end(), 0
                continue
            n += 1
            last = m.end()
        if n:
            yield start, last


def _sub(block: Block, s: int, e: int) -> Block:
    return Block(
        block.start + s, block.start + e, block.page, block.kind, block.speaker, block.faction
    )


def chunk_document(doc: ParsedDocument) -> list[ChunkDraft]:
    """Cut ``doc`` into chunks; the header block becomes a chunk of its own."""
    pieces = [p for b in doc.blocks if doc.text[b.start : b.end].strip() for p in _pieces(doc, b)]
    trailing = _trailing_lines(pieces)
    groups: list[list[Block]] = []
    cur: list[Block] = []
    cur_words = 0
    for i, b in enumerate(pieces):
        w = _words(doc.text[b.start : b.end])
        too_long = cur and b.end - cur[0].start > MAX_CHARS  # pieces of one endless word
        if cur and (too_long or (i not in trailing and _must_close(cur, cur_words, b, w))):
            groups.append(cur)
            cur, cur_words = [], 0
        cur.append(b)
        cur_words += w
    if cur:
        groups.append(cur)
    drafts = [_draft(doc, i, g) for i, g in enumerate(groups)]
    for prev, d in itertools.pairwise(drafts):
        d.context = tail([prev.text[a:b] for a, b in prev.sentences], context_words(d.text))
    for d, topic in zip(drafts, _topics(doc, groups), strict=True):
        d.topic = own_item(topic, d.text)
    return drafts


def own_item(item: str, text: str) -> str:
    """The agenda item a chunk carries: none when its text names it already (a header,
    the heading itself); the generator's chunks follow the same rule."""
    return "" if item in text else item


def context_words(text: str) -> int:
    """Enough to say what a passage is about, never enough to drown a short one."""
    return min(CONTEXT_WORDS, max(_words(text) // 2, 8))


def _topics(doc: ParsedDocument, groups: list[list[Block]]) -> list[str]:
    """The agenda item of each chunk: the document's title until a heading opens another.

    Minutes often hold several items ("Tagesordnungspunkt Memorandum …"); a speech in
    the middle of one rarely names its subject, but the question asking for it does.
    """
    current = (doc.meta.title or "").strip()
    out = []
    for g in groups:
        items = [agenda_item(doc.text[b.start : b.end]) for b in g]
        if items[0]:
            current = items[0]
        out.append(current)
        current = next((t for t in reversed(items[1:]) if t), current)
    return out


def _trailing_lines(pieces: list[Block]) -> set[int]:
    """Short heading-like lines that close what precedes them (a letter's sign-off).

    A run of headings directly followed by a new speaker's contribution is not a
    heading of that speech (minutes give speeches no headings) but the end of
    the text before, e.g. "Mit freundlichen Grüßen" / "Christoph Schefers Vorsitzender".
    """
    out: set[int] = set()
    i = 0
    while i < len(pieces):
        if pieces[i].kind is not BlockKind.HEADING or i == 0:
            i += 1
            continue
        j = i
        while j < len(pieces) and pieces[j].kind is BlockKind.HEADING:
            j += 1
        before = pieces[i - 1].kind
        after = pieces[j] if j < len(pieces) else None
        if before in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and (
            after is None or (after.kind is BlockKind.SPEECH and after.speaker)
        ):
            out.update(range(i, j))
        i = j
    return out


def tail(sentences: list[str], words: int = CONTEXT_WORDS) -> str:
    """The last of ``sentences`` (a previous chunk's), up to ``words`` words."""
    out: list[str] = []
    n = 0
    for sent in reversed(sentences):
        n += _words(sent)
        if out and n > words:
            break
        out.insert(0, sent)
        if n > words:
            break
    return " ".join(out)


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
    return not same_voice and cur_words >= SPEAKER_MIN_WORDS


def _draft(doc: ParsedDocument, seq: int, blocks: list[Block]) -> ChunkDraft:
    start, end = blocks[0].start, blocks[-1].end
    text = doc.text[start:end]
    spans = [
        VoiceSpan(b.start - start, b.end - start, b.page, b.speaker, b.faction) for b in blocks
    ]
    sentences: list[list[int]] = []
    for b in blocks:
        for s, e in split_sentences(doc.text[b.start : b.end]):
            sentences.append([b.start - start + s, b.start - start + e])
    voiced = [b for b in blocks if b.speaker]
    main = max(voiced, key=lambda b: b.end - b.start) if voiced else None
    if main is not None and 2 * sum(b.end - b.start for b in voiced) < end - start:
        main = None  # mostly unattributed text (a letter, a motion): name no speaker for it
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
