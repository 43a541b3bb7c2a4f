"""Parsing: source files in, cleaned :class:`ParsedDocument` objects out.

``parse_file`` reads one file (plain text, Markdown-ish text, cp1252/latin-1 text
or PDF), removes running headers and page markers, re-joins what page breaks and
line wrapping cut apart, splits a file holding several documents into parts and
reads each document's metadata. Everything below :mod:`index.parse` is internal.
"""

from __future__ import annotations

from index.parse.blocks import agenda_item
from index.parse.files import (
    SOURCE_SUFFIXES,
    iter_source_files,
    parse_file,
    parse_text,
    source_path_for,
)
from index.parse.model import (
    Block,
    BlockKind,
    DocumentMeta,
    ParsedDocument,
    Reference,
    RefRole,
    VoiceSpan,
)
from index.parse.sentences import split_sentences

__all__ = [
    "SOURCE_SUFFIXES",
    "Block",
    "BlockKind",
    "DocumentMeta",
    "ParsedDocument",
    "RefRole",
    "Reference",
    "VoiceSpan",
    "agenda_item",
    "iter_source_files",
    "parse_file",
    "parse_text",
    "source_path_for",
    "split_sentences",
]
