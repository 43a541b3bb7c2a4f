"""Where a document asks the question itself, the answer stands right after it.

Councils answer questions in writing in one shape everywhere: a Stellungnahme
to an Anfrage restates each numbered question and answers it below; minutes
record "Herr X fragt, ob …" followed by the administration's reply; an FAQ
pairs a question with its answer. When a passage holds a sentence that restates
the user's question (``restates``), the sentences after it, up to the next
question, are that document's answer to it. They are the best quotes a passage
can offer, however little they share with the question's words: "Die
Zuständigkeit für Bushaltestellen liegt … beim Straßenbaulastträger." answers
"In wessen Zuständigkeitsbereich liegt der Ausbau …?" with one shared word.

Headings are the opposite: a title line ("Landesförderung für barrierefreie
Bushaltepunkte") shares every word with a question about its subject and says
nothing about it, so a heading is never a quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.model import Source
from bot.answer.units import Span, echoes, is_list_item, is_question
from index.query import tokenize
from index.store import ChunkView

ANSWER_SENTENCES = 2  # sentences after a restated question that count as its answer
SECOND_SENTENCE_SHARE = 0.5  # the second one carries the answer less often than the first
TITLE_SHARE = 0.75  # a line with this share of its words from the title is the title
SHORT_ANSWER_CHARS = 120  # a shorter first answer sentence is quoted with the next one
HEADING_WORDS = 10  # a line of its own no longer than this, unpunctuated, is a heading
_FIGURE = re.compile(r"\d[\d.,]*\d|[€%]")  # "250", "38,5", "€": a figure, not a heading
_ENDS_SENTENCE = re.compile(r"[.!?:;…\"“”»«)]\s*$")


def answer_positions(
    asked: set[str], text: str, sentences: Sequence[Span]
) -> dict[int, tuple[float, int]]:
    """The sentences that answer a restatement of the question, by start offset: each
    with its weight (1 for the first sentence after it, less for the next) and the
    start of the answer it belongs to."""
    found: dict[int, tuple[float, int]] = {}
    for i, (a, b) in enumerate(sentences):
        if not echoes(asked, text[a:b]) or i + 1 >= len(sentences):
            continue
        weight, opening = 1.0, sentences[i + 1][0]
        for c, d in sentences[i + 1 : i + 1 + ANSWER_SENTENCES]:
            if is_question(text[c:d]):
                break  # the next question begins: this one had no answer here
            if weight > found.get(c, (0.0, 0))[0]:
                found[c] = (weight, opening)
            weight *= SECOND_SENTENCE_SHARE
    return found


def is_heading(text: str, start: int, end: int, title: str | None) -> bool:
    """Whether the sentence at ``text[start:end]`` is a heading: the document's title
    (or a line made of it, like "Dez. 6 Landesförderung für …"), or the passage's
    short unpunctuated first line without list mark or figure. Further down, such a
    line is as often content ("Christoph Schefers Vorsitzender" under a letter)."""
    sentence = text[start:end]
    if _ENDS_SENTENCE.search(sentence) or is_list_item(sentence):
        return False
    words = set(tokenize(sentence))
    if title and words and len(words & set(tokenize(title))) / len(words) >= TITLE_SHARE:
        return True
    first = not text[:start].strip()
    alone = text[end:].lstrip(" \t").startswith("\n") or not text[end:].strip()
    short = len(sentence.split()) <= HEADING_WORDS
    return first and alone and short and not _FIGURE.search(sentence)


def answers_after_echo(
    question: str,
    views: dict[int, ChunkView],
    sources: list[Source],
    cands: Sequence[tuple[int, int, int]],
) -> list[tuple[float, int] | None]:
    """For each candidate sentence (source index, start, end) that follows its passage's
    restatement of the question: its weight (1 right after, less further on) and
    where that answer opens; None for the others."""
    asked = set(tokenize(question))
    positions: dict[int, dict[int, tuple[float, int]]] = {}
    for si in {c[0] for c in cands}:
        v = views[sources[si].chunk_id]
        positions[si] = answer_positions(asked, v.text, [(a, b) for a, b in v.sentences])
    return [positions[si].get(start) for si, start, _end in cands]


def complete_answer(
    text: str, sentences: Sequence[Span], unit: list[Span], opening: int
) -> list[Span]:
    """An answer is quoted from its opening sentence (``opening``) on, never from a
    lead-in before the question, and a short one ("Es liegen Bodenbelastungen
    vor.") with the sentence after it, which says what it means, unless a question
    follows."""
    a, b = opening, unit[-1][1]
    if b - a < SHORT_ANSWER_CHARS:
        following = [(c, d) for c, d in sentences if c >= b]
        if following and not is_question(text[following[0][0] : following[0][1]]):
            b = following[0][1]
    return [(a, b)]
