"""The shared scripted conversation (issue 8's acceptance) through the real Matrix bot."""

from __future__ import annotations

from pathlib import Path

from bot.matrix import render
from tests.bot.matrix.driver import driver
from tests.support.script import run_script


async def test_the_scripted_conversation(tmp_path: Path) -> None:
    async with driver(tmp_path, "fake") as matrix:
        transcript = await run_script(matrix)
        hs = matrix.live.hs
        for event in hs.bot_events(event_type="m.room.message"):
            content = event.content.get("m.new_content", event.content)
            if "formatted_body" in content:
                assert render.html_errors(content["formatted_body"]) == [], content
        assert hs.unknown_calls() == []
    assert "Anna drückt [Quellen]" in transcript and "Quelle 2/" in transcript
    assert "[Quellen]  [Dokument]" in transcript and "Ratsbot (bearbeitet):" in transcript
    assert "<b>" not in transcript and "&lt;" not in transcript
