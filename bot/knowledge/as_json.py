"""The ``--json`` of ``ratsbot status`` and ``ratsbot zahlen``: a contract for scripts.

Keys and their order stay as they are; the readable fields (``outcome_text``,
``current``, ``citation``) are the German plain text of ``render``.
"""

from __future__ import annotations

from typing import Any

from bot.knowledge.render import citation_text, current_state, outcome_text
from index.store import FigureItem, FigureList, KnowledgeCitation, PaperStatus, Step


def citation_json(c: KnowledgeCitation) -> dict[str, Any]:
    return {
        "document_id": c.document_id,
        "chunk_id": c.chunk_id,
        "source_path": c.source_path,
        "drucksachen": list(dict.fromkeys((*c.drucksachen, *c.mentioned))),
        "gremium": c.gremium,
        "date": c.date.isoformat() if c.date else None,
        "top": c.top,
        "page": c.page,
        "speaker": c.speaker,
        "text": c.text,
        "url": c.url,
        "citation": citation_text(c),
    }


def step_json(s: Step) -> dict[str, Any]:
    return {
        "date": s.date.isoformat() if s.date else None,
        "gremium": s.gremium,
        "top": s.top,
        "kind": s.kind,
        "outcome": str(s.outcome),
        "outcome_text": outcome_text(s, "de"),
        "detail": s.detail,
        "target": s.target,
        "vote": s.vote,
        "subject": s.subject,
        "paper": s.paper,
        "citation": citation_json(s.citation),
    }


def status_json(status: PaperStatus) -> dict[str, Any]:
    return {
        "query": status.query,
        "found": status.found,
        "paper": status.paper,
        "title": status.title,
        "date": status.date.isoformat() if status.date else None,
        "paper_type": status.paper_type,
        "related": status.related,
        "steps": [step_json(s) for s in status.steps],
        "current": current_state(status, "de") if status.found else None,
        "closest": status.closest,
    }


def figure_json(f: FigureItem) -> dict[str, Any]:
    return {
        "value": f.value,
        "text": f.text,
        "unit": f.unit,
        "kind": f.kind,
        "about": f.about,
        "period": f.period,
        "paper": f.paper,
        "mentions": list(f.mentions),
        "date": f.date.isoformat() if f.date else None,
        "speaker": f.speaker,
        "citation": citation_json(f.citation),
    }


def figures_json(found: FigureList) -> dict[str, Any]:
    return {
        "topic": found.topic,
        "kind": found.kind,
        "figures": [figure_json(f) for f in found.figures],
    }
