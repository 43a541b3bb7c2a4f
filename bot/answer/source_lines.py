"""Sources, and source lines a member can follow: the quoted page, no two lines alike.

A passage is cited at its first page, but the quote taken from it may stand on
the next one; the numbered source line then says the page of the quote, so
"[1] … S. 2" under a quote matches "[1] … S. 2" in the list. Passages of one
agenda item share title, body, date and TOP; when two source lines would read
the same, each gets its speaker or, failing that, its first words.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from bot.answer.model import Citation, Quote, Source
from index.retrieval import SearchResult
from index.store import ChunkView

FIRST_WORDS = 6


def follow_quotes(sources: Sequence[Source], quotes: Sequence[Quote]) -> list[Source]:
    """The sources, each cited at the page of its first quote, told apart where alike."""
    quoted_page: dict[int, int | None] = {}
    for q in quotes:
        quoted_page.setdefault(q.source_rank, q.citation.page)
    out = [
        dataclasses.replace(s, citation=dataclasses.replace(s.citation, page=quoted_page[s.rank]))
        if quoted_page.get(s.rank) not in (None, s.citation.page)
        else s
        for s in sources
    ]
    return told_apart(out)


def told_apart(sources: Sequence[Source]) -> list[Source]:
    """Sources whose lines would read identically get a speaker or their first words."""
    alike: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sources):
        alike[s.heading()].append(i)
    out = list(sources)
    for group in alike.values():
        if len(group) < 2:
            continue
        speakers = {sources[i].speaker for i in group}
        for i in group:
            s = sources[i]
            detail = s.speaker if len(speakers) == len(group) and s.speaker else _opening(s.text)
            out[i] = dataclasses.replace(s, detail=detail)
    return out


def _opening(text: str) -> str:
    words = text.split()
    opening = " ".join(words[:FIRST_WORDS])
    return f"„{opening} …“" if len(words) > FIRST_WORDS else f"„{opening}“"


def source_from_view(v: ChunkView, rank: int, score: float) -> Source:
    """A whole passage as a source, cited at its first page."""
    return Source(
        rank=rank,
        chunk_id=v.id,
        document_id=v.document_id,
        title=v.title or v.source_path,
        citation=Citation(v.own_numbers, v.gremium, v.meeting_date, v.top, v.page),
        speaker=(v.speaker + (f" ({v.faction})" if v.faction else "")) if v.speaker else None,
        text=v.text,
        score=score,
        source_path=v.source_path,
    )


def make_sources(result: SearchResult, views: dict[int, ChunkView], k: int) -> list[Source]:
    sources: list[Source] = []
    for h in result.hits:
        v = views.get(h.chunk_id)
        if v is None:
            continue
        sources.append(source_from_view(v, len(sources) + 1, h.score))
        if len(sources) >= k:
            break
    return sources
