"""Dense vectors in FAISS, keyed by the store's chunk ids: exact while small, IVF above.

``IndexIDMap2`` over an inner-product index of L2-normalised vectors gives
cosine similarity, and the SQL primary key is the FAISS id, so no id map lives
beside the index. A flat scan of a million 384-d vectors costs ~60 ms (memory
bandwidth bound, a second core does not help), so above ``ANN_THRESHOLD``
vectors the index becomes IVF with 8-bit scalar quantisation (a quarter of the
memory). SQ8 alone loses a little recall (0.977 at 1M), so its candidates are
re-scored exactly against the float32 vectors, which stay on disk: only the
rows of the few hundred candidates are read (index/rowfile.py). Filters
are applied inside the search with an ``IDSelectorBitmap`` (cheap to build per
query, unlike a hash set of a million ids); a narrow filter scans every IVF
list so it is never starved of candidates.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import faiss
import numpy as np

from index.retrieval.rowfile import RowFile, positions, run_positions, run_starts

ANN_THRESHOLD = 200_000  # vectors; below it exact search is fast enough
NPROBE = 64  # lists probed at least; recall@10 0.9985 at 100k (32: 0.988, measured)
PROBE_SHARE = 12  # and at least one list in 12, so recall holds as nlist grows with n
HNSW_EF_SEARCH = 256
KINDS = ("flat", "ivf", "hnsw")


def choose_kind(n: int, override: str | None = None) -> str:
    """``override`` (flat|ivf|hnsw|auto, from the settings) or flat below the threshold."""
    kind = (override or "auto").lower()
    if kind in KINDS:
        return kind
    return "flat" if n < ANN_THRESHOLD else "ivf"


def _nlist(n: int) -> int:
    """~4·sqrt(n) lists (4000 at 1M) but at least ~256 vectors per list when small."""
    return int(max(16, min(65536, 4 * np.sqrt(max(n, 1)), n // 256)))


def nprobe_for(nlist: int) -> int:
    """Lists an IVF search visits: a fixed share of them, never fewer than ``NPROBE``.

    A fixed count would probe 16 % of the lists at 100k vectors but 1.6 % at a
    million (nlist grows with sqrt(n)), and recall would fall with the corpus.
    """
    return min(nlist, max(NPROBE, nlist // PROBE_SHARE))


class DenseIndex:
    """One FAISS index plus, for approximate kinds, the exact vectors for re-scoring."""

    def __init__(
        self, index: faiss.Index, dim: int, kind: str = "flat", exact: np.ndarray | None = None
    ) -> None:
        self.index = index
        self.dim = dim
        self.kind = kind
        self.exact = exact  # float32 rows in id order (ANN kinds only); on disk once loaded
        self.ids: np.ndarray | None = None  # sorted ids matching ``exact`` rows

    @classmethod
    def build(
        cls, ids: np.ndarray, vectors: np.ndarray, dim: int, kind: str | None = None
    ) -> DenseIndex:
        """Index ``vectors`` under ``ids`` (sorted ascending) with the chosen kind."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = choose_kind(len(ids), kind)
        if kind == "ivf" and len(ids) < 64 * 16:
            kind = "flat"  # too few vectors to train clusters
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        elif kind == "hnsw":
            hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = 80
            index = faiss.IndexIDMap2(hnsw)
        else:
            nlist = _nlist(len(ids))
            quant = faiss.IndexFlatIP(dim)
            ivf = faiss.IndexIVFScalarQuantizer(
                quant, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
            rng = np.random.default_rng(0)
            sample = vectors[rng.choice(len(vectors), min(len(vectors), nlist * 64), False)]
            ivf.train(sample)
            ivf.nprobe = nprobe_for(nlist)
            ivf.parallel_mode = 1
            index = faiss.IndexIDMap2(ivf)
        if len(ids):
            index.add_with_ids(vectors, ids)
        out = cls(index, dim, kind, None if kind == "flat" else vectors)
        out.ids = ids if kind != "flat" else None
        return out

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        *,
        exact_rescore: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores); ``allowed`` restricts to those ids (any order)."""
        if self.size == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        fetch = k if self.kind == "flat" or not exact_rescore else max(2 * k, k + 50)
        fetch = min(fetch, self.size)
        sel = bitmap = None
        narrow = False
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
            if len(allowed) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            bits = np.zeros(int(allowed.max()) + 1, dtype=bool)
            bits[allowed] = True
            bitmap = np.packbits(bits, bitorder="little")
            sel = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
            narrow = len(allowed) < 0.2 * self.size
        params = self._params(sel, narrow)
        scores, ids = self.index.search(q, fetch, params=params)
        del bitmap  # kept alive until the search returned
        keep = ids[0] >= 0
        ids_, sc = ids[0][keep], scores[0][keep]
        if self.kind != "flat" and exact_rescore and self.exact is not None and len(ids_):
            exact = self.score(ids_, q[0]).astype(np.float32)
            best = np.argsort(-exact, kind="stable")[:k]
            return ids_[best], exact[best]
        return ids_[:k], sc[:k]

    def score(self, ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact similarity of the vectors held under ``ids``; NaN for ids not held.

        Re-scores an approximate search's candidates, and gives fusion every
        candidate's own score rather than only the listed ones' (index/retrieval/channels.py).
        """
        ids = np.asarray(ids, dtype=np.int64)
        out = np.full(len(ids), np.nan)
        held, vectors = self._rows
        if len(held) == 0 or len(ids) == 0:
            return out
        pos = positions(held, ids)
        ok = pos >= 0
        rows = pos[ok]
        order = np.argsort(rows)  # read the file in order
        vals = np.empty(len(rows))
        vals[order] = np.asarray(vectors[rows[order]]) @ np.asarray(query, dtype=np.float32)
        out[ok] = vals
        return out

    @cached_property
    def _rows(self) -> tuple[np.ndarray, np.ndarray | RowFile]:
        """(sorted ids, their float32 rows): the exact copy, or a flat index's own storage."""
        if self.exact is not None and self.ids is not None:
            return self.ids, self.exact
        inner = faiss.downcast_index(self.index.index) if hasattr(self.index, "index") else None
        if not isinstance(inner, faiss.IndexFlat) or self.size == 0:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)  # type: ignore[attr-defined]
        vecs = faiss.rev_swig_ptr(inner.get_xb(), self.size * self.dim).reshape(-1, self.dim)
        if len(ids) > 1 and not (np.diff(ids) > 0).all():  # built from sorted ids, but be safe
            order = np.argsort(ids, kind="stable")
            return ids[order], vecs[order]
        return ids, vecs

    def _params(self, sel: faiss.IDSelector | None, narrow: bool) -> faiss.SearchParameters | None:
        """Search parameters (faiss's bundled stubs lag its SWIG classes: hence the ignores)."""
        if self.kind == "ivf":
            ivf = faiss.extract_index_ivf(self.index)
            nprobe = ivf.nlist if narrow else nprobe_for(ivf.nlist)
            return faiss.SearchParametersIVF(sel=sel, nprobe=nprobe)  # type: ignore[call-arg]
        if self.kind == "hnsw":
            return faiss.SearchParametersHNSW(sel=sel, efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]
        return None if sel is None else faiss.SearchParameters(sel=sel)  # type: ignore[call-arg]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
        if self.exact is not None and self.ids is not None:
            np.save(path.with_suffix(".vectors.npy"), np.asarray(self.exact))
            np.save(path.with_suffix(".ids.npy"), self.ids)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        index = faiss.read_index(str(path))
        inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
        kind = "flat"
        if isinstance(inner, faiss.IndexIVF):
            kind = "ivf"
            inner.nprobe = nprobe_for(inner.nlist)
            inner.parallel_mode = 1
        elif isinstance(inner, faiss.IndexHNSW):
            kind = "hnsw"
        out = cls(index, index.d, kind)
        vec_path = path.with_suffix(".vectors.npy")
        if kind != "flat" and vec_path.exists():
            out.exact = RowFile(vec_path)  # type: ignore[assignment]
            out.ids = np.load(path.with_suffix(".ids.npy"))
        return out


