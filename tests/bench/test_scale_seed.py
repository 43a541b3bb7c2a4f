"""The scale benchmark's seed cache: reused while the parsing code stays, re-indexed if not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import scale


def _documents(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from documents").fetchone()[0]


@pytest.mark.slow
def test_seed_cache_follows_the_parsing_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "OUT", tmp_path / "out")
    cache = tmp_path / "out" / "seed-fake"
    scale._seed_store("fake", tmp_path / "a")
    db = cache / "data" / "ratsbot.sqlite3"
    built = db.stat().st_mtime_ns
    assert (cache / "parse_key").read_text() == scale._parse_key()
    n = _documents(db)
    assert n > 0 and _documents(tmp_path / "a" / "ratsbot.sqlite3") == n

    scale._seed_store("fake", tmp_path / "b")  # same code: the cache is only copied
    assert db.stat().st_mtime_ns == built

    monkeypatch.setattr(scale, "_parse_key", lambda: "other-parser")
    scale._seed_store("fake", tmp_path / "c")  # other code: re-indexed in place of the old
    assert (cache / "parse_key").read_text() == "other-parser"
    assert db.stat().st_mtime_ns != built
    assert _documents(tmp_path / "c" / "ratsbot.sqlite3") == n
    assert not (tmp_path / "out" / "seed-fake.building").exists()
