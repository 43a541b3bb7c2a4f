"""A question runs BLAS and OpenMP on one thread; the process gets its threads back after."""

from __future__ import annotations

import sys
import types

import faiss  # noqa: F401  (its OpenMP and OpenBLAS are among the limited libraries)
import numpy as np  # noqa: F401
import pytest
from threadpoolctl import threadpool_info

import index.retrieval.threads as threads
from index.retrieval.threads import _ours, one_thread


def _threads() -> list[int]:
    """numpy's and FAISS's pools (a torch another test loaded keeps its own threads)."""
    return [lib["num_threads"] for lib in threadpool_info() if _ours(lib["filepath"])]


def test_limits_hold_until_the_last_question_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pools are looked up at the first question; other tests may load more after it
    monkeypatch.setitem(threads._state, "controller", None)
    before = _threads()
    assert before  # numpy's BLAS at least
    with one_thread():
        assert set(_threads()) == {1}
        with one_thread():  # a second question at the same time
            assert set(_threads()) == {1}
        assert set(_threads()) == {1}  # the first is still running
    assert _threads() == before


def test_pools_are_looked_up_again_after_an_import(monkeypatch: pytest.MonkeyPatch) -> None:
    # a library loaded after the first question (scipy's OpenBLAS, say) must be limited too
    looks: list[int] = []
    real = threads._array_libraries

    def counted() -> object:
        looks.append(1)
        return real()

    monkeypatch.setattr(threads, "_array_libraries", counted)
    monkeypatch.setitem(threads._state, "controller", None)
    with one_thread():
        pass
    with one_thread():
        pass
    assert len(looks) == 1  # nothing imported in between: the pools are known
    monkeypatch.setitem(sys.modules, "ratsbot_test_loaded_late", types.ModuleType("late"))
    with one_thread():
        assert set(_threads()) == {1}
    assert len(looks) == 2
