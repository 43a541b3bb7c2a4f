"""A question's BM25 scores in one segment, kept as posting lists: exact top-n by MaxScore.

Adding every posting of every query term into a score array as long as the
segment and partitioning that array costs what the longest lists and the corpus
size cost: at a million chunks a common word's list holds a fifth of them, and
BM25 took 27 ms of a question (bench/RESULTS.md, 1M). MaxScore (Turtle & Flood,
1995) avoids most of it and changes no score: the rarest terms are added first;
once the ``n``-th best chunk seen so far scores more than all remaining terms
together could give a chunk that none of the added lists holds, only chunks
already seen can still reach the top, and the remaining long lists are looked
up for those chunks alone (binary search in the sorted rows of a list).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.retrieval.rowfile import positions

# a binary search per row costs about what adding 16 postings costs (numpy, 1M rows)
LOOKUP_RATIO = 16


class TermPostings:
    """Per query term: the rows that hold it (sorted) and their BM25 contributions."""

    def __init__(self, lists: Sequence[tuple[np.ndarray, np.ndarray]], size: int) -> None:
        self.lists = sorted(
            ((np.asarray(r, np.int64), np.asarray(v, np.float32)) for r, v in lists if len(r)),
            key=lambda rv: len(rv[0]),
        )
        self.size = size

    def dense(self) -> np.ndarray:
        """The score of every row of the segment."""
        out = np.zeros(self.size, dtype=np.float32)
        for rows, vals in self.lists:
            out[rows] += vals  # a term's rows are distinct
        return out

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The scores of the given rows only."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=np.float32)
        for held, vals in self.lists:
            out += _lookup(held, vals, rows)
        return out

    def top(self, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` best rows with a score above zero (of those ``allowed``), best first."""
        if n <= 0 or not self.lists:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        bounds = np.array([float(v.max()) for _r, v in self.lists])
        rest = np.concatenate([np.cumsum(bounds[::-1])[::-1], [0.0]])  # rest[i]: lists i..
        acc = np.zeros(self.size, dtype=np.float32)
        last = len(self.lists) - 1
        for i, (rows, vals) in enumerate(self.lists):
            acc[rows] += vals  # a term's rows are distinct
            remaining = float(rest[i + 1])
            if i < last and remaining >= bounds[: i + 1].sum():
                continue  # no chunk seen so far can yet outscore what the rest may add
            ok = acc > 0  # contributions are positive: the rows seen so far
            seen = np.flatnonzero(ok if allowed is None else ok & allowed)
            part = acc[seen]
            theta = 0.0
            if len(part) >= n:
                theta = float(np.partition(part, len(part) - n)[len(part) - n])
            if i < last and (len(part) < n or remaining >= theta):
                continue
            # no unseen row can reach theta; a seen one only if the rest could lift it there
            keep = part + np.float32(remaining) >= np.float32(theta)
            seen = seen[keep]
            # a list much longer than the rows left is looked up; else added in whole
            looked = []
            for held, later in self.lists[i + 1 :]:
                if len(held) > LOOKUP_RATIO * len(seen):
                    looked.append(_lookup(held, later, seen))
                else:
                    acc[held] += later
            scores = acc[seen]
            for extra in looked:
                scores = scores + extra
            return _best(seen, scores, n)
        raise AssertionError("the last list always decides")  # pragma: no cover


def _lookup(held: np.ndarray, vals: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``vals`` at ``rows`` where ``held`` (sorted) holds them, else zero."""
    pos = positions(held, rows)
    return np.where(pos >= 0, vals[pos], np.float32(0))  # lists are never empty


def _best(rows: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` highest-scoring rows, best first; ties by row, so the order is stable."""
    if len(scores) > n:  # sort only those at or above the n-th score
        sel = scores >= np.partition(scores, len(scores) - n)[len(scores) - n]
        rows, scores = rows[sel], scores[sel]
    order = np.lexsort((rows, -scores))[:n]
    return rows[order], scores[order].astype(np.float32)
