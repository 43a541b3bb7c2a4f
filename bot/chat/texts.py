"""Every sentence the bot says itself, in German (default) and English.

Texts are written in a tiny markup that every platform can render: ``**bold**``,
```code``` and a blank line between paragraphs. The markup is parsed into
``Span`` paragraphs *before* values are filled in, so nothing filled in (document
titles, file names, exception messages) can ever become markup; each front end
escapes every span when it renders it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.chat.messages import Paragraph, Span, Tag


class Lang(StrEnum):
    DE = "de"
    EN = "en"


def pick_language(preference: str | None, language_code: str | None) -> Lang:
    """/sprache wins; else the client language; German when unknown."""
    if preference in (Lang.DE, Lang.EN):
        return Lang(preference)
    if language_code and language_code.lower().startswith("en"):
        return Lang.EN
    return Lang.DE


def hinted_language(preference: str | None, language_code: str | None) -> str | None:
    """The answer language the user asked for (/sprache, else the client's de/en), or None.

    None lets the service detect the language from the question itself, which is
    what platforms that report no client language (Teams, Matrix) rely on.
    """
    if preference in (Lang.DE, Lang.EN):
        return str(preference)
    code = (language_code or "").lower()
    for lang in Lang:
        if code.startswith(lang.value):
            return lang.value
    return None


_TEXTS: dict[str, dict[Lang, str]] = {
    "help": {
        Lang.DE: (
            "**Ratsbot** beantwortet Fragen zu Ratsdokumenten mit wörtlichen Zitaten "
            "und genauer Quelle (Drucksache · Gremium · Datum · TOP · Seite).\n\n"
            "Im Index: **{documents}** Dokumente, {chunks} Abschnitte; "
            "neueste Sitzung: {newest}.\n\n"
            "**Beispielfragen**\n"
            "• Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?\n"
            "• Was hat der Rat zum Masterplan Digitale Verwaltung beschlossen?\n\n"
            "**Befehle**\n"
            "/frage FRAGE – Frage stellen (in Gruppen; oder @-Erwähnung)\n"
            "/quellen – Quellen der letzten Antwort\n"
            "/status DRUCKSACHE – Stand einer Vorlage\n"
            "/zahlen [THEMA] – Zahlen zu einem Thema\n"
            "/sprache de|en – Sprache wählen\n\n"
            "Gespräche werden nicht gespeichert; nur die letzten Antworten bleiben "
            "kurz im Arbeitsspeicher."
        ),
        Lang.EN: (
            "**Ratsbot** answers questions about council documents with verbatim quotes "
            "and exact sources (paper · committee · date · agenda item · page). "
            "Quotes stay in German.\n\n"
            "Indexed: **{documents}** documents, {chunks} passages; "
            "newest meeting: {newest}.\n\n"
            "**Example questions**\n"
            "• How many new Planstellen does the Masterplan Digitale Verwaltung request?\n"
            "• What did the council decide on the Masterplan Digitale Verwaltung?\n\n"
            "**Commands**\n"
            "/ask QUESTION – ask (in groups; or mention me)\n"
            "/sources – sources of the last answer\n"
            "/status PAPER – status of a paper\n"
            "/zahlen [TOPIC] – figures on a topic\n"
            "/sprache de|en – choose the language\n\n"
            "Chats are not stored; only the last answers stay briefly in memory."
        ),
    },
    "help_admin": {
        Lang.DE: "**Admin**: /reindex, /docs, /remove DOC_ID, Datei (PDF, TXT, MD) senden "
        "(Beschriftung „nicht öffentlich“: nur für Mitglieder).",
        Lang.EN: "**Admin**: /reindex, /docs, /remove DOC_ID, send a file (PDF, TXT, MD) "
        "(caption “nicht öffentlich”: members only).",
    },
    "unknown_date": {Lang.DE: "unbekannt", Lang.EN: "unknown"},
    "status_usage": {
        Lang.DE: "Bitte eine Drucksachennummer angeben, z. B. `/status 18828-20`.",
        Lang.EN: "Please give a paper number, e.g. `/status 18828-20`.",
    },
    "ask_usage": {
        Lang.DE: "Bitte die Frage direkt dahinter schreiben, z. B. `/frage Was kostet …?`",
        Lang.EN: "Please write the question right after it, e.g. `/ask What does … cost?`",
    },
    "language_usage": {
        Lang.DE: "Verwendung: /sprache de oder /sprache en",
        Lang.EN: "Usage: /sprache de or /sprache en",
    },
    "language_set": {
        Lang.DE: "Ich antworte jetzt auf Deutsch.",
        Lang.EN: "I will answer in English now (quotes stay German).",
    },
    "no_last_answer": {
        Lang.DE: "In diesem Chat gibt es noch keine Antwort, zu der ich Quellen zeigen kann.",
        Lang.EN: "There is no answer in this chat yet whose sources I could show.",
    },
    "answer_expired": {
        Lang.DE: "Diese Antwort ist nicht mehr im Speicher. Bitte die Frage erneut stellen.",
        Lang.EN: "This answer is no longer in memory. Please ask again.",
    },
    "no_sources": {Lang.DE: "Keine Quellen vorhanden.", Lang.EN: "No sources available."},
    "flood": {
        Lang.DE: "Bitte einen Moment Geduld … Ich beantworte gleich wieder Fragen.",
        Lang.EN: "Please be patient for a moment … I will answer questions again shortly.",
    },
    "unknown_command": {
        Lang.DE: "Diesen Befehl kenne ich nicht. /help zeigt, was ich kann.",
        Lang.EN: "I don't know this command. /help shows what I can do.",
    },
    "not_allowed": {
        Lang.DE: "Dieser Bot steht nur freigeschalteten Personen und Gruppen zur Verfügung.",
        Lang.EN: "This bot is only available to authorised people and groups.",
    },
    "admins_only": {
        Lang.DE: "Das dürfen nur Administratorinnen und Administratoren.",
        Lang.EN: "Only administrators may do this.",
    },
    "error": {
        Lang.DE: "Entschuldigung, da ist etwas schiefgegangen. Bitte später noch einmal versuchen.",
        Lang.EN: "Sorry, something went wrong. Please try again later.",
    },
    "button_sources": {Lang.DE: "Quellen", Lang.EN: "Sources"},
    "button_document": {Lang.DE: "Dokument", Lang.EN: "Document"},
    "file_missing": {
        Lang.DE: "Die Originaldatei liegt nicht im Korpus.",
        Lang.EN: "The original file is not in the corpus.",
    },
    "reindex_started": {
        Lang.DE: "Neuindizierung läuft … Fragen werden weiter beantwortet.",
        Lang.EN: "Re-indexing … questions are still being answered.",
    },
    "reindex_done": {
        Lang.DE: "Neuindizierung fertig ({seconds:.1f} s): {added} neu, {changed} geändert, "
        "{unchanged} unverändert, {failed} fehlgeschlagen.",
        Lang.EN: "Re-indexing done ({seconds:.1f} s): {added} added, {changed} changed, "
        "{unchanged} unchanged, {failed} failed.",
    },
    "failed_file": {Lang.DE: "Fehlgeschlagen", Lang.EN: "Failed"},
    "docs_header": {Lang.DE: "Neueste Dokumente", Lang.EN: "Newest documents"},
    "docs_empty": {Lang.DE: "Der Index ist leer.", Lang.EN: "The index is empty."},
    "remove_usage": {Lang.DE: "Verwendung: /remove DOC_ID", Lang.EN: "Usage: /remove DOC_ID"},
    "removed": {
        Lang.DE: "Dokument {id} entfernt. Es bleibt auch bei /reindex entfernt, solange niemand "
        "seine Datei wieder hochlädt.",
        Lang.EN: "Document {id} removed. It stays removed on /reindex unless someone uploads "
        "its file again.",
    },
    "remove_unknown": {
        Lang.DE: "Ein Dokument mit der Nummer {id} gibt es nicht.",
        Lang.EN: "There is no document with id {id}.",
    },
    "upload_private": {
        Lang.DE: "Dateien bitte im privaten Chat mit mir hochladen.",
        Lang.EN: "Please upload files in a private chat with me.",
    },
    "upload_type": {
        Lang.DE: "Ich nehme nur PDF-, TXT- und MD-Dateien an.",
        Lang.EN: "I only accept PDF, TXT and MD files.",
    },
    "upload_too_big": {
        Lang.DE: "Die Datei ist zu groß (höchstens {mb} MB).",
        Lang.EN: "The file is too large (at most {mb} MB).",
    },
    "upload_received": {
        Lang.DE: "Datei `{name}` gespeichert, wird indiziert …",
        Lang.EN: "File `{name}` saved, indexing …",
    },
    "upload_received_np": {
        Lang.DE: "Datei `{name}` als **nicht öffentlich** gespeichert "
        "(nur für Mitglieder), wird indiziert …",
        Lang.EN: "File `{name}` saved as **non-public** (members only), indexing …",
    },
    "non_public": {Lang.DE: "nicht öffentlich", Lang.EN: "non-public"},
    "upload_done": {
        Lang.DE: "Indiziert: {added} neu, {changed} geändert, {unchanged} unverändert, "
        "{failed} fehlgeschlagen.",
        Lang.EN: "Indexed: {added} added, {changed} changed, {unchanged} unchanged, "
        "{failed} failed.",
    },
}

_MARKUP = re.compile(r"\*\*(.+?)\*\*|`(.+?)`", re.S)


def _template(lang: Lang | str, key: str) -> str:
    entry = _TEXTS[key]
    return entry.get(Lang(lang) if lang in (Lang.DE, Lang.EN) else Lang.DE, entry[Lang.DE])


def parse_markup(template: str, **values: object) -> list[Paragraph]:
    """Paragraphs of a trusted template; ``values`` are filled into spans, never parsed."""
    paragraphs: list[Paragraph] = []
    for block in template.split("\n\n"):
        pieces: list[tuple[str, Tag | None]] = []
        pos = 0
        for m in _MARKUP.finditer(block):
            if m.start() > pos:
                pieces.append((block[pos : m.start()], None))
            pieces.append((m.group(1), "b") if m.group(1) is not None else (m.group(2), "code"))
            pos = m.end()
        if pos < len(block):
            pieces.append((block[pos:], None))
        paragraphs.append([Span(text.format(**values) if values else text, tag)
                           for text, tag in pieces])  # fmt: skip
    return paragraphs


def rich(lang: Lang | str, key: str, **values: object) -> list[Paragraph]:
    """The text ``key`` in ``lang`` as paragraphs, ``values`` filled in as plain text."""
    return parse_markup(_template(lang, key), **values)


def plain(lang: Lang | str, key: str, **values: object) -> str:
    """The text ``key`` without markup (button labels, pop-up notices)."""
    return "\n\n".join("".join(s.text for s in p) for p in rich(lang, key, **values))


MenuEntry = tuple[str, str]  # command name (without "/"), short description

MENU: dict[Lang, list[MenuEntry]] = {
    Lang.DE: [
        ("start", "Begrüßung und Hilfe"),
        ("help", "Was der Bot weiß und kann"),
        ("frage", "Eine Frage stellen"),
        ("quellen", "Quellen der letzten Antwort"),
        ("status", "Stand einer Drucksache"),
        ("zahlen", "Zahlen zu einem Thema"),
        ("sprache", "Sprache wählen: de oder en"),
    ],
    Lang.EN: [
        ("start", "Welcome and help"),
        ("help", "What the bot knows and can do"),
        ("ask", "Ask a question"),
        ("sources", "Sources of the last answer"),
        ("status", "Status of a paper"),
        ("zahlen", "Figures on a topic"),
        ("sprache", "Choose the language: de or en"),
    ],
}

ADMIN_MENU: dict[Lang, list[MenuEntry]] = {
    Lang.DE: [
        ("reindex", "Korpus neu indizieren"),
        ("docs", "Neueste Dokumente"),
        ("remove", "Dokument entfernen: /remove DOC_ID"),
    ],
    Lang.EN: [
        ("reindex", "Re-index the corpus"),
        ("docs", "Newest documents"),
        ("remove", "Remove a document: /remove DOC_ID"),
    ],
}
