"""Meeting dates in questions, and the vote they give that meeting's passages."""

from __future__ import annotations

import datetime as dt

from bot.service import Ratsbot
from index.query.dates import NamedDate, dates_in


def test_days_and_months_in_german_and_english() -> None:
    assert dates_in("Was hat der Rat am 17.12.2020 beschlossen?") == [NamedDate(2020, 12, 17)]
    assert dates_in("What happened on 3 December 2020?") == [NamedDate(2020, 12, 3)]
    assert dates_in("What happened on December 3rd, 2020?") == [NamedDate(2020, 12, 3)]
    assert dates_in("Was geschah im Dezember 2020?") == [NamedDate(2020, 12)]
    assert dates_in("am 31.02.2020 oder im Mai") == []  # no such day; a month without a year


def test_month_matches_every_day_of_it() -> None:
    assert NamedDate(2020, 12).matches(dt.date(2020, 12, 17))
    assert not NamedDate(2020, 12, 3).matches(dt.date(2020, 12, 17))
    assert not NamedDate(2020, 12).matches(None)


def test_passages_of_the_named_meeting_get_the_vote(bot: Ratsbot) -> None:
    res = bot.searcher.search("Was hat der Rat am 17.12.2020 mit der Vorlage gemacht?")
    snap = bot.searcher.snapshot
    voted = [h for h in res.hits if "meeting" in h.ranks]
    assert voted
    for h in res.hits:
        seg, row = snap.locate(h.chunk_id)
        date = snap.docs[int(snap.segments[seg].doc_of[row])].date
        assert ("meeting" in h.ranks) == (date == dt.date(2020, 12, 17))
