from __future__ import annotations

from bot.answer.composition import compose, source_from_view
from bot.answer.model import Answer, Citation, Quote, Source
from bot.answer.render import frame

__all__ = [
    "Answer",
    "Citation",
    "Quote",
    "Source",
    "compose",
    "frame",
    "source_from_view",
]
