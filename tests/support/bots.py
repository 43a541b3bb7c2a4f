"""Types of the shared service fixtures in tests/conftest.py (``make_bot``, ``bot``)."""

from __future__ import annotations

from collections.abc import Callable

from bot.service import Ratsbot

# make_bot(base_settings=None, *, index=True, **settings_overrides) -> an open Ratsbot
MakeBot = Callable[..., Ratsbot]
