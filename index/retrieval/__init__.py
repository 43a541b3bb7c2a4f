from __future__ import annotations

from index.retrieval.filters import Filters
from index.retrieval.fusion import Hit
from index.retrieval.integrity import (
    Agreement,
    CheckReport,
    Severity,
    check_data_dir,
    drop_index_files,
    index_agrees,
    remove_stale_temp,
)
from index.retrieval.lexical import Lexicon, held
from index.retrieval.pgsearch import PgSearcher, open_searcher
from index.retrieval.search import Searcher, SearchResult
from index.retrieval.threads import one_thread

__all__ = [
    "Agreement",
    "CheckReport",
    "Filters",
    "Hit",
    "Lexicon",
    "PgSearcher",
    "SearchResult",
    "Searcher",
    "Severity",
    "check_data_dir",
    "drop_index_files",
    "held",
    "index_agrees",
    "one_thread",
    "open_searcher",
    "remove_stale_temp",
]
