from __future__ import annotations

from bot.teams.app import run_teams

__all__ = [
    "run_teams",
]
