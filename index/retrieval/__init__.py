from __future__ import annotations

from index.retrieval.integrity import (
    CheckReport,
    check_data_dir,
    drop_index_files,
    index_agrees,
    remove_stale_temp,
)
from index.retrieval.search import Filters, SearchResult
from index.retrieval.serving import ServingSearcher
from index.retrieval.threads import one_thread

__all__ = [
    "CheckReport",
    "Filters",
    "SearchResult",
    "ServingSearcher",
    "check_data_dir",
    "drop_index_files",
    "index_agrees",
    "one_thread",
    "remove_stale_temp",
]
