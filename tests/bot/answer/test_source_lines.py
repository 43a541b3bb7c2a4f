"""Source lines cite the quoted page and never read alike."""

from __future__ import annotations

import datetime as dt

from bot.answer.model import Citation, Quote, Source
from bot.answer.source_lines import follow_quotes

APOD = Citation(("18828-20",), "APOD", dt.date(2020, 12, 3), "4.1.1", 1)


def _source(rank: int, speaker: str | None, text: str) -> Source:
    return Source(rank, rank, 1, "Masterplan", APOD, speaker, text, 1.0)


def test_a_quoted_source_is_cited_at_the_quote_page() -> None:
    sources = [_source(1, None, "Text eins."), _source(2, None, "Anderer Text zwei.")]
    quote = Quote("Text eins.", None, Citation(("18828-20",), "APOD", None, "4.1.1", 2), 1)
    cited = follow_quotes(sources, [quote])
    assert cited[0].citation.page == 2
    assert cited[1].citation.page == 1


def test_alike_source_lines_get_the_speaker_or_the_first_words() -> None:
    by_speaker = follow_quotes(
        [_source(1, "Herr Gebel", "a b c"), _source(2, "Herr Giebel", "d e f")], []
    )
    assert [s.heading().rsplit(" · ", 1)[1] for s in by_speaker] == ["Herr Gebel", "Herr Giebel"]
    same_speaker = follow_quotes(
        [_source(1, None, "Die Verwaltung berichtet über die E-Akte in allen Ämtern."),
         _source(2, None, "Der Ausschuss nimmt den Bericht zur Kenntnis.")],
        [],
    )  # fmt: skip
    headings = [s.heading() for s in same_speaker]
    assert len(set(headings)) == 2
    assert headings[0].endswith("„Die Verwaltung berichtet über die E-Akte …“")
