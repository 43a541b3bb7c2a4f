"""bench.bulk in miniature: three real papers, the fake embedder, one and two workers."""

from __future__ import annotations

import sys

import pytest

from bench import bulk
from tests.support.paths import require_realdocs

pytestmark = pytest.mark.slow


def test_table_for_one_and_two_workers(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    require_realdocs()
    argv = ["bench.bulk", "--files", "6", "--embedder", "fake", "--workers", "1,2"]
    monkeypatch.setattr(sys, "argv", argv)
    bulk.main()
    out = capsys.readouterr().out
    rows = [
        line for line in out.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")
    ]
    assert len(rows) == 2, out
    assert "6 files, embedder fake" in out
