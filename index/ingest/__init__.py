from __future__ import annotations

from index.ingest.deferred import fill_sentences
from index.ingest.lock import data_dir_lock, index_writer, ingest_lock
from index.ingest.oparl import read_oparl
from index.ingest.phases import Phase, PhaseHook, Publisher
from index.ingest.pipeline import check_embedder, ingest_paths
from index.ingest.upgrade import open_store, upgrade_store

__all__ = [
    "Phase",
    "PhaseHook",
    "Publisher",
    "check_embedder",
    "data_dir_lock",
    "fill_sentences",
    "index_writer",
    "ingest_lock",
    "ingest_paths",
    "open_store",
    "read_oparl",
    "upgrade_store",
]
