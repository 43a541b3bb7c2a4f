"""The one object every front end talks to: ask, ingest, list, remove.

Chat front ends (Telegram, later Teams and Matrix) and the CLI hold a
``Ratsbot`` and call these methods; they add no retrieval logic of their own.
Methods block (model inference, FAISS); async front ends run them in a worker
thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Protocol

from bot.answer import Answer, compose
from bot.audience import Audience
from bot.knowledge import (
    KnowledgeReads,
    decision_answer,
    figure_first,
    is_decision_question,
    papers_named,
    status_answer,
    status_for,
)
from bot.settings import Settings
from index.embed import get_embedder
from index.errors import IndexOutOfSync
from index.ingest import (
    PhaseHook,
    Publisher,
    check_embedder,
    fill_sentences,
    index_writer,
    ingest_lock,
    ingest_paths,
    open_store,
)
from index.query import analyse
from index.retrieval import (
    CheckReport,
    Filters,
    PgSearcher,
    check_data_dir,
    drop_index_files,
    index_agrees,
    one_thread,
    open_searcher,
    remove_stale_temp,
)
from index.store import (
    DocumentInfo,
    FigureList,
    IngestReport,
    PaperStatus,
    Stats,
    Store,
    figures,
    public_document_ids,
    visible_stats,
)

log = logging.getLogger(__name__)


class RatsbotService(Protocol):
    """What a chat front end may call, and all it may call.

    Thread-safe: questions run while an ingest runs. Reads take the asking
    ``audience`` and show only what it may see; ``ingest``, ``reindex`` and
    ``remove`` are for admins (the conversation checks who asks).
    """

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        language: str | None = None,
        audience: Audience = Audience.PUBLIC,
    ) -> Answer:
        """Answer ``question`` from what ``audience`` may see; ``language`` overrides detection."""
        ...

    def ingest(self, paths: list[Path]) -> IngestReport:
        """Ingest files or folders incrementally; answers switch to the new index at the end."""
        ...

    def reindex(self) -> IngestReport:
        """Re-ingest the configured corpus folders incrementally."""
        ...

    def documents(
        self, limit: int | None = None, *, audience: Audience = Audience.PUBLIC
    ) -> list[DocumentInfo]:
        """Documents ``audience`` may see, newest meeting date first."""
        ...

    def document(self, doc_id: int, *, audience: Audience = Audience.PUBLIC) -> DocumentInfo | None:
        """One document; None if unknown or hidden from ``audience``."""
        ...

    def remove(self, doc_id: int) -> bool:
        """Remove a document and everything derived from it; False if unknown."""
        ...

    def stats(self, *, audience: Audience = Audience.PUBLIC) -> Stats:
        """Counts of what ``audience`` may see (``/start`` shows them)."""
        ...

    def status(self, number: str, *, audience: Audience = Audience.PUBLIC) -> PaperStatus:
        """A paper's path (steps, outcomes, citations); ``found`` False with close numbers."""
        ...

    def figures(
        self,
        topic: str | None = None,
        kind: str | None = None,
        *,
        audience: Audience = Audience.PUBLIC,
    ) -> FigureList:
        """Figures with their source, newest first; ``kind``: stellen|euro|prozent|anzahl."""
        ...


MAX_QUESTION_CHARS = 1000
TRUNCATED = {
    "de": "Die Frage war sehr lang und wurde gekürzt.",
    "en": "The question was very long and has been shortened.",
}


