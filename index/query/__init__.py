from __future__ import annotations

from index.query.analysis import QuestionAnalysis, analyse, as_analysis
from index.query.dates import NamedDate, dates_in
from index.query.glossary import german_words
from index.query.language import detect_language
from index.query.speakers import named_keys, speaker_keys, without_speakers
from index.query.subject import (
    SubjectTerm,
    closest_stem,
    missing_subject,
    search_tokens,
    subject_terms,
    uncovered_terms,
    written_stems,
)
from index.query.terms import memo_tokenizer, query_terms, tokenize

__all__ = [
    "NamedDate",
    "QuestionAnalysis",
    "SubjectTerm",
    "analyse",
    "as_analysis",
    "closest_stem",
    "dates_in",
    "detect_language",
    "german_words",
    "memo_tokenizer",
    "missing_subject",
    "named_keys",
    "query_terms",
    "search_tokens",
    "speaker_keys",
    "subject_terms",
    "tokenize",
    "uncovered_terms",
    "without_speakers",
    "written_stems",
]
