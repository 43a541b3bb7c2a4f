"""Council knowledge for people: a paper's path and figures, as answers, text and JSON.

The facts are read by ``index.store`` (``paper_status``, ``figures``); this
package decides what an audience may learn, answers free-text status and
figure questions with them, and words them in German or English.
"""

from __future__ import annotations

from bot.knowledge.answers import (
    KnowledgeReads,
    SearchPassages,
    figure_first,
    figures_answer,
    is_status_question,
    paper_named,
    papers_named,
    status_answer,
    status_for,
)
from bot.knowledge.as_json import figures_json, status_json
from bot.knowledge.decisions import decision_answer, is_decision_question
from bot.knowledge.render import (
    current_state,
    figure_line,
    figure_value,
    outcome_text,
    render_figures,
    render_status,
)

__all__ = [
    "KnowledgeReads",
    "SearchPassages",
    "current_state",
    "decision_answer",
    "figure_first",
    "figure_line",
    "figure_value",
    "figures_answer",
    "figures_json",
    "is_decision_question",
    "is_status_question",
    "outcome_text",
    "paper_named",
    "papers_named",
    "render_figures",
    "render_status",
    "status_answer",
    "status_for",
    "status_json",
]
