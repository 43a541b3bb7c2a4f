"""What a question asks about a speaker, without the speaker.

"Was sagte Stadtrat Høyem zum Schulkonzept?" names its speaker so that
retrieval finds his speech (the speaker vote), but within that speech every
sentence is his. Scored against the whole question, the sentence that carries
his name, usually the speech's opening courtesy ("Stadtrat Høyem (FDP): Wir
freuen uns sehr …"), wins by the name alone. Scored against "Was sagte zum
Schulkonzept?", the sentence about the Schulkonzept does. A question that
asks nothing beyond the speaker ("Was hat die CDU gesagt?") keeps its words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from bot.answer.model import Source
from index.embed import Embedder
from index.query import speaker_keys, subject_terms, without_speakers
from index.retrieval import SearchResult
from index.store import ChunkView


def topic_question(
    question: str, language: str, speakers: Iterable[tuple[str, str]], vocabulary: frozenset[str]
) -> str | None:
    """``question`` without the names of ``speakers`` (name, faction) and their forms
    of address, when it names one of them and still asks about a subject; else None."""
    keys = set().union(*(speaker_keys(name, faction) for name, faction in speakers))
    rest = without_speakers(question, keys)
    if rest is None or not any(t.specific for t in subject_terms(rest, language, vocabulary)):
        return None
    return rest


def topic_vector(
    embedder: Embedder, result: SearchResult, views: dict[int, ChunkView], sources: Sequence[Source]
) -> np.ndarray | None:
    """The question's vector without the speaker of ``sources`` it names, if it names one."""
    if result.lexical is None or result.query_vector is None:
        return None
    speakers = {
        (span.speaker, span.faction or "")
        for src in sources
        for span in views[src.chunk_id].spans
        if span.speaker
    }
    vocabulary = result.lexical.vocabulary
    topic = topic_question(result.question, result.language, speakers, vocabulary)
    return None if topic is None else embedder.embed([topic], query=True)[0]
