from __future__ import annotations

from bot.answer.composition import compose
from bot.answer.model import Answer, Citation, Quote, Source
from bot.answer.render import answer_json, frame, render_plain
from bot.answer.source_lines import source_from_view

__all__ = [
    "Answer",
    "Citation",
    "Quote",
    "Source",
    "answer_json",
    "compose",
    "frame",
    "render_plain",
    "source_from_view",
]
