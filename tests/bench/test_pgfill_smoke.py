"""The first-fill benchmark at a small size: both fills leave the same counts (no timing)."""

from __future__ import annotations

import pytest

from bench import pgfill

pytestmark = pytest.mark.postgres


def test_bulk_and_batch_by_batch_fills_leave_the_same_counts(pgvector_server: str) -> None:
    res = pgfill.run(2_000, pgvector_server)
    assert res["same_counts"]
    counts = res["counts"]
    assert counts["passages"] == 2_000
    assert counts["terms"] > 100 and counts["df_sum"] == counts["postings"] > 2_000
    assert res["batch_by_batch_s"] > 0 and res["bulk_s"] > 0
