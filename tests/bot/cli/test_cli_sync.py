"""``ratsbot sync oparl URL`` through click's CliRunner, then status and figures of what came."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import cli
from tests.support.oparl_archive import Archive, fixture_archive
from tests.support.oparl_replay import ReplayServer
from tests.support.paths import require_realdocs


def _run(args: list[str], tmp_path: Path) -> Result:
    empty = tmp_path / "corpus"
    empty.mkdir(exist_ok=True)
    env = {
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(empty),
        "RATSBOT_OPARL_DELAY_SECONDS": "0",
    }
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(Archive.load(fixture_archive()), per_page=4, files_as="text") as s:
        yield s


def test_sync_json_report_then_status_and_zahlen(server: ReplayServer, tmp_path: Path) -> None:
    r = _run(["sync", "oparl", server.system_url, "--json"], tmp_path)
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["objects_new"] == 15 and report["files_fetched"] == 11
    assert report["failures"] == [] and report["bodies"] == [server.body_url]
    r = _run(["status", "2024/0101"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "Planungsausschuss · TOP 4: einstimmig empfohlen" in r.output
    assert "Stadtrat · TOP 7" in r.output
    r = _run(["zahlen", "--kind", "stellen"], tmp_path)
    assert "6 zusätzliche Planstellen" in r.output and "2024/0104" in r.output
    r = _run(["check"], tmp_path)  # the synced files count as the documents' sources
    assert r.exit_code == 0 and "no source file" not in r.output, r.output
    r = _run(["sync", "oparl", server.body_url], tmp_path)
    assert r.exit_code == 0 and "0 neu, 0 geändert, 0 gelöscht; 0 Dateien geladen" in r.output


def test_an_unusable_url_is_one_line(server: ReplayServer, tmp_path: Path) -> None:
    r = _run(["sync", "oparl", server.base + "/nirgends"], tmp_path)
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "HTTP 404" in r.output


def test_karlsruhe_replay_shows_the_consultation_path_of_2025_0657(tmp_path: Path) -> None:
    archive_dir = require_realdocs() / "karlsruhe-archive"
    archive = Archive.load(archive_dir, papers=12, include=("2025/0657",))
    with ReplayServer(archive, per_page=5) as server:
        r = _run(["sync", "oparl", server.system_url, "--json"], tmp_path)
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["files_fetched"] > 12
    r = _run(["status", "2025/0657"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "Umsetzung der Digitalisierung in Form der E-Akte" in r.output
    assert "30.09.2025 · Gemeinderat · TOP 30" in r.output
    r = _run(["status", "2025/0657", "--json"], tmp_path)
    steps = json.loads(r.output)["steps"]
    assert any(s["date"] == "2025-09-30" and s["top"] == "30" for s in steps)
    r = _run(
        ["ask", "Wie ist der Stand der Umsetzung der E-Akte in Karlsruhe?", "--json"], tmp_path
    )
    quotes = json.loads(r.output)["quotes"]
    assert quotes and any("2025/0657" in q["citation"] for q in quotes)
