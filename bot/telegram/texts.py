"""Every sentence the bot says itself, in German (default) and English.

Texts here are trusted HTML (they contain no document text); anything filled in
from documents, users or exceptions is escaped by the caller with ``html.escape``.
"""

from __future__ import annotations

from enum import StrEnum

from telegram import BotCommand


class Lang(StrEnum):
    DE = "de"
    EN = "en"


def pick_language(preference: str | None, language_code: str | None) -> Lang:
    """/sprache wins; else the Telegram client language; German when unknown."""
    if preference in (Lang.DE, Lang.EN):
        return Lang(preference)
    if language_code and language_code.lower().startswith("en"):
        return Lang.EN
    return Lang.DE


_TEXTS: dict[str, dict[Lang, str]] = {
    "help": {
        Lang.DE: (
            "<b>Ratsbot</b> beantwortet Fragen zu Ratsdokumenten mit wörtlichen Zitaten "
            "und genauer Quelle (Drucksache · Gremium · Datum · TOP · Seite).\n\n"
            "Im Index: <b>{documents}</b> Dokumente, {chunks} Abschnitte; "
            "neueste Sitzung: {newest}.\n\n"
            "<b>Beispielfragen</b>\n"
            "• Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?\n"
            "• Was hat der Rat zum Masterplan Digitale Verwaltung beschlossen?\n\n"
            "<b>Befehle</b>\n"
            "/frage FRAGE – Frage stellen (in Gruppen; oder @-Erwähnung)\n"
            "/quellen – Quellen der letzten Antwort\n"
            "/status DRUCKSACHE – Stand einer Vorlage\n"
            "/zahlen [THEMA] – Zahlen zu einem Thema\n"
            "/sprache de|en – Sprache wählen\n\n"
            "Gespräche werden nicht gespeichert; nur die letzten Antworten bleiben "
            "kurz im Arbeitsspeicher."
        ),
        Lang.EN: (
            "<b>Ratsbot</b> answers questions about council documents with verbatim quotes "
            "and exact sources (paper · committee · date · agenda item · page). "
            "Quotes stay in German.\n\n"
            "Indexed: <b>{documents}</b> documents, {chunks} passages; "
            "newest meeting: {newest}.\n\n"
            "<b>Example questions</b>\n"
            "• How many new Planstellen does the Masterplan Digitale Verwaltung request?\n"
            "• What did the council decide on the Masterplan Digitale Verwaltung?\n\n"
            "<b>Commands</b>\n"
            "/ask QUESTION – ask (in groups; or mention me)\n"
            "/sources – sources of the last answer\n"
            "/status PAPER – status of a paper\n"
            "/zahlen [TOPIC] – figures on a topic\n"
            "/sprache de|en – choose the language\n\n"
            "Chats are not stored; only the last answers stay briefly in memory."
        ),
    },
    "help_admin": {
        Lang.DE: "\n\n<b>Admin</b>: /reindex, /docs, /remove DOC_ID, Datei (PDF, TXT, MD) senden "
        "(Beschriftung „nicht öffentlich“: nur für Mitglieder).",
        Lang.EN: "\n\n<b>Admin</b>: /reindex, /docs, /remove DOC_ID, send a file (PDF, TXT, MD) "
        "(caption “nicht öffentlich”: members only).",
    },
    "unknown_date": {Lang.DE: "unbekannt", Lang.EN: "unknown"},
    "status_usage": {
        Lang.DE: "Bitte eine Drucksachennummer angeben, z. B. <code>/status 18828-20</code>.",
        Lang.EN: "Please give a paper number, e.g. <code>/status 18828-20</code>.",
    },
    "ask_usage": {
        Lang.DE: "Bitte die Frage direkt dahinter schreiben, z. B. "
        "<code>/frage Was kostet …?</code>",
        Lang.EN: "Please write the question right after it, e.g. "
        "<code>/ask What does … cost?</code>",
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
    "removed": {Lang.DE: "Dokument {id} entfernt.", Lang.EN: "Document {id} removed."},
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
        Lang.DE: "Datei <code>{name}</code> gespeichert, wird indiziert …",
        Lang.EN: "File <code>{name}</code> saved, indexing …",
    },
    "upload_received_np": {
        Lang.DE: "Datei <code>{name}</code> als <b>nicht öffentlich</b> gespeichert "
        "(nur für Mitglieder), wird indiziert …",
        Lang.EN: "File <code>{name}</code> saved as <b>non-public</b> (members only), indexing …",
    },
    "non_public": {Lang.DE: "nicht öffentlich", Lang.EN: "non-public"},
    "upload_done": {
        Lang.DE: "Indiziert: {added} neu, {changed} geändert, {unchanged} unverändert, "
        "{failed} fehlgeschlagen.",
        Lang.EN: "Indexed: {added} added, {changed} changed, {unchanged} unchanged, "
        "{failed} failed.",
    },
}


def t(lang: Lang | str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in (callers escape them)."""
    entry = _TEXTS[key]
    text = entry.get(Lang(lang) if lang in (Lang.DE, Lang.EN) else Lang.DE, entry[Lang.DE])
    return text.format(**values) if values else text


COMMANDS: dict[Lang, list[BotCommand]] = {
    Lang.DE: [
        BotCommand("start", "Begrüßung und Hilfe"),
        BotCommand("help", "Was der Bot weiß und kann"),
        BotCommand("frage", "Eine Frage stellen"),
        BotCommand("quellen", "Quellen der letzten Antwort"),
        BotCommand("status", "Stand einer Drucksache"),
        BotCommand("zahlen", "Zahlen zu einem Thema"),
        BotCommand("sprache", "Sprache wählen: de oder en"),
    ],
    Lang.EN: [
        BotCommand("start", "Welcome and help"),
        BotCommand("help", "What the bot knows and can do"),
        BotCommand("ask", "Ask a question"),
        BotCommand("sources", "Sources of the last answer"),
        BotCommand("status", "Status of a paper"),
        BotCommand("zahlen", "Figures on a topic"),
        BotCommand("sprache", "Choose the language: de or en"),
    ],
}

ADMIN_COMMANDS: list[BotCommand] = [
    BotCommand("reindex", "Korpus neu indizieren"),
    BotCommand("docs", "Neueste Dokumente"),
    BotCommand("remove", "Dokument entfernen: /remove DOC_ID"),
]
