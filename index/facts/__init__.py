from __future__ import annotations

from index.facts.decisions import (
    FoundStep,
    Outcome,
    body_head,
    classify_result,
    dated_steps,
    decision_steps,
    result_steps,
    table_steps,
)
from index.facts.figures import (
    FIGURE_CUE,
    FigureKind,
    find_figures,
    is_figure_question,
    wanted_kind,
)
from index.facts.numbers import format_amount, format_german_number
from index.facts.references import FoundReference, find_references, normalise_reference

__all__ = [
    "FIGURE_CUE",
    "FigureKind",
    "FoundReference",
    "FoundStep",
    "Outcome",
    "body_head",
    "classify_result",
    "dated_steps",
    "decision_steps",
    "find_figures",
    "find_references",
    "format_amount",
    "format_german_number",
    "is_figure_question",
    "normalise_reference",
    "result_steps",
    "table_steps",
    "wanted_kind",
]
