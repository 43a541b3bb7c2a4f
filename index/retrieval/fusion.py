"""Fusion: one ranking from the channels' scores, quoted copies folded into their original.

The weighted sum of the standardised scores ranks the candidates (weights
chosen on the dev and bench/qa_extra.jsonl questions, on the small corpus and
among 100k generated distractors; see bench/RESULTS.md). BM25 only knows
German words, so an English question gives BM25 less weight. Quoted copies of
earlier minutes are folded into their original so they never take two top
slots. What the channels agree on is kept as evidence for the abstention
decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.retrieval.channels import Ranked
from index.retrieval.filters import Masks, is_allowed
from index.retrieval.snapshot import Snapshot

RRF_K = 20
# metadata votes: a named speaker, a named council's city, a named meeting, a figure about
# what "how many" asks
_VOTES = {"speaker": 1.0, "city": 1.0, "meeting": 1.0, "figure": 1.0}
WEIGHTS = {  # of standardised scores; chosen on the dev and extra questions, small and 100k
    "de": {"dense": 0.5, "sentence": 1.0, "sparse": 0.5, "bm25": 1.5, **_VOTES},
    "en": {"dense": 0.5, "sentence": 1.0, "sparse": 0.5, "bm25": 0.8, **_VOTES},
}


def weights_for(language: str) -> dict[str, float]:
    return WEIGHTS.get(language, WEIGHTS["de"])


@dataclass
class Hit:
    chunk_id: int
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # retriever -> rank (0-based)
    raw: dict[str, float] = field(default_factory=dict)  # retriever -> raw score
    duplicates: list[int] = field(default_factory=list)  # folded-in quoted copies


def fuse(
    snap: Snapshot,
    masks: Masks,
    pool: np.ndarray,
    feats: dict[str, np.ndarray],
    lists: dict[str, Ranked],
    w: dict[str, float],
    depth: int | None = None,
) -> list[Hit]:
    """:func:`fuse_pool` with the quoted-copy links and the filters of a snapshot."""

    def allowed(ids: Sequence[int]) -> set[int]:
        return {c for c in ids if is_allowed(snap, masks, c)}

    return fuse_pool(snap.dup, allowed, pool, feats, lists, w, depth)


def fuse_pool(
    dup: Mapping[int, int],
    allowed: Callable[[Sequence[int]], set[int]],
    pool: np.ndarray,
    feats: dict[str, np.ndarray],
    lists: dict[str, Ranked],
    w: dict[str, float],
    depth: int | None = None,
) -> list[Hit]:
    """The best ``depth`` candidates by the weighted sum of their standardised scores.

    Scores, not ranks: among many similar passages a retriever that is sure (BM25
    far ahead on a rare word) outweighs several that only see "more of the same".
    Standardising over the candidates puts cosines, latent-term and BM25 scores on
    one scale. Quoted copies are folded into their original (best score per
    retriever; ``dup``: copy -> original, at least for the pool's copies).
    ``Hit.score`` is then rank-based, so that the speaker and meeting votes added
    later keep their weight. ``allowed`` tells which of some chunk ids the filters
    allow (every backend asks it of the originals only).
    """
    if len(pool) == 0:
        return []
    ids = pool.tolist()
    orig = [dup.get(c, c) for c in ids]
    # an original the filters exclude does not absorb its copy: the copy stands for itself
    ok = allowed(sorted({o for c, o in zip(ids, orig, strict=True) if o != c}))
    orig = [o if o == c or o in ok else c for c, o in zip(ids, orig, strict=True)]
    keys, group = np.unique(np.asarray(orig, dtype=np.int64), return_inverse=True)
    fused = np.zeros(len(keys))
    raw: dict[str, np.ndarray] = {}
    for name, v in feats.items():
        g = np.full(len(keys), -np.inf)
        np.maximum.at(g, group, v)
        raw[name] = g
        sd = float(g.std())
        if sd > 0:
            fused += w[name] * (g - g.mean()) / sd
    total = sum(w[n] for n in feats)
    order = np.argsort(-fused, kind="stable")[:depth]  # Hit objects only for those kept
    hits = [
        Hit(int(keys[j]), total / (RRF_K + rank + 1), raw={n: float(raw[n][j]) for n in raw})
        for rank, j in enumerate(order)
    ]
    _note_copies_and_ranks(hits, dict(zip(ids, orig, strict=True)), lists)
    return hits


def _note_copies_and_ranks(
    hits: list[Hit], folded: dict[int, int], lists: dict[str, Ranked]
) -> None:
    """Each hit's folded-in copies, and its rank in every channel's own list."""
    by_id = {h.chunk_id: h for h in hits}
    for c, o in folded.items():
        if c != o and o in by_id:
            by_id[o].duplicates.append(c)
    for name, (lids, _sc) in lists.items():
        for rank, c in enumerate(lids.tolist()):
            h = by_id.get(folded.get(c, -1))
            if h is not None and name not in h.ranks:
                h.ranks[name] = rank


def vote(hits: list[Hit], chosen: set[int], name: str, w: dict[str, float]) -> None:
    """A reciprocal-rank vote, in hit order, for the ``chosen`` hits; re-sorts ``hits``."""
    if not chosen:
        return
    for rank, h in enumerate(h for h in hits if h.chunk_id in chosen):
        h.ranks[name] = rank
        h.score += w[name] / (RRF_K + rank + 1)
    hits.sort(key=lambda h: -h.score)


def evidence_of(lists: dict[str, Ranked], hits: list[Hit]) -> dict[str, float]:
    """Features the abstention decision uses: each list's top score and lead, the agreement."""
    ev: dict[str, float] = {}
    for name, (_ids, scores) in lists.items():
        ev[f"{name}_top"] = float(scores[0]) if len(scores) else 0.0
        if len(scores) > 10:
            ev[f"{name}_gap"] = float(scores[0] - np.mean(scores[:50]))
    if hits:
        top = hits[0]
        # the figure and city votes say only that a passage states some figure of the
        # kind asked for, or is of the city named: not evidence that it covers the question
        ev["agree"] = float(
            sum(1 for n, r in top.ranks.items() if r < 5 and n not in ("figure", "city"))
        )
        ev["fused_top"] = top.score
    return ev
