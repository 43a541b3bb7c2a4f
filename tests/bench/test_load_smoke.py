"""bench.load in miniature: every question answered once while /reindex runs."""

from __future__ import annotations

import asyncio

import pytest

from bench.load import run_load


@pytest.mark.slow
def test_small_load_run_answers_every_question_once(monkeypatch: pytest.MonkeyPatch) -> None:
    row = asyncio.run(run_load("sqlite", chats=4, questions=40, embedder="fake"))
    assert row["questions"] == 40 and row["answered"] == 40
    assert (row["lost"], row["duplicated"], row["errors"]) == (0, 0, 0)
    assert row["reindex_s"] > 0 and row["p95_s"] >= row["p50_s"] > 0
