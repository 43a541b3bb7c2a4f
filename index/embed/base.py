"""What every embedder offers: dense vectors, optionally sparse ones and passage passes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.native import PassageVectors

SparseVec = tuple[np.ndarray, np.ndarray]  # (int32 indices, float32 values)
Spans = list[tuple[int, int]]  # character ranges of a text: its sentences


@dataclass(frozen=True)
class EmbedderInfo:
    """Identity recorded with an index; vectors of two identities never mix."""

    name: str
    version: str
    dim: int
    sparse_dim: int

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}/{self.dim}"


class Embedder(ABC):
    """Turns text into L2-normalised dense vectors (and optionally sparse ones)."""

    batch_size = 32

    @property
    @abstractmethod
    def info(self) -> EmbedderInfo: ...

    def warm_up(self) -> None:
        """Load the model; cheap to call again."""
        return None

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        """Embed one batch; rows L2-normalised, float32."""

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """Embed any number of texts in batches."""
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        parts = [
            self.embed_batch(texts[i : i + self.batch_size], query=query)
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts).astype(np.float32, copy=False)

    @property
    def has_sparse(self) -> bool:
        return self.info.sparse_dim > 0

    def sparse(self, texts: Sequence[str]) -> list[SparseVec]:
        """Sparse "latent term" vectors; only embedders with ``has_sparse``."""
        raise NotImplementedError(f"{self.info.name} has no sparse head")

    @property
    def one_pass(self) -> bool:
        """Whether :meth:`passages` costs one forward pass per passage (else one per vector)."""
        return False

    def word_pieces(self, word: str) -> int | None:
        """How many subword pieces the model's tokenizer cuts ``word`` into; None when
        the embedder has no tokenizer. A vocabulary learnt from a large general corpus
        holds common words ("Ziel", "Probleme") whole and cuts specific ones
        ("Grötzingen", "Gewerbesteuer") into pieces: a measure of general language."""
        return None

    @property
    def quote_key(self) -> str:
        """The key of the stand-alone sentence vectors that quotes and abstention score.

        The index's own key, unless the recipe pools its indexed sentence
        vectors in context and makes the stand-alone ones on demand
        (:attr:`lazy_quotes`): pooled vectors never stand in for them.
        """
        return self.info.key

    @property
    def lazy_quotes(self) -> bool:
        """Whether the quote step makes (and caches) its sentence vectors at question time."""
        return self.quote_key != self.info.key

    def alone(self, texts: Sequence[str]) -> tuple[np.ndarray, list[SparseVec] | None]:
        """Stand-alone dense (and sparse) vectors of ``texts``, as :attr:`quote_key` keeps them."""
        return self.embed(texts, query=False), self.sparse(texts) if self.has_sparse else None

    def passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> PassageVectors:
        """Passage vectors and the vectors of each passage's spans (its sentences).

        Here each span is embedded on its own; an embedder with :attr:`one_pass`
        pools them from the passage's own token states instead.
        """
        pieces = [t[a:b] for t, ss in zip(texts, spans, strict=True) for a, b in ss]
        sparse = self.has_sparse
        return PassageVectors(
            dense=self.embed(texts, query=False),
            sparse=self.sparse(texts) if sparse else None,
            span_dense=self.embed(pieces, query=False),
            span_sparse=self.sparse(pieces) if sparse and pieces else ([] if sparse else None),
        )


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return m / n
