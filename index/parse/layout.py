"""From cleaned lines to documents, paragraphs and pages.

Extracted council text comes in two shapes. Markdown-ish text and pre-2026
Karlsruhe PDF text separate paragraphs by blank lines ("blank mode"); 2026 PDF
text has no blank lines at all, so paragraph ends are guessed from a short line
ending in sentence punctuation or from a structural cue ("wrapped mode"). In both,
a list number, a speaker label or a short "Label:" line starts a new paragraph.

Running headers and page markers are removed here and become page numbers. A page
break is a *soft* boundary: if the text before it does not end a sentence, the
paragraph simply goes on, so a sentence cut by a page break is whole again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from index.parse.agenda import agenda_lines
from index.parse.clean import FORM_FEED, join_wrapped, page_marker, strip_markdown, tidy_line
from index.parse.sentences import ends_with_abbreviation, split_sentences
from index.parse.speakers import find_speaker, is_label_only

_NEW_DOC_RE = re.compile(r"^Erstellt am:?\s*\d")
_MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_LIST_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-z][.)]|[-–])\s+\S")
_MULTILEVEL_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+[A-ZÄÖÜ„\"]")
_DATE_START_RE = re.compile(rf"^\d{{1,2}}\.\s+(?:{_MONTHS})\b")
_SENTENCE_END_RE = re.compile(r"[.!?][“”\"')]*$")
# Dortmund documents are separated by their running header plus a new "Erstellt am".
_MIN_LINES_BEFORE_SPLIT = 5
_FOOTER_MIN_LINES = 3  # lines of a page before its own number reads as its footer


@dataclass
class Line:
    """One content line of a document, with the page it is printed on."""

    text: str  # tidied; may contain tabs (the Dortmund header uses them as columns)
    page: int
    blank_before: bool = False
    page_break_before: bool = False


@dataclass
class Paragraph:
    """Lines joined into running text; ``page_changes`` are (offset, new page)."""

    text: str
    page: int
    lines: list[Line]
    page_changes: list[tuple[int, int]] = field(default_factory=list)
    agenda: bool = False  # opened by an agenda item's number on a line of its own


def split_documents(text: str) -> list[list[Line]]:
    """Cut the cleaned text into documents of content lines, dropping running headers.

    Page numbers restart at 1 for every document in a file: each Dortmund excerpt
    is its own printout. A new document starts at an "Erstellt am" line once the
    current one has content.
    """
    docs: list[list[Line]] = [[]]
    page, blank, page_break = 1, False, False
    on_page = 0  # content lines since the current page began
    for raw in text.split("\n"):
        line = tidy_line(strip_markdown(raw))
        if not line.strip() and line != FORM_FEED:
            blank = blank or not page_break
            continue
        marker = page_marker(line)
        if marker is not None:
            if marker.next_page:
                if docs[-1] and (on_page or not page_break):  # not again after a footer
                    page += 1
                    page_break, on_page = True, 0
            elif marker.new_page is not None:
                new_page = _page_after(marker.new_page, page, on_page, bool(docs[-1]))
                if docs[-1] and new_page != page:
                    page_break, on_page = True, 0
                page = new_page
            blank = False
            continue
        if _NEW_DOC_RE.match(line) and len(docs[-1]) >= _MIN_LINES_BEFORE_SPLIT:
            docs.append([])
            page, page_break, on_page = 1, False, 0
        docs[-1].append(Line(line, page, blank and bool(docs[-1]), page_break))
        blank, page_break = False, False
        on_page += 1
    return [d for d in docs if d]


def _page_after(printed: int, page: int, on_page: int, started: bool) -> int:
    """The page that follows a printed page number.

    A number that names a later page is a header: that page starts. One that
    names the current page after lines of it is a footer ("Seite 1 von 8" at the
    foot of page 1): the next page starts. Before any content, page 1 begins.
    """
    if not started:
        return 1
    if printed == page and on_page >= _FOOTER_MIN_LINES:
        return page + 1
    return printed


def is_list_start(text: str) -> bool:
    """A numbered or bulleted item ("1. ", "1.1. ", "a) ", "- "), but not a date."""
    return bool(_LIST_RE.match(text)) and not _DATE_START_RE.match(text)


def ends_sentence(text: str) -> bool:
    """A line ending a sentence; "Nr." or "Fa." at its end does not (sentences' list)."""
    m = _SENTENCE_END_RE.search(text)
    if m is None:
        return False
    return not (text[m.start()] == "." and ends_with_abbreviation(text[: m.start() + 1]))


def _is_short_label(text: str) -> bool:
    return text.endswith(":") and len(text) <= 40


def _is_value(text: str, width: int) -> bool:
    """A form's value under its label: an amount or count, not a numbered item."""
    return text[:1].isdigit() and len(text) < 0.7 * width and not is_list_start(text)


def _boundary(para: Paragraph, line: Line, wrapped: bool, width: int) -> bool:
    """Whether ``line`` starts a new paragraph after ``para``."""
    prev = para.lines[-1].text
    if is_label_only(para.text):
        return False
    if line.blank_before:
        return True
    structural = is_list_start(line.text) or find_speaker(line.text) is not None
    if line.page_break_before:
        if line.text[:1].islower() and not ends_sentence(prev):
            return False
        short_single = len(para.lines) == 1 and len(prev) <= 40 and not prev.endswith(",")
        return (
            ends_sentence(prev)
            or prev.endswith(":")
            or short_single
            or (structural and prev.endswith((".", ":", ";", "!", "?", ")")))
        )
    if _MULTILEVEL_RE.match(line.text):
        return True
    if is_list_start(line.text) and is_list_start(para.text):
        return True
    if structural and (ends_sentence(prev) or prev.endswith((":", ";", ")"))):
        return True
    if _is_short_label(prev):
        # a form row ("einmalig (Investitionen):" / "14.570.389 Euro") stays one line
        return not _is_value(line.text, width)
    if (
        _is_short_label(line.text)
        and (len(prev) < 0.7 * width or ends_sentence(prev))
        and not prev.endswith((",", "-"))
    ):
        # a form's next row ("14.570.389 Euro" / "jährlich (Investitionen):"): joined,
        # the value would read as belonging to the label that follows it
        return True
    if wrapped and ends_sentence(prev) and _heading_like(line.text, width):
        return True
    if prev.endswith("?") and is_list_start(para.text):  # a numbered question, then the answer
        return True
    if wrapped and len(prev) < 0.7 * width:
        # A short line ends a paragraph if it ends a sentence, or if running text
        # (a long line) follows it; short lines in a row are table rows and stay together.
        if ends_sentence(prev) or prev.endswith(":"):
            return True
        first = line.text[:1]
        return (first.isupper() or first.isdigit()) and len(line.text) >= 0.7 * width
    return False


def _heading_like(text: str, width: int) -> bool:
    return (
        len(text) < 0.5 * width
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", "!", "?", "-"))
    )


def _line_width(lines: list[Line]) -> int:
    lengths = sorted(len(x.text) for x in lines)
    return max(40, lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 80


def build_paragraphs(lines: list[Line], wrapped: bool | None = None) -> list[Paragraph]:
    """Group content lines into paragraphs (see the module docstring for the rules)."""
    if not lines:
        return []
    if wrapped is None:
        blanks = sum(1 for x in lines if x.blank_before)
        wrapped = blanks < 0.1 * len(lines)
    width = _line_width(lines)
    paras: list[Paragraph] = []
    tops = agenda_lines(lines)
    for i, line in enumerate(lines):
        text = line.text.replace("\t", " ")
        if i in tops:
            paras.append(Paragraph(text, line.page, [line], agenda=True))
            continue
        title = i - 1 in tops  # the title goes with its number
        if paras and (title or not _boundary(paras[-1], line, wrapped, width)):
            para = paras[-1]
            # an agenda number keeps its own line: agenda_item tells it from prose by that
            joined = f"{para.text}\n{text}" if title else join_wrapped(para.text, text)
            if line.page != (para.page_changes[-1][1] if para.page_changes else para.page):
                para.page_changes.append((len(joined) - len(text), line.page))
            para.text = joined
            para.lines.append(line)
        else:
            paras.append(Paragraph(text, line.page, [line]))
    return paras


def _sentence_end_before(
    spans: list[tuple[int, int]], start: int, limit: int
) -> tuple[int, int] | None:
    """(end of the last sentence from ``start`` on whose successor starts by ``limit``,
    start of that successor), among the paragraph's sentence ``spans``.

    The sentence splitter decides, so a page cut never falls inside what quoting
    later treats as one sentence.
    """
    best = None
    for (s, end), (nxt, _) in pairwise(spans):
        if s < start:
            continue
        if nxt > limit:
            break
        best = (end, nxt)
    return best


def page_segments(para: Paragraph) -> list[tuple[int, int, int]]:
    """Split a paragraph at page breaks into (start, end, page) pieces of whole sentences.

    A block keeps one page number, so a paragraph running over a page break is cut
    at the last sentence end before the break; the sentence that straddles the
    break goes with the later page (where it is completed).
    """
    if not para.page_changes:
        return [(0, len(para.text), para.page)] if para.text else []
    segments: list[tuple[int, int, int]] = []
    spans = split_sentences(para.text)  # once: every cut is a sentence start
    start, page = 0, para.page
    for offset, new_page in para.page_changes:
        cut = _sentence_end_before(spans, start, offset)
        if cut is not None and cut[0] > start:
            segments.append((start, cut[0], page))
            start = cut[1]
        page = new_page
    segments.append((start, len(para.text), page))
    return [s for s in segments if s[1] > s[0]]
