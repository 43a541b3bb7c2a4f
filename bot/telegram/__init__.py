from __future__ import annotations

from bot.telegram.app import run, run_telegram

__all__ = [
    "run",
    "run_telegram",
]
