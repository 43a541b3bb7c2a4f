"""Questions and the buttons under answers: the part of the bot everyone uses.

The conversation adds no retrieval logic: it hands the question to
``service.ask`` in a worker thread (so one slow question never blocks other
chats), keeps the answer briefly for its buttons and replies with rich text.
Button payloads: ``src:<answer_id>:0`` opens the sources view, ``pg:<id>:<n>``
pages it (the platform edits that message), ``doc:<id>`` sends the documents.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from bot.answer import Answer
from bot.chat.cards import answer_paragraphs, document_paragraphs, source_paragraphs
from bot.chat.messages import Action
from bot.chat.state import StoredAnswer, Verdict
from bot.chat.texts import Lang, hinted_language, plain
from bot.chat.turn import Turn

logger = logging.getLogger(__name__)

MAX_DOCUMENTS_PER_ANSWER = 3
MAX_SEND_BYTES = 50 * 1024 * 1024  # Telegram's sendDocument limit; Teams and Matrix allow more
ACTION_KINDS = ("src", "pg", "doc")


async def answer_question(turn: Turn, question: str) -> None:
    """Ask the service off the event loop, send the answer with its buttons."""
    if not question.strip():
        await turn.say("ask_usage")
        return
    verdict = turn.state.flood.check(turn.user_key)
    if verdict is Verdict.DROP:
        return
    if verdict is Verdict.WARN:
        await turn.say("flood")
        return
    started = time.perf_counter()
    language = hinted_language(turn.state.languages.get(turn.user_key), turn.incoming.language_code)
    async with turn.outbox.typing():
        answer = await turn.blocking(
            turn.service.ask, question, language=language, audience=turn.audience
        )
    answer_id = turn.state.answers.put(turn.chat_key, answer)
    await turn.send(
        answer_paragraphs(answer),
        kind="answer",
        actions=answer_actions(answer_id, answer),
        extra={"answer": answer, "answer_id": answer_id},
    )
    # no user id and no text in the log: only what helps operating the bot
    logger.info(
        "answered: platform=%s private=%s abstained=%s quotes=%d seconds=%.2f",
        turn.incoming.platform,
        turn.private,
        answer.abstained,
        len(answer.quotes),
        time.perf_counter() - started,
    )


def answer_actions(answer_id: str, answer: Answer) -> tuple[Action, ...]:
    """ "Quellen" and "Dokument" under an answer, labelled in the answer's language."""
    if not answer.sources:
        return ()
    lang = Lang(answer.language) if answer.language in (Lang.DE, Lang.EN) else Lang.DE
    return (
        Action(plain(lang, "button_sources"), f"src:{answer_id}:0"),
        Action(plain(lang, "button_document"), f"doc:{answer_id}"),
    )


def pager_actions(answer_id: str, index: int, total: int) -> tuple[Action, ...]:
    """◀ ▶ under a source message; pressing them replaces that message."""
    row = []
    if index > 0:
        row.append(Action("◀", f"pg:{answer_id}:{index - 1}"))
    if index < total - 1:
        row.append(Action("▶", f"pg:{answer_id}:{index + 1}"))
    return tuple(row)


async def on_action(turn: Turn, payload: str) -> None:
    """A pressed button: ``src`` opens the sources view, ``pg`` pages it, ``doc`` documents."""
    kind, _, rest = payload.partition(":")
    if kind not in ACTION_KINDS:
        return  # a button of some other bot version: nothing to do
    answer_id, _, index_text = rest.partition(":")
    stored = turn.state.answers.get(answer_id, turn.chat_key)
    if stored is None:
        await turn.say("answer_expired", kind="error", alert=True)
        return
    index = int(index_text) if index_text.isdigit() else 0
    if kind == "src":
        await send_source(turn, stored, index)
    elif kind == "pg":
        await send_source(turn, stored, index, edit=True)
    else:
        await send_documents(turn, stored)


async def send_source(turn: Turn, stored: StoredAnswer, index: int, *, edit: bool = False) -> None:
    """Source ``index`` as a new message, or (``edit``) in place of the pressed one."""
    sources = stored.answer.sources
    if not sources:
        await turn.say("no_sources")
        return
    index = min(index, len(sources) - 1)
    await turn.send(
        source_paragraphs(sources[index], index, len(sources), turn.lang),
        kind="source",
        actions=pager_actions(stored.answer_id, index, len(sources)),
        edit=edit,
        extra={"index": index, "total": len(sources)},
    )


async def send_documents(turn: Turn, stored: StoredAnswer) -> None:
    """Metadata of the answer's documents, and the original files found in the corpus."""
    sources = stored.answer.sources
    doc_ids = list(dict.fromkeys(s.document_id for s in sources))
    paths = list(dict.fromkeys(s.source_path for s in sources if s.source_path))
    for doc_id in doc_ids[:MAX_DOCUMENTS_PER_ANSWER]:
        info = await turn.blocking(turn.service.document, doc_id, audience=turn.audience)
        if info is not None:
            await turn.send(document_paragraphs(info, turn.lang), kind="document")
        else:  # not visible here (any more): its file is not sent either
            paths = [p for p in paths if not _source_of(stored, doc_id, p)]
    settings = turn.settings
    files = [
        f
        for f in (resolve_in_corpus(settings.corpus_dirs, p, settings.upload_folder) for p in paths)
        if f
    ]
    if not files:
        await turn.say("file_missing")
    for path in files[:MAX_DOCUMENTS_PER_ANSWER]:
        data = await turn.blocking(path.read_bytes)
        await turn.send([], kind="document", file=(path.name, data))


def _source_of(stored: StoredAnswer, doc_id: int, path: str) -> bool:
    return any(s.document_id == doc_id and s.source_path == path for s in stored.answer.sources)


def resolve_in_corpus(
    corpus_dirs: tuple[Path, ...], source_path: str, uploads: Path | None = None
) -> Path | None:
    """The original file for ``source_path``, only if it lies inside a corpus dir or ``uploads``.

    Uploads are keyed relative to the upload folder's parent (``uploads/x.pdf``);
    each corpus dir's ``uploads`` folder is looked in too, where older versions
    stored uploads.
    """
    found = [(base.resolve(), base.resolve() / p) for base in corpus_dirs
             for p in (source_path, f"uploads/{source_path}")]  # fmt: skip
    if uploads is not None:
        found.append((uploads.resolve(), uploads.resolve().parent / source_path))
    for root, candidate in found:
        path = candidate.resolve()
        if path.is_relative_to(root) and path.is_file() and path.stat().st_size <= MAX_SEND_BYTES:
            return path
    return None


async def show_last_sources(turn: Turn) -> None:
    """/quellen: the sources view of the last answer in this chat."""
    stored = turn.state.answers.last(turn.chat_key)
    if stored is None:
        await turn.say("no_last_answer")
        return
    await send_source(turn, stored, 0)
