"""Bulk import: commit batches, resume after a failure, progress lines, degenerate files.

The fake embedder throughout; the kill of a real process is in test_kill_bulk.py,
the queue of several workers in test_queue.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from index.embed import FakeEmbedder
from index.ingest import IngestProgress, Phase, ingest_paths
from index.store import Store, text_hash
from tests.index.ingest.test_queue import write_minutes


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, remembering every text it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed_batch(texts, query=query)


class Boom(RuntimeError):
    pass


def fail_at_commit(n: int):  # type: ignore[no-untyped-def]
    """An ``on_phase`` hook that fails inside the n-th batch's transaction."""
    seen = 0

    def hook(phase: str) -> None:
        nonlocal seen
        if phase == Phase.WRITING:
            seen += 1
            if seen == n:
                raise Boom

    return hook


@pytest.fixture
def sqlite_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield s
    s.close()


def test_batches_commit_on_their_own_and_a_rerun_redoes_none(
    tmp_path: Path, sqlite_store: Store
) -> None:
    files = write_minutes(tmp_path / "m", 7)
    with pytest.raises(Boom):  # the second batch of three fails in its transaction
        ingest_paths(
            sqlite_store,
            FakeEmbedder(),
            [tmp_path / "m"],
            commit_every=3,
            on_phase=fail_at_commit(2),
            show_bar=False,
            report_line=lambda _line: None,
        )
    first = {d.source_path for d in sqlite_store.documents()}
    assert first == {p.name for p in files[:3]}  # the first batch stays committed
    emb = CountingEmbedder()
    report = ingest_paths(
        sqlite_store, emb, [tmp_path / "m"], commit_every=3, report_line=lambda _l: None
    )
    assert sorted(report.unchanged) == sorted(f"{n}#0" for n in first)
    assert len(report.added) == 4
    again = {text_hash(t) for t in emb.seen}
    stored_first = _chunk_hashes(sqlite_store, first)
    assert stored_first and not (again & stored_first)  # no text of batch one embedded again
    assert {d.source_path for d in sqlite_store.documents()} == {p.name for p in files}


def _chunks(store: Store) -> dict[str, list[str]]:
    """Each document's chunk text hashes in order, by source file."""
    q = sa.text(
        "SELECT d.source_path, c.content_hash FROM chunks c "
        "JOIN documents d ON d.id = c.document_id ORDER BY d.source_path, c.seq"
    )
    out: dict[str, list[str]] = {}
    with store.engine.connect() as c:
        for source, h in c.execute(q):
            out.setdefault(source, []).append(h)
    return out


def _chunk_hashes(store: Store, sources: set[str]) -> set[str]:
    return {h for src, hs in _chunks(store).items() if src in sources for h in hs}


def test_repeated_text_is_stored_once_with_a_note(tmp_path: Path, sqlite_store: Store) -> None:
    f = tmp_path / "repeat.txt"
    f.write_text("Digitalisierung " * 40_000, encoding="utf-8")
    report = ingest_paths(sqlite_store, FakeEmbedder(), [f], report_line=lambda _l: None)
    assert report.added == ["repeat.txt#0"] and not report.failed
    assert report.chunks_added <= 3
    assert len(report.notes) == 1 and "wiederholte Abschnitte" in report.notes[0]
    assert "repeat.txt" in report.notes[0]


@pytest.mark.slow
def test_the_64_mb_repeat_file_of_the_issue(tmp_path: Path, sqlite_store: Store) -> None:
    """ "Digitalisierung " × 400,000 (6.4 MB): a handful of chunks; bench/bulk.py times it."""
    f = tmp_path / "degenerate.txt"
    f.write_text("Digitalisierung " * 400_000, encoding="utf-8")
    report = ingest_paths(sqlite_store, FakeEmbedder(), [f], report_line=lambda _l: None)
    assert report.added and report.chunks_added <= 3 and len(report.notes) == 1


