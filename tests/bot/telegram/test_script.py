"""The shared scripted conversation (issue 8's acceptance) through the real Telegram bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.telegram.driver import driver
from tests.support.script import run_script


async def test_the_scripted_conversation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with driver(tmp_path, "fake") as telegram:
        transcript = await run_script(telegram)
    assert "Anna drückt [Quellen]" in transcript and "Quelle 2/" in transcript
    assert "[Quellen]  [Dokument]" in transcript and "Ratsbot (bearbeitet):" in transcript
    assert "<b>" not in transcript and "&lt;" not in transcript


async def test_transcripts_find_drivers_by_module_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.transcripts import find_driver, record

    assert find_driver("telegram") is driver and find_driver("nowhere") is None
    text = await record("telegram", tmp_path, "fake")
    assert text.startswith("Ratsbot – das gemeinsame Skript auf telegram")
    assert "Admin lädt hoch: Hundesteuer 2021.txt" in text
