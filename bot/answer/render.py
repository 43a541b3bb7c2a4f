"""Plain-text rendering of an answer (terminal, JSON ``answer`` field, tests).

Frame text follows the question's language; quotes stay German.
"""

from __future__ import annotations

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
