"""Reliability of the data directory: checks, repairs, full rebuilds, runaway files,
and questions answered while a re-index runs."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.audience import Audience
from bot.cli import cli
from bot.service import Ratsbot
from bot.settings import Settings
from index.retrieval.integrity import Severity
from tests.support.paths import HUND

SEED_Q = "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?"


def _counts(bot: Ratsbot) -> tuple[int, int]:
    st = bot.stats(audience=Audience.MEMBER)
    return st.documents, st.chunks


def test_check_finds_agreement_and_a_missing_index_is_rebuilt(bot: Ratsbot) -> None:
    report = bot.check()
    assert report.ok and report.index_chunks == report.chunks
    assert [f.severity for f in report.findings] == [Severity.OK]
    shutil.rmtree(bot.index_dir)
    report = bot.check()
    assert report.ok and any("no index files" in f.message for f in report.findings)
    fresh = Ratsbot(bot.settings)  # a restart: the index comes back from the store
    try:
        assert not fresh.ask(SEED_Q).abstained
        assert fresh.check().index_chunks == fresh.check().chunks
    finally:
        fresh.close()


def test_index_that_disagrees_with_the_store_is_rebuilt_at_start(bot: Ratsbot) -> None:
    gen = bot.store.generation()
    manifest = bot.index_dir / f"gen-{gen}" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["chunks"] += 7
    manifest.write_text(json.dumps(data))
    assert any("rebuilt at start" in f.message for f in bot.check().findings)
    fresh = Ratsbot(bot.settings)
    try:
        assert not fresh.ask(SEED_Q).abstained
        assert fresh.check().ok and fresh.check().index_chunks == fresh.check().chunks
    finally:
        fresh.close()


def test_unfinished_index_writes_are_reported_and_removed(bot: Ratsbot) -> None:
    (bot.index_dir / ".tmp-seg-dead-123").mkdir()
    assert any("unfinished" in f.message for f in bot.check().findings)
    running = bot.index_dir / f".tmp-gen-9-{os.getppid()}"  # a writer that still runs
    running.mkdir()
    bot.repair()
    assert not (bot.index_dir / ".tmp-seg-dead-123").exists() and bot.check().ok
    assert running.exists()


def test_embedder_mismatch_is_an_error_with_advice(bot: Ratsbot, settings: Settings) -> None:
    with bot.store.session() as s:
        bot.store.set_state(s, "embedder", "other-model@9/384")
    report = bot.check()
    assert not report.ok and "reindex --full" in report.findings[0].message
    result = CliRunner().invoke(
        cli, ["--data-dir", str(settings.data_dir), "--embedder", "fake", "check"]
    )
    assert result.exit_code == 1 and "Fehler: der Index wurde mit dem Embedder" in result.output
    bot.reindex(full=True)  # the cure the message names
    assert bot.check().ok and not bot.ask(SEED_Q).abstained


def test_full_reindex_rewrites_everything_and_embeds_nothing_new(bot: Ratsbot) -> None:
    before = _counts(bot)
    ids = [d.id for d in bot.documents()]
    report = bot.reindex(full=True)
    # every document rewritten (new_document_ids), none reported changed, none renumbered
    assert sorted(report.new_document_ids) == sorted(ids) and report.chunks_embedded == 0
    assert len(report.unchanged) == before[0] and not report.changed and not report.added
    assert [d.id for d in bot.documents()] == ids
    assert _counts(bot) == before and bot.check().ok


def test_runaway_text_files_are_refused_with_one_line(
    bot: Ratsbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.parse.files

    before = _counts(bot)
    line = b"Der Rat beschliesst die Vorlage einstimmig und ohne Aussprache.\n"
    big = tmp_path / "endlos.txt"
    big.write_bytes(line * (20_000_000 // len(line)))  # 20 MB of one repeated line
    huge = tmp_path / "riesig.txt"
    with huge.open("wb") as f:
        f.seek(40 * 1024 * 1024)
        f.write(b"x")  # 40 MB (sparse): refused before reading
    read: list[str] = []
    real_read = index.parse.files.read_bytes

    def recording_read(path: Path) -> bytes:
        read.append(path.name)
        return real_read(path)

    monkeypatch.setattr(index.parse.files, "read_bytes", recording_read)
    report = bot.ingest([big, huge])
    assert "riesig.txt" not in read  # refused by its size before any byte is read
    reasons = sorted(f.reason for f in report.failed)
    assert reasons[0].startswith("endlos.txt: text too long")
    assert reasons[1].startswith("riesig.txt: file too large")
    assert all("\n" not in r for r in reasons) and _counts(bot) == before


def test_too_many_passages_keeps_the_stored_version(
    bot: Ratsbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.ingest.pipeline

    monkeypatch.setattr(index.ingest.pipeline, "MAX_CHUNKS_PER_DOCUMENT", 2)
    f = tmp_path / "hund.txt"
    shutil.copy(HUND, f)
    report = bot.ingest([f])
    assert "too many passages" in report.failed[0].reason and not report.added


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("kaputt_utf8.txt", b"Gremium: Rat\n\n" + b"Die Stra\xc3e \xff\xfe\xc3\x28 " * 40),
        ("oparl.json", b'{"type": "https://schema.oparl.org/1.1/Paper", "id": 5, "date": 12}'),
        ("oparl_liste.json", b'[1, "zwei", null, {"type": 3}]'),
        ("kein.json", b"{nicht json"),
    ],
)
def test_odd_files_never_stop_an_ingest(
    bot: Ratsbot, tmp_path: Path, name: str, data: bytes
) -> None:
    before = _counts(bot)
    path = tmp_path / name
    path.write_bytes(data)
    ok = tmp_path / "hund.txt"
    shutil.copy(HUND, ok)
    report = bot.ingest([path, ok])
    assert "hund.txt#0" in report.added
    assert all("\n" not in f.reason for f in report.failed)
    assert _counts(bot)[0] >= before[0] + 1
    assert not bot.ask(SEED_Q).abstained


class _HeldEmbedder:
    """Wraps the fake embedder: passages wait until the test releases them, questions do not."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.started, self.release = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def embed(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not query:
            self.started.set()
            self.release.wait(60)  # a question that waited for the reindex would wait as long
        return self._inner.embed(texts, query=query)  # type: ignore[attr-defined]


def test_questions_are_answered_while_a_reindex_runs(bot: Ratsbot, corpus_dir: Path) -> None:
    """Answers do not wait for a running reindex (its latency: bench/load.py, bench/RESULTS.md)."""
    held = _HeldEmbedder(bot.embedder)
    bot.embedder = held  # type: ignore[assignment]
    bot.searcher.embedder = held  # type: ignore[assignment]
    shutil.copy(HUND, corpus_dir / "hund.txt")
    worker = threading.Thread(target=bot.reindex)
    worker.start()
    try:
        assert held.started.wait(30)
        for _ in range(3):  # the reindex is held inside its embedding step all along
            assert not bot.ask(SEED_Q).abstained
            assert worker.is_alive()
    finally:
        held.release.set()
        worker.join()
    answer = bot.ask("Wie hoch ist die Hundesteuer für den ersten Hund?")
    assert any("180 Euro" in q.text for q in answer.quotes)


def test_store_backend_follows_the_test_database_switch(bot: Ratsbot) -> None:
    """RATSBOT_TEST_DATABASE_URL really moves the service onto PostgreSQL."""
    from tests.support.postgres import TEST_DATABASE_URL

    expected = "postgresql" if TEST_DATABASE_URL else "sqlite"
    assert bot.store.engine.dialect.name == expected