class Ratsbot:
    """The engine behind every front end: one store, one embedder, one searcher.

    Ingests are serialised by a lock (and a lock file against other processes);
    questions read the searcher's current snapshot, which a finished ingest
    replaces in one assignment, so answers never see half a re-index.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # a store written by an older Ratsbot is upgraded first, under the ingest lock
        self.store = open_store(
            settings.db_url, settings.data_dir, auto_upgrade=settings.auto_upgrade
        )
        self.embedder = get_embedder(settings.embedder, settings.device)
        self.index_dir = settings.data_dir / "index"
        writes = partial(index_writer, settings.data_dir)  # postgres: no index files here
        self.searcher = open_searcher(
            settings.search, self.store, self.embedder, self.index_dir, settings.dense_index, writes
        )
        self.publisher: Publisher = self.searcher  # ingests publish their generations to it
        self._ingest_lock = threading.Lock()  # then the lock file and the database's lock:
        self._exclusive = partial(ingest_lock, self.store, settings.data_dir, self._ingest_lock)
        self._verified_generation: int | None = None

    def close(self) -> None:
        self.store.close()

    # -- questions -------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        language: str | None = None,
        filters: Filters | None = None,
        audience: Audience = Audience.PUBLIC,
    ) -> Answer:
        """Answer from what ``audience`` may see; the filter works inside retrieval."""
        question = " ".join((question or "").split())
        truncated = len(question) > MAX_QUESTION_CHARS
        question = question[:MAX_QUESTION_CHARS]
        analysis = analyse(question, language)  # the one reading of the question
        lang = analysis.language
        notice = TRUNCATED.get(lang, TRUNCATED["en"]) if truncated else None
        if not any(ch.isalnum() for ch in question):
            return Answer(question, lang, abstained=True, notice=notice)
        self.ensure_index()
        narrowed = filters is not None and any(
            (filters.gremium, filters.date_from, filters.date_to, filters.drucksache)
        )
        named = None if narrowed else papers_named(question, analysis, self.store)
        if named is not None:
            # "Was ist der Stand der Drucksache 18828-20?": the paper's path, each step cited
            # (built from public documents only, whoever asks)
            reads = self.knowledge_reads(audience, filters)
            status = status_answer(analysis, reads, named=named)
            if status is not None:
                status.notice = "\n".join(n for n in (notice, status.notice) if n) or None
                return status
        filters = replace(filters or Filters(), public_only=audience.public_only)
        with one_thread():  # index/retrieval/threads.py: once per question, both steps
            result = self.searcher.search(analysis, k=k, filters=filters)
            answer = compose(self.store, self.embedder, result, k=k)
        if is_decision_question(question) and not getattr(answer.evidence, "missing_subject", ()):
            reads = self.knowledge_reads(audience, filters)
            hits = [h.chunk_id for h in result.hits]
            answer = decision_answer(analysis, reads, hits, filters.gremium) or answer
        answer.notice = "\n".join(n for n in (notice, answer.notice) if n) or None
        if not answer.abstained and analysis.figure_question:
            chunk_ids = {src.chunk_id for src in answer.sources}
            found = self.figures(None, analysis.figure_kind or None, chunk_ids=chunk_ids)
            figure_first(answer, found.figures)
        if audience.public_only:
            self._drop_non_public(answer)
        return answer

    def _drop_non_public(self, answer: Answer) -> None:
        """Last line of defence behind the retrieval filter: never show a non-public source."""
        ids = {s.document_id for s in answer.sources}
        public = public_document_ids(self.store, sorted(ids))
        if ids <= public:
            return
        log.error("retrieval returned non-public passages for a public audience; dropped")
        answer.sources = [s for s in answer.sources if s.document_id in public]
        kept = {s.rank for s in answer.sources}
        answer.quotes = [q for q in answer.quotes if q.source_rank in kept]
        if not answer.quotes:
            answer.abstained = True

    def ensure_index(self) -> None:
        """On an empty store, index the bundled corpus first (first ``ask`` works).

        Then, once per generation, compare the loaded index with the store
        (embedder, chunk count); a mismatch is rebuilt from the store's vector
        cache, and if that cannot agree either the bot refuses to answer.
        """
        if self.store.generation() == 0 and not self.store.documents(limit=1):
            with self._exclusive():  # N fresh replicas: one indexes, the others wait for it
                if self.store.generation() == 0 and not self.store.documents(limit=1):
                    self.reindex()
        check_embedder(self.store, self.embedder)
        gen = self.store.generation()
        if self._verified_generation == gen:
            return
        snap = self.searcher.snapshot
        key = self.embedder.info.key
        agreement = index_agrees(self.store, key, snap.generation, snap.size, snap.embedder)
        if not agreement.ok:
            log.warning("index does not match the store (%s): rebuilding it", agreement.why)
            snap = self.searcher.optimize()
            agreement = index_agrees(self.store, key, snap.generation, snap.size, snap.embedder)
            if not agreement.ok:
                raise IndexOutOfSync(
                    f"index and store disagree ({agreement.why}): run 'ratsbot check'"
                )
        self._verified_generation = snap.generation

    # -- admin -----------------------------------------------------------------
    def ingest(
        self,
        paths: list[Path],
        *,
        show_bar: bool | None = False,
        force: bool = False,
        wait: bool = True,
        on_wait: Callable[[], None] | None = None,
        on_phase: PhaseHook | None = None,
        workers: int = 1,
    ) -> IngestReport:
        """Ingest under the data-dir lock (``wait=False``: refuse if another runs); ``on_phase``
        hears each ``index.ingest.Phase``, ``workers`` > 1 parse and embed in processes."""
        with self._exclusive(wait=wait, on_wait=on_wait):
            remove_stale_temp(self.index_dir)
            if isinstance(self.searcher, PgSearcher):  # the commit writes their rows too
                self.searcher.ensure_prepared()
            return ingest_paths(
                self.store,
                self.embedder,
                paths,
                show_bar=show_bar,
                corpus_roots=[p for p in self.settings.source_roots if p.is_dir()],
                force=force,
                publisher=self.publisher,
                defer_up_to=self.settings.defer_vectors_max_chunks,
                on_phase=on_phase,
                workers=workers,
            )

    def reindex(
        self,
        *,
        full: bool = False,
        wait: bool = True,
        on_wait: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Re-ingest the corpus folders; ``full`` rewrites every document and every index file.

        A full rebuild embeds only texts the vector cache lacks, so it is cheap
        unless the embedder changed. Questions keep using the old index until
        the new generation is in place.
        """
        paths = [p for p in self.settings.document_folders if p.exists()]
        if not full:
            return self.ingest(paths, wait=wait, on_wait=on_wait)
        with self._exclusive(wait=wait, on_wait=on_wait):  # held through the ingest below
            with self.store.session() as s:  # a changed embedder: rebuild with the new one
                Store.set_state(s, "embedder", self.embedder.info.key)
            drop_index_files(self.index_dir)
            self.searcher.forget()
            return self.ingest(paths, force=True)

    def check(self) -> CheckReport:
        """Store against vector cache, index files and corpus; changes nothing."""
        return check_data_dir(
            self.store, self.embedder.info.key, self.index_dir, self.settings.source_roots
        )

    def repair(self) -> None:
        """Remove unfinished index writes and rebuild the index from the store (no embedding)."""
        with self._exclusive():
            remove_stale_temp(self.index_dir)
            check_embedder(self.store, self.embedder)
            fill_sentences(self.store, self.embedder)  # left pending by an interrupted ingest
            self.searcher.optimize()
            self._verified_generation = None

    def documents(
        self, limit: int | None = None, *, audience: Audience = Audience.PUBLIC
    ) -> list[DocumentInfo]:
        return self.store.documents(limit, public_only=audience.public_only)

    def document(self, doc_id: int, *, audience: Audience = Audience.PUBLIC) -> DocumentInfo | None:
        info = self.store.document(doc_id)
        if info is None or (audience.public_only and not info.public):
            return None
        return info

    def remove(self, doc_id: int) -> bool:
        with self._exclusive():
            ok = self.store.remove(doc_id)
            if ok:
                self.searcher.refresh()
            return ok

    def stats(self, *, audience: Audience = Audience.PUBLIC) -> Stats:
        return visible_stats(self.store, public_only=audience.public_only)

    # -- council knowledge -------------------------------------------------------
    def status(self, number: str, *, audience: Audience = Audience.PUBLIC) -> PaperStatus:
        """What ``audience`` may learn of the paper (``bot.knowledge.status_for``)."""
        self.ensure_index()
        return status_for(self.store, number, audience)

    def figures(
        self,
        topic: str | None = None,
        kind: str | None = None,
        *,
        audience: Audience = Audience.PUBLIC,
        chunk_ids: Collection[int] | None = None,
    ) -> FigureList:
        """Figures come from public documents only, whatever the audience (fails closed).

        ``chunk_ids`` keeps the figures of those passages (an answer's sources).
        """
        self.ensure_index()
        return figures(self.store, topic or None, kind or None, chunk_ids=chunk_ids)

    def knowledge_reads(
        self, audience: Audience = Audience.PUBLIC, filters: Filters | None = None
    ) -> KnowledgeReads:
        """The store and a search under ``filters`` as ``audience`` may see (status answers)."""
        scoped = replace(filters or Filters(), public_only=audience.public_only)

        def search(question: str, k: int, language: str) -> list[int]:
            self.ensure_index()
            with one_thread():
                result = self.searcher.search(question, k=k, filters=scoped, language=language)
            return [h.chunk_id for h in result.hits]

        return KnowledgeReads(self.store, audience, search)


def open_service(settings: Settings) -> Ratsbot:
    """The service for these settings; models load on first use, not here."""
    return Ratsbot(settings)
