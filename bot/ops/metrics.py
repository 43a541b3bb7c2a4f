"""Prometheus metrics of a serving process: counts and timings, never ids or text.

Questions, abstentions and the answer latency are counted as the front ends ask
(:class:`MeteredService` wraps the service they get). Ingest runs, failed files,
passages and the index generation are read from the store at each scrape, so
runs of ``ratsbot ingest`` in another process count too.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.answer import Answer
from bot.audience import Audience
from bot.service import Ratsbot
from index.store import DocumentInfo, FigureList, IngestReport, PaperStatus, Stats, run_totals

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """One registry per serving process (tests make their own)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.questions = Counter(
            "ratsbot_questions",
            "Questions asked through the chat front ends",
            registry=self.registry,
        )
        self.abstentions = Counter(
            "ratsbot_abstentions",
            "Questions the documents did not cover (answered with 'nothing found')",
            registry=self.registry,
        )
        self.errors = Counter(
            "ratsbot_question_errors", "Questions that ended in an error", registry=self.registry
        )
        self.latency = Histogram(
            "ratsbot_answer_seconds",
            "Time from question to composed answer",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )


class StoreCollector(Collector):
    """Gauges and counters read from the store when Prometheus scrapes."""

    def __init__(self, service: Ratsbot) -> None:
        self.service = service

    def collect(self) -> Iterator[Metric]:
        store = self.service.store
        totals = run_totals(store)
        stats = store.stats()
        yield CounterMetricFamily(
            "ratsbot_ingest_runs", "Ingest runs recorded in the store", value=totals.runs
        )
        yield CounterMetricFamily(
            "ratsbot_ingest_failed_files",
            "Files that failed to ingest, over all runs",
            value=totals.failed_files,
        )
        last = totals.last_finished.timestamp() if totals.last_finished else 0.0
        yield GaugeMetricFamily(
            "ratsbot_last_ingest_timestamp_seconds",
            "When the last ingest run finished (Unix time, UTC; 0: never)",
            value=last,
        )
        yield GaugeMetricFamily(
            "ratsbot_documents", "Documents in the store", value=stats.documents
        )
        yield GaugeMetricFamily(
            "ratsbot_passages", "Passages (chunks) in the store", value=stats.chunks
        )
        yield GaugeMetricFamily(
            "ratsbot_index_generation", "The store's index generation", value=store.generation()
        )
        searcher = self.service.searcher
        loaded = searcher.snapshot.generation if searcher.loaded else 0
        yield GaugeMetricFamily(
            "ratsbot_loaded_index_generation",
            "The generation the serving process answers from (0: not loaded yet)",
            value=loaded,
        )


class MeteredService:
    """The service as front ends see it, counting each question (nothing about who asked)."""

    def __init__(self, inner: Ratsbot, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        language: str | None = None,
        audience: Audience = Audience.PUBLIC,
    ) -> Answer:
        start = time.perf_counter()
        try:
            answer = self.inner.ask(question, k=k, language=language, audience=audience)
        except Exception:
            self.metrics.errors.inc()
            raise
        finally:
            self.metrics.latency.observe(time.perf_counter() - start)
            self.metrics.questions.inc()
        if answer.abstained:
            self.metrics.abstentions.inc()
        return answer

    def ingest(self, paths: list[Path]) -> IngestReport:
        return self.inner.ingest(paths)

    def reindex(self) -> IngestReport:
        return self.inner.reindex()

    def documents(
        self, limit: int | None = None, *, audience: Audience = Audience.PUBLIC
    ) -> list[DocumentInfo]:
        return self.inner.documents(limit, audience=audience)

    def document(self, doc_id: int, *, audience: Audience = Audience.PUBLIC) -> DocumentInfo | None:
        return self.inner.document(doc_id, audience=audience)

    def remove(self, doc_id: int) -> bool:
        return self.inner.remove(doc_id)

    def stats(self, *, audience: Audience = Audience.PUBLIC) -> Stats:
        return self.inner.stats(audience=audience)

    def status(self, number: str, *, audience: Audience = Audience.PUBLIC) -> PaperStatus:
        return self.inner.status(number, audience=audience)

    def figures(
        self,
        topic: str | None = None,
        kind: str | None = None,
        *,
        audience: Audience = Audience.PUBLIC,
        chunk_ids: Collection[int] | None = None,
    ) -> FigureList:
        return self.inner.figures(topic, kind, audience=audience, chunk_ids=chunk_ids)