class SentenceIndex:
    """Every sentence's vector, mapped to its chunk: a passage scores by its best sentence.

    Short factual questions match one sentence far better than a 200-word
    passage that also talks about other things; ranking chunks by their best
    sentence ("max-sim") lifted hit@1 and MRR on the evaluation questions. It
    costs one vector per sentence (~8 per chunk), so it becomes approximate
    with the chunk index's threshold and is switched off above
    ``snapshot.MAX_SENTENCE_VECTORS`` (see bench/RESULTS.md for what that costs).
    """

    def __init__(self, dense: DenseIndex, chunk_of: np.ndarray) -> None:
        self.dense = dense
        self.chunk_of = chunk_of

    @property
    def size(self) -> int:
        return self.dense.size

    def best(self, chunk_ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Per chunk, the exact score of its best sentence; NaN for chunks not held."""
        chunk_ids = np.asarray(chunk_ids, dtype=np.int64)
        by_chunk, order = self._by_chunk
        lo = np.searchsorted(by_chunk, chunk_ids, "left")
        hi = np.searchsorted(by_chunk, chunk_ids, "right")
        out = np.full(len(chunk_ids), np.nan)
        has = hi > lo
        if not has.any():
            return out
        rows = order[run_positions(lo[has], hi[has])]
        scores = self.dense.score(rows, query)  # the FAISS ids are the sentence rows
        out[has] = np.fmax.reduceat(scores, run_starts((hi - lo)[has]))
        return out

    @cached_property
    def _by_chunk(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.chunk_of, kind="stable")
        return self.chunk_of[order], order

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
