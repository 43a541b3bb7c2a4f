from __future__ import annotations

from index.ingest.deferred import fill_sentences
from index.ingest.lock import data_dir_lock, index_writer, ingest_lock
from index.ingest.oparl import read_oparl
from index.ingest.phases import Phase, PhaseHook, Publisher
from index.ingest.pipeline import check_embedder, ingest_paths
from index.ingest.progress import IngestProgress
from index.ingest.queue import QueueWorker, apply_queue_schema, enqueue, queue_counts
from index.ingest.upgrade import open_store, upgrade_store
from index.ingest.workers import default_workers

__all__ = [
    "IngestProgress",
    "Phase",
    "PhaseHook",
    "Publisher",
    "QueueWorker",
    "apply_queue_schema",
    "check_embedder",
    "data_dir_lock",
    "default_workers",
    "enqueue",
    "fill_sentences",
    "index_writer",
    "ingest_lock",
    "ingest_paths",
    "open_store",
    "queue_counts",
    "read_oparl",
    "upgrade_store",
]
