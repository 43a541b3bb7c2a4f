"""The shared scripted conversation on Teams: real SDK, real HTTP, fake connector."""

from __future__ import annotations

from pathlib import Path

from tests.bot.teams.driver import driver
from tests.support.script import run_script


async def test_the_shared_script_passes_on_teams(tmp_path: Path) -> None:
    async with driver(tmp_path) as teams:
        transcript = await run_script(teams)
    assert "Quelle 2/" in transcript
