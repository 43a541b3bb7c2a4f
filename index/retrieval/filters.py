"""Which rows a question may search: the audience, the caller's filters, a named paper.

Filters work inside retrieval, before ranking and truncation, so a narrow
filter never leaves a user with fewer than ``k`` results while matching
passages exist, and non-public passages never reach a public user's ranking.
Each segment gets a boolean mask over its rows (``None``: every row), which
every retriever applies. A paper number in the question restricts retrieval
to that paper's own chunks and the chunks that mention it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from index.retrieval.snapshot import Snapshot

Masks = list[np.ndarray | None]  # per segment, the rows allowed (None: every row)


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside retrieval, before ranking and truncation."""

    gremium: str | None = None  # case-insensitive substring
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    drucksache: str | None = None
    public_only: bool = True


class Allowed(NamedTuple):
    """The rows a question may search, and the paper numbers that restricted them."""

    masks: Masks
    references: list[str]
    rows: int  # rows allowed over all segments


def allowed_for(snap: Snapshot, f: Filters, references: Sequence[str]) -> Allowed:
    """The rows ``f`` and the paper numbers the question names allow.

    When the named paper has nothing this audience may see, the question is
    searched as if the number were unknown, so the reply does not reveal that a
    non-public paper exists.
    """
    refs = list(references)
    masks = allowed_rows(snap, f, refs)
    n = count(snap, masks)
    if n == 0 and refs:
        refs = []
        masks = allowed_rows(snap, f, refs)
        n = count(snap, masks)
    return Allowed(masks, refs, n)


def allowed_rows(snap: Snapshot, f: Filters, refs: list[str]) -> Masks:
    """Per segment, the rows the filters and tombstones allow (None: every row)."""
    numbers = [f.drucksache] if f.drucksache else []
    numbers += [n for n in refs if n in snap.mentions or n in snap.papers]
    ok_docs = _documents(snap, f) if f.gremium or f.date_from or f.date_to else None
    empty = np.zeros(0, np.int64)
    chunk_ids = np.concatenate([empty, *(snap.mentions.get(n, empty) for n in numbers)])
    paper_docs = np.concatenate([empty, *(snap.papers.get(n, empty) for n in numbers)])
    masks: Masks = []
    for seg, alive in zip(snap.segments, snap.alive, strict=True):
        mask = None if alive is None else alive.copy()
        # every restriction narrows what the ones before it allowed
        parts: list[np.ndarray] = []
        if f.public_only and not seg.all_public:
            parts.append(seg.public)
        if numbers:
            parts.append(np.isin(seg.ids, chunk_ids) | np.isin(seg.doc_of, paper_docs))
        if ok_docs is not None:
            parts.append(np.isin(seg.doc_of, ok_docs))
        for m in parts:
            mask = m if mask is None else (mask & m)
        masks.append(mask)
    return masks


def _documents(snap: Snapshot, f: Filters) -> np.ndarray:
    """Ids of the documents of the body and the meeting dates ``f`` asks for."""
    return np.array(
        [
            d
            for d, facts in snap.docs.items()
            if (not f.gremium or (facts.gremium or "").lower().find(f.gremium.lower()) >= 0)
            and (not f.date_from or (facts.date and facts.date >= f.date_from))
            and (not f.date_to or (facts.date and facts.date <= f.date_to))
        ],
        dtype=np.int64,
    )


def count(snap: Snapshot, masks: Masks) -> int:
    """Rows allowed over all segments."""
    return sum(
        seg.size if m is None else int(m.sum()) for seg, m in zip(snap.segments, masks, strict=True)
    )


def is_allowed(snap: Snapshot, masks: Masks, chunk_id: int) -> bool:
    """Whether a live chunk's row is allowed."""
    loc = snap.locate(chunk_id)
    if loc is None:
        return False
    m = masks[loc.segment]
    return m is None or bool(m[loc.row])
