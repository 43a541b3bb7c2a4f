"""Admin commands: /reindex, /docs, /remove and uploading minutes in a private chat.

Admins are the platform's admin ids (``bot.chat.access``); anyone else gets a
refusal and nothing changes. Ingesting runs in a worker thread, so questions
keep being answered meanwhile (the service switches indexes atomically).
An upload is checked (type, declared size) before anything is downloaded,
stored under a safe name, written aside and renamed, so a re-index never
sees half a file.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from bot.chat.cards import document_paragraphs
from bot.chat.messages import Paragraph, Span, Upload
from bot.chat.texts import Lang, plain, rich
from bot.chat.turn import Turn
from index.store import IngestReport

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = frozenset({".pdf", ".txt", ".md"})
NON_PUBLIC_FOLDER = "nichtoeffentlich"  # see index/visibility.py
DOCS_LIMIT = 15
MAX_FAILURES_SHOWN = 5


async def require_admin(turn: Turn) -> bool:
    """True for admins; everyone else gets a refusal."""
    if turn.is_admin:
        return True
    logger.info("refused an admin action by a non-admin")
    await turn.say("admins_only", kind="error")
    return False


async def reindex(turn: Turn) -> None:
    """/reindex: re-ingest the corpus folders incrementally and report the counts."""
    if not await require_admin(turn):
        return
    await turn.say("reindex_started")
    async with turn.outbox.typing():
        report = await turn.blocking(turn.service.reindex)
    await turn.send(report_paragraphs(report, turn.lang, "reindex_done"))


async def list_documents(turn: Turn) -> None:
    """/docs: the newest documents with their ids (for /remove)."""
    if not await require_admin(turn):
        return
    docs = await turn.blocking(turn.service.documents, DOCS_LIMIT, audience=turn.audience)
    if not docs:
        await turn.say("docs_empty")
        return
    lines = [Span(plain(turn.lang, "docs_header"), "b")]
    for d in docs:
        date = d.meeting_date.strftime("%d.%m.%Y") if d.meeting_date else "–"
        numbers = ", ".join(d.own_numbers)
        lines += [Span("\n"), Span(str(d.id), "code")]
        lines.append(Span(f" {date} · {d.gremium or '–'} · {d.title or d.source_path}"))
        if numbers:
            lines.append(Span(f" · Drs. {numbers}"))
        if not d.public:
            lines.append(Span(f" · {plain(turn.lang, 'non_public')}", "i"))
    await turn.send([lines])


async def remove(turn: Turn) -> None:
    """/remove DOC_ID: drop a document and everything derived from it."""
    if not await require_admin(turn):
        return
    args = turn.args.split()
    if len(args) != 1 or not args[0].isdigit():
        await turn.say("remove_usage")
        return
    doc_id = int(args[0])
    removed = await turn.blocking(turn.service.remove, doc_id)
    await turn.say("removed" if removed else "remove_unknown", id=doc_id)


async def receive_upload(turn: Turn, upload: Upload) -> None:
    """An admin sends a PDF/TXT/MD in a private chat: store it in the upload folder, ingest it."""
    if not turn.private:
        return  # files shared in groups are none of the bot's business
    if not await require_admin(turn):
        return
    name = safe_filename(upload.name)
    if name is None or Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        await turn.say("upload_type", kind="error")
        return
    limit = turn.settings.max_upload_bytes
    if upload.size is not None and upload.size > limit:  # checked before any download
        await turn.say("upload_too_big", kind="error", mb=limit // (1024 * 1024))
        return
    non_public = wants_non_public(upload.caption)
    folder = turn.settings.upload_folder  # under the data dir: never the package's corpus/
    if non_public:  # the folder is the flag: it survives every re-index (index/visibility.py)
        folder = folder / NON_PUBLIC_FOLDER
    target = inside(folder, name)
    partial = inside(folder, f".{name}.part")
    await turn.blocking(folder.mkdir, parents=True, exist_ok=True)
    async with turn.outbox.typing():
        try:
            await upload.fetch(partial)
            too_big = partial.stat().st_size > limit
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if too_big:
            partial.unlink()
            await turn.say("upload_too_big", kind="error", mb=limit // (1024 * 1024))
            return
        partial.replace(target)  # a re-index never sees a half-written file
        await turn.say("upload_received_np" if non_public else "upload_received", name=name)
        report = await turn.blocking(turn.service.ingest, [target])
    await turn.send(report_paragraphs(report, turn.lang, "upload_done"))
    for doc_id in report.new_document_ids:
        info = await turn.blocking(turn.service.document, doc_id, audience=turn.audience)
        if info is not None:
            await turn.send(document_paragraphs(info, turn.lang), kind="document")


def wants_non_public(caption: str | None) -> bool:
    """A caption saying "nicht öffentlich" (or "nichtöffentlich", "np") flags the upload."""
    words = " ".join((caption or "").lower().replace("-", " ").split())
    return bool(re.search(r"\bnicht ?(?:ö|oe)ffentlich|\bnon ?public\b|^np\b", words))


def report_paragraphs(report: IngestReport, lang: Lang, key: str) -> list[Paragraph]:
    """Counts of an ingest run plus the first failures (file and reason), one paragraph."""
    (para,) = rich(
        lang,
        key,
        seconds=report.seconds,
        added=len(report.added),
        changed=len(report.changed),
        unchanged=len(report.unchanged),
        failed=len(report.failed),
    )
    for failure in report.failed[:MAX_FAILURES_SHOWN]:
        para = [
            *para,
            Span(f"\n• {plain(lang, 'failed_file')}: "),
            Span(Path(failure.path).name, "code"),
            Span(f" – {failure.reason[:200]}"),
        ]
    return [para]


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
