"""The error tree of Ratsbot.

Every error meant for a human carries a one-line message; the edges (the CLI and
the chat front ends) turn it into text, nothing below them prints.

    RatsbotError
    ├── CorpusError            a source file cannot be read or parsed
    │   ├── SourceUnavailable  the file is missing or unreadable
    │   └── OParlFormatError   one OParl object is not valid OParl
    ├── IndexStoreError        the store or the search indexes cannot be used
    │   ├── IndexOutOfSync     index files and store disagree (rebuild needed)
    │   ├── EmbedderMismatch   the index was built by another embedder
    │   └── SchemaOutOfDate    the database needs `ratsbot upgrade` (a migration)
    ├── IngestRunning          another ingest holds the data directory
    ├── SyncRunning            another OParl sync runs on the data directory
    ├── ConfigError            a setting is invalid
    └── NoAnswerFound          nothing in the documents answers a question
"""

from __future__ import annotations


class RatsbotError(Exception):
    """Base class; ``str(error)`` is a complete one-line message for users."""


class CorpusError(RatsbotError):
    """A source document could not be parsed; other files of a run go on."""


class SourceUnavailable(CorpusError):
    """A source file does not exist or cannot be read."""


class OParlFormatError(CorpusError, ValueError):
    """One object is not valid OParl; the message is one line for the report."""


class IngestRunning(RatsbotError):
    """Another ingest holds the data directory and the caller did not want to wait."""


class IndexStoreError(RatsbotError):
    """The store or an index cannot be used as it is."""


class IndexOutOfSync(IndexStoreError):
    """Index files do not match the store; ``ratsbot reindex`` repairs it."""


class EmbedderMismatch(IndexStoreError):
    """The vectors on disk were made by another embedder than the configured one."""


class SchemaOutOfDate(IndexStoreError):
    """The database was written by an older Ratsbot: its schema needs a migration."""


class ConfigError(RatsbotError):
    """A configuration value is missing or invalid."""


class NoAnswerFound(RatsbotError):
    """The documents do not cover a question."""


class SyncRunning(RatsbotError):
    """Another OParl sync runs on this data directory."""
