"""Rows of on-disk arrays read with ``pread``: only what a question needs enters the process.

The exact dense vectors (1.5 GB at a million chunks) and the sparse rows are
read a few hundred rows per question. Through a memory map that cost far more
memory than it reads: on this machine's kernel a touched page of the page
cache is mapped as part of a 2 MB folio (reading one float of a memory-mapped
.npy left 2 MB resident, 800 re-scored rows 713 MB), so the serving process
grew by gigabytes of clean file pages. ``pread`` copies just the bytes asked
for; the kernel's page cache still keeps hot parts of the files in memory, but
as cache it may drop, not as the process's own memory.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class RowFile:
    """A 1-d or 2-d ``.npy`` array on disk; ``take`` reads rows, ``runs`` slices."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:  # the .npy header only
            version = np.lib.format.read_magic(f)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read(f)
            self._offset = f.tell()
        if fortran and len(shape) > 1:
            raise ValueError(f"{path.name}: Fortran order is not supported")
        self.path = path
        self.shape: tuple[int, ...] = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._row = int(np.prod(self.shape[1:], dtype=np.int64)) * self.dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)

    def __len__(self) -> int:
        return self.shape[0]

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        """The whole array, memory-mapped (for a rebuild or a benchmark, not per question)."""
        arr = np.load(self.path, mmap_mode="r") if len(self) else np.load(self.path)
        return arr if dtype is None else arr.astype(dtype)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        """``array[rows]`` for an integer array of rows, as a loaded ndarray allows."""
        return self.take(rows)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """``array[rows]`` for a 2-d array; adjacent rows are read in one call."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return np.zeros((0, *self.shape[1:]), dtype=self.dtype)
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        new = np.concatenate([[True], np.diff(ordered) != 0])
        held = ordered[new]  # the distinct rows, ascending
        gap = np.flatnonzero(np.diff(held) != 1) + 1  # where a run of adjacent rows breaks
        starts, ends = held[np.r_[0, gap]], held[np.r_[gap - 1, len(held) - 1]] + 1
        raw = np.frombuffer(self._read(starts, ends), dtype=self.dtype)
        block = raw.reshape(len(held), *self.shape[1:])
        where = np.empty(len(rows), dtype=np.int64)
        where[order] = np.cumsum(new) - 1  # each asked row's place among the distinct ones
        return block[where]

    def runs(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``concatenate([array[a:b] for a, b in zip(starts, ends)])`` for a 1-d array."""
        return np.frombuffer(self._read(starts, ends), dtype=self.dtype)

    def _read(self, starts: np.ndarray, ends: np.ndarray) -> bytes:
        """The bytes of rows ``a:b`` for each run, one ``pread`` per run."""
        size, fd, base = self._row, self._fd, self._offset
        return b"".join(
            os.pread(fd, (int(b) - int(a)) * size, base + int(a) * size)
            for a, b in zip(starts, ends, strict=True)
            if b > a
        )


class _InMemory:
    """A loaded array with ``RowFile``'s ``runs``: a freshly built segment's sparse rows."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        return self.a if dtype is None else self.a.astype(dtype)

    def runs(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return self.a[run_positions(starts, ends)]


def run_positions(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``concatenate([arange(a, b) for a, b in zip(starts, ends)])`` without the loop."""
    lengths = np.asarray(ends, np.int64) - np.asarray(starts, np.int64)
    first = run_starts(lengths)
    return np.repeat(np.asarray(starts, np.int64) - first, lengths) + np.arange(lengths.sum())


def run_starts(lengths: np.ndarray) -> np.ndarray:
    """Where each run begins when runs of ``lengths`` are laid end to end."""
    lengths = np.asarray(lengths, np.int64)
    return np.cumsum(lengths) - lengths


def positions(held: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each of ``ids`` in the sorted array ``held``, -1 where it is not held."""
    ids = np.asarray(ids, dtype=np.int64)
    if len(held) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(held, ids), len(held) - 1)
    return np.where(held[pos] == ids, pos, -1)


class SparseRows:
    """A CSR matrix (data, indices on disk or in memory; indptr in memory), read row by row."""

    def __init__(
        self,
        data: RowFile | _InMemory,
        indices: RowFile | _InMemory,
        indptr: np.ndarray,
        shape: tuple,
    ) -> None:
        self.data_file, self.indices_file = data, indices
        self.indptr = indptr
        self.shape = shape

    @classmethod
    def of(
        cls, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple
    ) -> SparseRows:
        """Rows held in memory, as a segment has them before it is saved."""
        return cls(_InMemory(data), _InMemory(indices), np.asarray(indptr), shape)

    @property
    def data(self) -> np.ndarray:
        return np.asarray(self.data_file)

    @property
    def indices(self) -> np.ndarray:
        return np.asarray(self.indices_file)

    def dot_rows(self, rows: np.ndarray, lookup: np.ndarray) -> np.ndarray:
        """Each row's dot product with a ``query_lookup``, reading only those rows."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows))
        order = np.argsort(rows)  # read the files in order
        starts, ends = self.indptr[rows[order]], self.indptr[rows[order] + 1]
        prod = self.data_file.runs(starts, ends) * lookup[self.indices_file.runs(starts, ends)]
        lengths = ends - starts
        has = lengths > 0
        if len(prod):  # each row's entries are one run of ``prod``: sum the runs
            out[order[has]] = np.add.reduceat(prod, run_starts(lengths)[has])
        return out


def query_lookup(query: tuple[np.ndarray, np.ndarray], width: int) -> np.ndarray:
    """A sparse query (terms, weights) as a dense array over the vocabulary (1 MB).

    Indexing it with the stored entries' terms beats searching the query's terms
    for every entry: 0.3 against 3.5 ms for 300 rows of 200 terms. Built once per
    question, for all segments.
    """
    terms, weights = np.asarray(query[0]), np.asarray(query[1])
    lookup = np.zeros(width, dtype=np.float32)
    keep = terms < width
    lookup[terms[keep]] = weights[keep]
    return lookup
