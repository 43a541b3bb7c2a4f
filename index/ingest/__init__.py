from __future__ import annotations

from index.ingest.deferred import fill_sentences
from index.ingest.lock import data_dir_lock
from index.ingest.oparl import read_oparl
from index.ingest.phases import Phase, PhaseHook, Publisher
from index.ingest.pipeline import check_embedder, ingest_paths

__all__ = [
    "Phase",
    "PhaseHook",
    "Publisher",
    "check_embedder",
    "data_dir_lock",
    "fill_sentences",
    "ingest_paths",
    "read_oparl",
]
