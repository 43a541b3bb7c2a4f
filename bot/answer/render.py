"""Plain-text and JSON rendering of an answer (terminal, ``ratsbot ask --json``, evaluation).

Frame text follows the question's language; quotes stay German. The JSON form
is the contract of ``ratsbot ask --json`` that tests and evaluation rely on;
its ``answer`` field is the plain text.
"""

from __future__ import annotations

from typing import Any

from bot.answer.model import Answer

FRAME = {
    "de": {
        "no_answer": "Dazu habe ich in den vorliegenden Unterlagen nichts gefunden.",
        "closest": "Am nächsten kommen diese Dokumente:",
        "sources": "Quellen:",
        "from_docs": "Aus den Unterlagen:",
    },
    "en": {
        "no_answer": "I found nothing on this in the documents available to me.",
        "closest": "The closest documents are:",
        "sources": "Sources:",
        "from_docs": "From the documents (quoted in German):",
    },
}


def frame(language: str, key: str) -> str:
    return FRAME.get(language, FRAME["de"])[key]


def render_plain(answer: Answer) -> str:
    """The plain-text answer: quotes with their citations, or the notice and closest documents."""
    lines: list[str] = []
    lang = answer.language
    if answer.notice:
        lines += [answer.notice, ""]
    if answer.abstained:
        lines.append(frame(lang, "no_answer"))
        if answer.sources:
            lines += ["", frame(lang, "closest")]
            seen = set()
            for s in answer.sources:
                if s.document_id in seen:
                    continue
                seen.add(s.document_id)
                lines.append(f"- {s.title} ({s.citation.format()})")
        return "\n".join(lines)
    lines.append(frame(lang, "from_docs"))
    for q in answer.quotes:
        who = f"{q.speaker}: " if q.speaker else ""
        lines += ["", f"{who}„{q.text}“", f"  [{q.source_rank}] {q.citation.format()}"]
    lines += ["", frame(lang, "sources")]
    for s in answer.sources:
        lines.append(f"[{s.rank}] {s.heading()}")
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as ``ratsbot ask --json`` prints it."""
    return {
        "question": answer.question,
        "language": answer.language,
        "abstained": answer.abstained,
        "answer": render_plain(answer),
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "citation": q.citation.format(),
                "source_rank": q.source_rank,
            }
            for q in answer.quotes
        ],
        "sources": [s.to_json() for s in answer.sources],
        "evidence": answer.evidence.as_dict() if answer.evidence is not None else None,
    }
