"""One question runs its BLAS and OpenMP work on one thread.

On two cores, numpy's OpenBLAS workers keep spinning for a while after each
matrix-vector product (re-scoring rows, best sentences), and FAISS's OpenMP
workers after each search; the next question's embedding (ONNX Runtime, its
own pool) then shares the cores with them. Among 10k generated chunks that
doubled the query embedding (p50 109 ms against 37 ms) and the whole search
(141 against 60 ms). A single question's products are small, so one thread
loses nothing there. Batch work (index builds, ingest) keeps every thread
except while a question is being answered, since the limits are per process.
Only numpy's, scipy's and FAISS's libraries are limited: torch (a
sentence-transformers embedder) embeds the question with its own threads. The
libraries are looked up again whenever a module was imported since the last
look (about 1 ms), so one loaded after the first question is limited too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_state: dict = {"controller": None, "limiter": None, "depth": 0, "modules": 0}


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit BLAS and OpenMP to one thread until the last concurrent question is done."""
    with _lock:
        if _state["depth"] == 0:
            if _state["controller"] is None or _state["modules"] != len(sys.modules):
                _state["modules"] = len(sys.modules)  # an import may have loaded a library
                _state["controller"] = _array_libraries()
            _state["limiter"] = _state["controller"].limit(limits=1)
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None


def _array_libraries() -> ThreadpoolController:
    """The thread pools of numpy's, scipy's and FAISS's own libraries (their wheels
    bundle them)."""
    everything = ThreadpoolController()
    paths = [i["filepath"] for i in everything.info() if _ours(i["filepath"])]
    return everything.select(filepath=paths)


def _ours(path: str) -> bool:
    return any(part in path for part in ("numpy", "faiss", "scipy"))
