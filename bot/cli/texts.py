"""What the ``ratsbot`` command prints, in German (default) and English.

One output speaks one language: ``--lang`` chooses it, else an English locale
(``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``en``) makes it English,
else German. Messages from below the CLI (file failures, ``RatsbotError``) are
written in English; :func:`translate` puts the known phrases of them into German,
and whatever it does not know (an exception's own text) stays as it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import click

LANGS = ("de", "en")

TEXTS: dict[str, dict[str, str]] = {
    "error": {"de": "Fehler", "en": "Error"},
    "waiting": {
        "de": "Ein anderer Ingest läuft gerade, warte …",
        "en": "Another ingest is running, waiting …",
    },
    "nothing_changed": {
        "de": "Nichts geändert: alle Dokumente sind aktuell.",
        "en": "Nothing changed: all documents are up to date.",
    },
    "summary": {
        "de": "{added} neu, {changed} geändert, {unchanged} unverändert",
        "en": "{added} new, {changed} changed, {unchanged} unchanged",
    },
    "summary_removed": {"de": "{n} entfernt", "en": "{n} removed"},
    "summary_kept_removed": {
        "de": "{n} bleiben entfernt (ratsbot remove)",
        "en": "{n} stay removed (ratsbot remove)",
    },
    "summary_failed": {"de": "{n} fehlgeschlagen", "en": "{n} failed"},
    "ingest_counts": {
        "de": "{summary}; {chunks} Abschnitte, {embedded} Texte eingebettet ({seconds:.1f} s)",
        "en": "{summary}; {chunks} passages, {embedded} texts embedded ({seconds:.1f} s)",
    },
    "removed": {"de": "Dokument {id} entfernt ({path}).", "en": "Document {id} removed ({path})."},
    "removed_stays": {
        "de": "Es bleibt entfernt, auch wenn `ratsbot reindex` oder ein Ingest seines Ordners "
        "die Datei wieder sieht. Um es wieder aufzunehmen: ratsbot ingest <Datei>; "
        "um es ganz loszuwerden, die Datei löschen.",
        "en": "It stays removed when `ratsbot reindex` or an ingest of its folder sees the "
        "file again. To bring it back: ratsbot ingest <file>; to be rid of it, delete the file.",
    },
    "no_document": {"de": "kein Dokument mit der Id {id}", "en": "no document with id {id}"},
    "passages": {"de": "Abschnitte", "en": "passages"},
    "non_public": {"de": "nicht öffentlich", "en": "non-public"},
    "no_documents": {"de": "Noch keine Dokumente.", "en": "No documents yet."},
    "merged": {
        "de": "Index zusammengeführt: {n} Segment(e).",
        "en": "Index merged: {n} segment(s).",
    },
    "search_tables_synced": {
        "de": "Suchtabellen in PostgreSQL abgeglichen.",
        "en": "Search tables in PostgreSQL brought up to date.",
    },
    "check_store": {
        "de": "Generation {gen}: {docs} Dokumente ({np} nicht öffentlich), {chunks} Abschnitte",
        "en": "Generation {gen}: {docs} documents ({np} non-public), {chunks} passages",
    },
    "check_index": {
        "de": "Index: Generation {gen}, {chunks} Abschnitte",
        "en": "Index: generation {gen}, {chunks} passages",
    },
    "check_no_index": {"de": "Index: noch keine Indexdateien", "en": "Index: no index files yet"},
    "check_embedder": {"de": "Embedder {e}", "en": "embedder {e}"},
    "check_no_embedder": {"de": "noch kein Embedder", "en": "no embedder yet"},
    "severity_error": {"de": "Fehler", "en": "error"},
    "severity_warning": {"de": "Warnung", "en": "warning"},
    "severity_ok": {"de": "ok", "en": "ok"},
    "bad_date": {
        "de": "'{value}' ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)",
        "en": "'{value}' is not a date (DD.MM.YYYY or YYYY-MM-DD)",
    },
    "bad_paper": {
        "de": "'{value}' ist keine Drucksachennummer",
        "en": "'{value}' is not a paper number",
    },
    "no_question": {
        "de": "eine FRAGE angeben oder --jsonl",
        "en": "give a QUESTION or use --jsonl",
    },
    "internal": {
        "de": "interner Fehler ({what}); RATSBOT_DEBUG=1 zeigt Einzelheiten",
        "en": "internal error ({what}); set RATSBOT_DEBUG=1 for details",
    },
}

STATS_LABELS: dict[str, dict[str, str]] = {
    "documents": {"de": "Dokumente", "en": "documents"},
    "chunks": {"de": "Abschnitte", "en": "passages"},
    "duplicate_chunks": {"de": "zitierte Duplikate", "en": "quoted duplicates"},
    "references": {"de": "Verweise", "en": "references"},
    "speakers": {"de": "Redner", "en": "speakers"},
    "embedded_chunks": {"de": "Abschnitte mit Vektor", "en": "passages with vectors"},
    "newest_meeting_date": {"de": "neueste Sitzung", "en": "newest meeting"},
    "embedder": {"de": "Embedder", "en": "embedder"},
}

# English phrases of messages from index/ and their German; longest first when applied
_PHRASES_DE = {
    "file or folder not found": "Datei oder Ordner nicht gefunden",
    "file not found": "Datei nicht gefunden",
    "is a directory, not a file": "ist ein Ordner, keine Datei",
    "cannot be read": "nicht lesbar",
    "cannot read": "nicht lesbar",
    "empty file": "leere Datei",
    "not a text file": "keine Textdatei",
    "binary content": "binärer Inhalt",
    "contains NUL bytes": "enthält NUL-Bytes",
    "damaged PDF": "beschädigte PDF-Datei",
    "no PDF header": "kein PDF-Kopf",
    "encrypted PDF": "verschlüsselte PDF-Datei",
    "PDF has no text layer (scanned?)": "PDF ohne Textebene (gescannt?)",
    "unsupported file type": "nicht unterstützter Dateityp",
    "file too large": "Datei zu groß",
    "text too long": "Text zu lang",
    "no text after cleaning": "kein Text nach der Bereinigung",
    "too many passages": "zu viele Abschnitte",
    "not valid JSON": "kein gültiges JSON",
    "not OParl JSON": "kein OParl-JSON",
    "another ingest is running on this data directory; try again later": (
        "ein anderer Ingest läuft gerade in diesem Datenverzeichnis; später noch einmal versuchen"
    ),
    "run 'ratsbot reindex'": "'ratsbot reindex' ausführen",
}
_PHRASE_RE = re.compile("|".join(re.escape(p) for p in sorted(_PHRASES_DE, key=len, reverse=True)))


def env_lang(env: Mapping[str, str] | None = None) -> str:
    """``en`` when the locale is English (``LC_ALL`` > ``LC_MESSAGES`` > ``LANG``), else ``de``."""
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "de"
    return "de"


def set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Click callback of every ``--lang``: the command's choice wins over the group's."""
    if value is not None:
        ctx.ensure_object(dict)["lang"] = value
    return value


def lang_of(ctx: click.Context | None = None) -> str:
    """The output language of this invocation."""
    ctx = ctx or click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("lang") in LANGS:
            return str(ctx.obj["lang"])
        ctx = ctx.parent
    return env_lang()


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The text ``key`` in ``lang`` (default: this invocation's language)."""
    return TEXTS[key][lang or lang_of()].format(**params)


def translate(message: str, lang: str | None = None) -> str:
    """A message from below the CLI in the output language (German: known phrases replaced)."""
    if (lang or lang_of()) != "de":
        return message
    return _PHRASE_RE.sub(lambda m: _PHRASES_DE[m[0]], message)


def lang_option(fn: click.decorators.FC) -> click.decorators.FC:
    """``--lang de|en`` for a command that prints text (the output language)."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=set_lang,
        help="Output language (default: German, English under an English LANG).",
    )(fn)
