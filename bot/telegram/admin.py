"""Admin commands: /reindex, /docs, /remove and uploading minutes in a private chat.

Admins are Telegram user ids in ``settings.admin_ids``; anyone else gets a
refusal and nothing changes. Ingesting runs in a worker thread, so questions
keep being answered meanwhile (the service switches indexes atomically).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from telegram import Update

from bot.render_html import Span, pack, render_document
from bot.telegram.context import RatsContext, esc, is_private, keep_typing, reply
from bot.telegram.texts import Lang, t
from index.records import IngestReport

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = frozenset({".pdf", ".txt", ".md"})
UPLOAD_FOLDER = "uploads"
NON_PUBLIC_FOLDER = "nichtoeffentlich"  # see index/visibility.py
DOCS_LIMIT = 15
MAX_FAILURES_SHOWN = 5


async def require_admin(update: Update, context: RatsContext) -> bool:
    """True for admins; everyone else gets a refusal."""
    if context.is_admin(update):
        return True
    logger.info("refused an admin action by a non-admin")
    await reply(update, t(context.language(update), "admins_only"))
    return False


async def cmd_reindex(update: Update, context: RatsContext) -> None:
    """/reindex: re-ingest the corpus folders incrementally and report the counts."""
    if not await require_admin(update, context):
        return
    lang = context.language(update)
    await reply(update, t(lang, "reindex_started"))
    report = await context.blocking(context.service.reindex)
    await reply(update, report_text(report, lang, "reindex_done"))


async def cmd_docs(update: Update, context: RatsContext) -> None:
    """/docs: the newest documents with their ids (for /remove)."""
    if not await require_admin(update, context):
        return
    lang = context.language(update)
    docs = await context.blocking(
        context.service.documents, DOCS_LIMIT, audience=context.audience(update)
    )
    if not docs:
        await reply(update, t(lang, "docs_empty"))
        return
    lines = [Span(t(lang, "docs_header"), "b")]
    for d in docs:
        date = d.meeting_date.strftime("%d.%m.%Y") if d.meeting_date else "–"
        numbers = ", ".join(d.own_numbers)
        lines += [Span("\n"), Span(str(d.id), "code")]
        lines.append(Span(f" {date} · {d.gremium or '–'} · {d.title or d.source_path}"))
        if numbers:
            lines.append(Span(f" · Drs. {numbers}"))
        if not d.public:
            lines.append(Span(f" · {t(lang, 'non_public')}", "i"))
    for text in pack([lines]):
        await reply(update, text)


async def cmd_remove(update: Update, context: RatsContext) -> None:
    """/remove DOC_ID: drop a document and everything derived from it."""
    if not await require_admin(update, context):
        return
    lang = context.language(update)
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit():
        await reply(update, t(lang, "remove_usage"))
        return
    doc_id = int(args[0])
    removed = await context.blocking(context.service.remove, doc_id)
    await reply(update, t(lang, "removed" if removed else "remove_unknown", id=doc_id))


async def on_upload(update: Update, context: RatsContext) -> None:
    """An admin sends a PDF/TXT/MD in a private chat: store it in the corpus and ingest it."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    if not is_private(update):
        return  # files shared in groups are none of the bot's business
    if not await require_admin(update, context):
        return
    lang = context.language(update)
    doc = message.document
    name = safe_filename(doc.file_name or "")
    if name is None or Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        await reply(update, t(lang, "upload_type"))
        return
    limit = context.settings.max_upload_bytes
    if doc.file_size is not None and doc.file_size > limit:  # checked before any download
        await reply(update, t(lang, "upload_too_big", mb=limit // (1024 * 1024)))
        return
    non_public = wants_non_public(message.caption)
    folder = context.settings.corpus_dirs[0] / UPLOAD_FOLDER
    if non_public:  # the folder is the flag: it survives every re-index (index/visibility.py)
        folder = folder / NON_PUBLIC_FOLDER
    target = inside(folder, name)
    partial = inside(folder, f".{name}.part")
    await context.blocking(folder.mkdir, parents=True, exist_ok=True)
    async with keep_typing(context, message.chat_id):
        tg_file = await doc.get_file()
        await tg_file.download_to_drive(partial)
        if partial.stat().st_size > limit:
            partial.unlink()
            await reply(update, t(lang, "upload_too_big", mb=limit // (1024 * 1024)))
            return
        partial.replace(target)  # a re-index never sees a half-written file
        key = "upload_received_np" if non_public else "upload_received"
        await reply(update, t(lang, key, name=esc(name)))
        report = await context.blocking(context.service.ingest, [target])
    await reply(update, report_text(report, lang, "upload_done"))
    for doc_id in report.new_document_ids:
        info = await context.blocking(
            context.service.document, doc_id, audience=context.audience(update)
        )
        if info is not None:
            await reply(update, render_document(info, lang))


def wants_non_public(caption: str | None) -> bool:
    """A caption saying "nicht öffentlich" (or "nichtöffentlich", "np") flags the upload."""
    words = " ".join((caption or "").lower().replace("-", " ").split())
    return bool(re.search(r"\bnicht ?(?:ö|oe)ffentlich|\bnon ?public\b|^np\b", words))


def report_text(report: IngestReport, lang: Lang, key: str) -> str:
    """Counts of an ingest run plus the first failures (file and reason, escaped)."""
    text = t(
        lang,
        key,
        seconds=report.seconds,
        added=len(report.added),
        changed=len(report.changed),
        unchanged=len(report.unchanged),
        failed=len(report.failed),
    )
    for failure in report.failed[:MAX_FAILURES_SHOWN]:
        text += f"\n• {t(lang, 'failed_file')}: <code>{esc(Path(failure.path).name)}</code>"
        text += f" – {esc(failure.reason[:200])}"
    return text


def safe_filename(name: str) -> str | None:
    """A file name that cannot leave its folder: no separators, no ``..``, no control chars."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]  # keep only the last path component
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ]", "_", name).strip().replace(" ", "_")
    name = re.sub(r"\.{2,}", ".", name).lstrip(".-")
    if not name or not Path(name).stem:
        return None
    stem, suffix = Path(name).stem, Path(name).suffix
    return stem[: 120 - len(suffix)] + suffix


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing anything that would resolve outside ``folder``."""
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise ValueError(f"refusing to write outside {root}")
    return path
