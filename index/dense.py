"""Dense vectors in FAISS, keyed by the store's chunk ids.

``IndexIDMap2`` over an inner-product index of L2-normalised vectors gives
cosine similarity, and the SQL primary key is the FAISS id, so no id map lives
beside the index. Filters (audience, Gremium, dates, paper) are applied inside
the search with an ``IDSelector``, before ranking and truncation.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index, dim: int) -> None:
        self.index = index
        self.dim = dim

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, dim: int) -> DenseIndex:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if len(ids):
            index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )
        return cls(index, dim)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores); ``allowed`` restricts to those chunk ids."""
        if self.size == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, self.size)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParameters(sel=sel)
        scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        index = faiss.read_index(str(path))
        return cls(index, index.d)


class SentenceIndex:
    """Every sentence's vector, mapped to its chunk: a passage scores by its best sentence.

    Short factual questions match one sentence far better than a 200-word
    passage that also talks about other things; ranking chunks by their best
    sentence ("max-sim") lifted hit@1 and MRR on the evaluation questions. It
    costs one vector per sentence, so very large corpora may switch it off.
    """

    def __init__(self, dense: DenseIndex, chunk_of: np.ndarray) -> None:
        self.dense = dense
        self.chunk_of = chunk_of

    @classmethod
    def build(cls, chunk_of: np.ndarray, vectors: np.ndarray, dim: int) -> SentenceIndex:
        positions = np.arange(len(chunk_of), dtype=np.int64)
        return cls(DenseIndex.build(positions, vectors, dim), np.asarray(chunk_of, np.int64))

    def chunk_ranking(
        self, query: np.ndarray, pool: int, allowed_chunks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Chunks in order of their best sentence: (chunk ids, best sentence scores)."""
        allowed = None
        if allowed_chunks is not None:
            allowed = np.flatnonzero(np.isin(self.chunk_of, allowed_chunks))
        pos, scores = self.dense.search(query, pool * 4, allowed)
        chunks = self.chunk_of[pos]
        _, first = np.unique(chunks, return_index=True)
        first.sort()
        return chunks[first][:pool], scores[first][:pool]

    def save(self, folder: Path) -> None:
        self.dense.save(folder / "sentences.faiss")
        np.save(folder / "sentence_chunks.npy", self.chunk_of)

    @classmethod
    def load(cls, folder: Path) -> SentenceIndex | None:
        if not (folder / "sentences.faiss").exists():
            return None
        return cls(
            DenseIndex.load(folder / "sentences.faiss"), np.load(folder / "sentence_chunks.npy")
        )
