"""Sentence vectors after the commit: new minutes are answerable before they exist.

Embedding every sentence of a new document costs several times its chunks
(a 60-chunk document has ~400 sentences, ~50 s on two cores), yet retrieval
needs only the chunk vectors to find it. So an ingest commits a document as
soon as its chunks are embedded and records it as *pending*; this module then
embeds the pending documents' sentences into the vector cache and commits that
they are done, which changes their index stamp, so the next snapshot rebuilds
their small segment with the sentence index (max-sim retrieval, quote scores).

Until then the document ranks through the dense, sparse and BM25 retrievers,
and quotes are chosen by the other features. The pending list lives in the
store's state table, written in the same transaction as the documents: a crash
between the two phases leaves it behind, and the next ingest or repair finishes
the work.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from index.embed import Embedder
from index.killpoints import reached
from index.schema import Chunk
from index.store import Store, bump_generation, text_hash

PENDING = "sentences_pending"
EMBED_BATCH = 32


def pending_documents(store: Store, s: Session | None = None) -> set[int]:
    """Documents whose sentence vectors are not embedded yet."""
    raw = store.get_state(PENDING, s)
    return set(json.loads(raw)) if raw else set()


def mark_pending(store: Store, s: Session, doc_ids: set[int]) -> None:
    """Add ``doc_ids`` to the pending list (inside the ingest's transaction)."""
    if doc_ids:
        current = pending_documents(store, s) | doc_ids
        Store.set_state(s, PENDING, json.dumps(sorted(current)))


def _sentence_texts(store: Store, doc_ids: set[int]) -> dict[str, str]:
    texts: dict[str, str] = {}
    ids = sorted(doc_ids)
    with store.session() as s:
        for i in range(0, len(ids), 500):
            q = select(Chunk.text, Chunk.sentences, Chunk.embed_text).where(
                Chunk.document_id.in_(ids[i : i + 500])
            )
            for text, sentences, embed_text in s.execute(q):
                for a, b in sentences or []:
                    sent = text[a:b]
                    if sent != embed_text:
                        texts[text_hash(sent)] = sent
    return texts


def fill_sentences(
    store: Store,
    embedder: Embedder,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed the pending documents' sentences; returns how many texts were embedded."""
    pending = pending_documents(store)
    if not pending:
        return 0
    key = embedder.info.key
    texts = _sentence_texts(store, pending)
    cached = store.cached_hashes(key, list(texts), sparse=embedder.has_sparse)
    todo = [h for h in texts if h not in cached]
    for i in range(0, len(todo), EMBED_BATCH):
        hs = todo[i : i + EMBED_BATCH]
        batch = [texts[h] for h in hs]
        dense = embedder.embed(batch, query=False)
        sparse = embedder.sparse(batch) if embedder.has_sparse else None
        store.put_embeddings(key, hs, dense, sparse)
        reached("sentences")
        if progress:
            progress(i + len(hs), len(todo))
    with store.session() as s:
        still = pending_documents(store, s) - pending  # documents a later run added
        Store.set_state(s, PENDING, json.dumps(sorted(still)))
        bump_generation(s)
    return len(todo)