def _clocked(files: list[Path]) -> tuple[IngestProgress, list[str], list[float]]:
    """A progress display on a clock the test moves by hand, its lines collected."""
    now = [0.0]
    lines: list[str] = []
    p = IngestProgress(files, bar=False, sink=lines.append, every=5.0, clock=lambda: now[0])
    return p, lines, now


def test_progress_reports_a_line_every_few_seconds(tmp_path: Path) -> None:
    files = write_minutes(tmp_path / "m", 4)
    p, lines, now = _clocked(files)
    now[0] = 1.0
    p.files_done(files[:1], 1, 1000)
    assert lines == []  # not yet five seconds
    moved = p.within(files[1:3], 2000)
    now[0] = 6.0
    moved(1, 2)  # half of the batch embedded
    assert len(lines) == 1
    assert "1/4 Dateien" in lines[0] and "2.000 Zeichen" in lines[0] and "noch ≈" in lines[0]
    now[0] = 8.0
    p.files_done(files[1:], 3, 3000)
    assert len(lines) == 1  # two seconds later: quiet
    p.close()
    assert "4/4 Dateien" in lines[-1] and "noch" not in lines[-1]  # done: no time left


def test_a_pipe_gets_progress_lines_from_a_real_ingest(tmp_path: Path, sqlite_store: Store) -> None:
    write_minutes(tmp_path / "m", 3)
    lines: list[str] = []
    ingest_paths(
        sqlite_store, FakeEmbedder(), [tmp_path / "m"], show_bar=False, report_line=lines.append
    )
    assert lines and lines[-1].startswith("ingest: 3/3 Dateien")


@pytest.mark.slow
def test_two_worker_processes_store_what_one_does(tmp_path: Path) -> None:
    write_minutes(tmp_path / "m", 12)
    results = []
    for workers in (1, 2):
        store = Store(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        try:
            report = ingest_paths(
                store,
                FakeEmbedder(),
                [tmp_path / "m"],
                workers=workers,
                commit_every=5,
                report_line=lambda _l: None,
            )
            assert len(report.added) == 12 and not report.failed
            results.append(_chunks(store))
        finally:
            store.close()
    assert results[0] == results[1]


def test_the_time_left_counts_the_texts_not_their_oparl_sidecars(tmp_path: Path) -> None:
    files = write_minutes(tmp_path / "m", 2)
    sidecars = [f.with_name(f.stem + ".oparl.json") for f in files]
    for f, s in zip(files, sidecars, strict=True):
        s.write_text("{" + " " * 20 * f.stat().st_size + "}", encoding="utf-8")
    p, _lines, now = _clocked(sidecars + files)
    now[0] = 1.0
    p.files_done(sidecars, 0, 0)  # the facts are in: the embedding is still all to do
    now[0] = 10.0
    p.files_done(files[:1], 1, 1000)
    eta = p.eta()
    assert eta is not None and 5.0 < eta < 15.0  # one text of two in ten seconds


def test_a_pipe_hears_the_ingest_while_nothing_finishes(tmp_path: Path) -> None:
    files = write_minutes(tmp_path / "m", 2)
    p, lines, now = _clocked(files)
    now[0] = 4.0
    p.tick()
    assert lines == []
    now[0] = 6.0
    p.tick()  # a long file in a worker: no file done, the line comes all the same
    assert lines and "0/2 Dateien" in lines[0]


@pytest.mark.slow
def test_workers_tick_while_the_next_file_is_embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.ingest import workers as worker_module

    write_minutes(tmp_path / "m", 6)
    ticks: list[int] = []
    monkeypatch.setattr(worker_module, "TICK_EVERY", 0.01)
    monkeypatch.setattr(IngestProgress, "tick", lambda self: ticks.append(1))
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        report = ingest_paths(
            store, FakeEmbedder(), [tmp_path / "m"], workers=2, report_line=lambda _l: None
        )
    finally:
        store.close()
    assert len(report.added) == 6 and ticks  # starting a worker alone takes longer than a tick
