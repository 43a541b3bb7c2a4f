"""The scale benchmark's real documents: the seed cache, and which files seed no distractor."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import scale
from tests.support.postgres import TEST_DATABASE_URL


def _documents(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from documents").fetchone()[0]


@pytest.mark.slow
@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the bench's seed cache is a SQLite file")
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


def test_distractors_leave_out_every_file_on_an_asked_paper() -> None:
    """The minutes of a matter repeat its Vorlage: they must not seed distractors either."""
    if not (scale.REALDOCS / "ka_2017-0637_protokoll-gr-2017-11-21-top9.txt").exists():
        pytest.skip("../shared/realdocs/ is not here")
    held = scale._held_out({"ka_2017-0637_beschlussvorlage.txt", "seed"})
    assert "ka_2017-0637_protokoll-gr-2017-11-21-top9.txt" in held
    assert {f.name for f in (scale.REPO / "corpus").glob("*")} <= held
    assert not any(n.startswith("ka_2023-0904") for n in held)
