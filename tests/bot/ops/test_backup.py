"""``ratsbot backup`` / ``ratsbot restore``: the same answers after a round trip.

The backup runs while the service holds the store open and a writer holds an
open transaction (SQLite's online backup copies the last committed state and
blocks nobody); the restore goes into an emptied data dir and uploads folder.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer import render_plain
from bot.cli import cli
from bot.ops import backup, restore
from bot.service import Ratsbot
from bot.settings import Settings
from index.errors import ConfigError
from tests.support.bots import MakeBot

QUESTIONS = [
    "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?",
    "Wann tagt die Kommission für Informationstechnik?",
    "Was kostet der Radweg an der Hauptstraße?",  # only the upload answers it
    "Wer ist der Präsident der Vereinigten Staaten?",  # abstains
]
UPLOAD = (
    "Ausschuss für Mobilität, Sitzung am 04.03.2021\n\n"
    "TOP 3 Radweg Hauptstraße\n\n"
    "Der Radweg an der Hauptstraße kostet 1.250.000 Euro und wird 2022 gebaut.\n"
)


def _answers(bot: Ratsbot) -> list[str]:
    return [render_plain(bot.ask(q)) for q in QUESTIONS]


def _upload(settings: Settings, bot: Ratsbot) -> Path:
    uploads = settings.upload_folder
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / "radweg.txt"
    path.write_text(UPLOAD, encoding="utf-8")
    assert bot.ingest([path]).added
    return path


def test_answers_are_the_same_after_backup_and_restore(
    make_bot: MakeBot, settings: Settings, db_url: str, tmp_path: Path
) -> None:
    """SQLite through its online backup API; PostgreSQL through pg_dump / pg_restore."""
    settings = settings.with_overrides(database_url=db_url)
    is_sqlite = db_url.startswith("sqlite")
    if not is_sqlite and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (postgresql-client)")
    bot = make_bot(settings)
    upload = _upload(settings, bot)
    before = _answers(bot)
    assert "1.250.000 Euro" in before[2]
    dest = tmp_path / "backup"
    if is_sqlite:  # a writer in the middle of a transaction: not in the copy, not blocked
        writer = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO state (key, value) VALUES ('uncommitted', 'x')")
    report = backup(settings, dest)
    if is_sqlite:
        writer.rollback()
        writer.close()
    assert report.uploads == 1 and report.database.documents == 3
    assert (dest / "manifest.json").is_file() and (dest / "uploads" / "radweg.txt").is_file()
    bot.close()

    shutil.rmtree(settings.data_dir)  # the machine is lost: data dir, database, uploads
    upload.unlink(missing_ok=True)  # the upload folder lies in the data dir
    if is_sqlite:
        for p in tmp_path.glob("store.sqlite3*"):
            p.unlink()
    else:
        from tests.support.postgres import drop_all_tables

        drop_all_tables(db_url)
    restored = restore(settings, dest)
    assert restored.uploads == 1 and upload.read_text(encoding="utf-8") == UPLOAD
    again = make_bot(settings, index=False)
    assert again.store.get_state("uncommitted") is None
    assert _answers(again) == before


def test_a_damaged_backup_is_refused(bot: Ratsbot, settings: Settings, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    backup(settings, dest)
    db = next(p for p in dest.iterdir() if p.name.startswith("ratsbot."))
    with open(db, "r+b") as f:
        f.seek(200)
        f.write(b"\xff\xff\xff")
    with pytest.raises(ConfigError, match="damaged"):
        restore(settings, dest)


def test_backup_refuses_a_folder_that_holds_files(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        backup(settings, tmp_path / "full")


def test_backup_and_restore_on_the_command_line(bot: Ratsbot, tmp_path: Path) -> None:
    settings = bot.settings
    env = {
        "RATSBOT_DATA_DIR": str(settings.data_dir),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(settings.corpus_dirs[0]),
    }
    made = CliRunner().invoke(cli, ["backup", str(tmp_path / "b")], env=env)
    assert made.exit_code == 0, made.output
    assert "Sicherung in" in made.output and "2 Dokumente" in made.output
    refused = CliRunner().invoke(cli, ["restore", str(tmp_path / "b")], env=env, input="n\n")
    assert refused.exit_code == 1  # asked, and the answer was no
    done = CliRunner().invoke(cli, ["restore", "--yes", str(tmp_path / "b")], env=env)
    assert done.exit_code == 0, done.output
    assert "Wiederhergestellt" in done.output
    missing = CliRunner().invoke(cli, ["restore", "--yes", str(tmp_path / "nowhere")], env=env)
    assert missing.exit_code == 2 and "nowhere" in missing.output
