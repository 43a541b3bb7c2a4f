"""Rows read from disk with pread equal the in-memory arrays they were saved from."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from index.retrieval.rowfile import RowFile, SparseRows, query_lookup


def test_rows_and_runs_equal_the_saved_array(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    m = rng.random((50, 7)).astype(np.float32)
    np.save(tmp_path / "m.npy", m)
    f = RowFile(tmp_path / "m.npy")
    rows = np.array([49, 0, 3, 3, 17])
    assert f.shape == (50, 7) and len(f) == 50
    assert np.array_equal(f.take(rows), m[rows])
    assert f.take(np.zeros(0, np.int64)).shape == (0, 7)
    assert np.array_equal(np.asarray(f), m)
    v = rng.integers(0, 1000, 30).astype(np.int32)
    np.save(tmp_path / "v.npy", v)
    g = RowFile(tmp_path / "v.npy")
    got = g.runs(np.array([0, 5, 5, 20]), np.array([3, 5, 9, 30]))
    assert np.array_equal(got, np.concatenate([v[0:3], v[5:9], v[20:30]]))


def test_adjacent_rows_are_read_in_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(4)
    m = rng.random((200, 3)).astype(np.float32)
    np.save(tmp_path / "m.npy", m)
    f = RowFile(tmp_path / "m.npy")
    for _ in range(50):  # any order, repeats and runs come back as asked
        rows = rng.integers(0, 200, int(rng.integers(1, 40)))
        assert np.array_equal(f.take(rows), m[rows])
    calls = []
    real = os.pread
    monkeypatch.setattr(os, "pread", lambda *a: calls.append(a) or real(*a))
    assert np.array_equal(
        f.take(np.array([12, 10, 11, 40, 10, 41, 199])), m[[12, 10, 11, 40, 10, 41, 199]]
    )
    assert len(calls) == 3  # 10-12, 40-41, 199


def test_sparse_rows_dot_equals_the_matrix_product(tmp_path: Path) -> None:
    m = sp.random(40, 300, density=0.05, format="csr", dtype=np.float32, random_state=2)
    for part in ("data", "indices"):
        np.save(tmp_path / f"{part}.npy", getattr(m, part))
    on_disk = SparseRows(
        RowFile(tmp_path / "data.npy"), RowFile(tmp_path / "indices.npy"), m.indptr, m.shape
    )
    in_memory = SparseRows.of(m.data, m.indices, m.indptr, m.shape)
    rng = np.random.default_rng(3)
    terms = rng.choice(300, 40, replace=False)
    weights = rng.random(40)
    q = np.zeros(300)
    q[terms] = weights
    rows = np.array([7, 0, 39, 12, 7])
    lookup = query_lookup((terms, weights), 300)
    for rows_m in (on_disk, in_memory):
        assert np.allclose(rows_m.dot_rows(rows, lookup), (m @ q)[rows], atol=1e-5)
        assert np.array_equal(rows_m.data, m.data) and rows_m.shape == m.shape
        assert np.array_equal(
            rows_m.indices_file.runs(m.indptr[[3, 9]], m.indptr[[5, 9]]),
            m.indices[m.indptr[3] : m.indptr[5]],
        )
    assert on_disk.dot_rows(rows, query_lookup((terms[:0], weights[:0]), 300)).tolist() == [0.0] * 5


def test_an_empty_array_opens(tmp_path: Path) -> None:
    np.save(tmp_path / "e.npy", np.zeros(0, np.float32))
    f = RowFile(tmp_path / "e.npy")
    assert len(f) == 0 and len(f.runs(np.zeros(0, np.int64), np.zeros(0, np.int64))) == 0
    assert np.asarray(f).shape == (0,)


def test_rows_without_entries_score_zero() -> None:
    m = sp.csr_matrix(np.array([[0, 0, 0], [1, 0, 2], [0, 0, 0], [0, 3, 0]], dtype=np.float32))
    rows_m = SparseRows.of(m.data, m.indices, m.indptr, m.shape)
    lookup = query_lookup((np.array([0, 1, 2]), np.array([1.0, 10.0, 100.0])), 3)
    assert rows_m.dot_rows(np.array([2, 1, 0, 3, 1]), lookup).tolist() == [0, 201, 0, 30, 201]
    assert rows_m.dot_rows(np.array([0, 2]), lookup).tolist() == [0, 0]
    assert rows_m.dot_rows(np.zeros(0, np.int64), lookup).tolist() == []
