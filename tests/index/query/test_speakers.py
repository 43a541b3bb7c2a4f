from __future__ import annotations

from bot.service import Ratsbot
from index.query.speakers import speaker_keys


def test_keys_are_surname_and_faction_words() -> None:
    assert speaker_keys("Herr Vogeler", "CDU-Fraktion") == {"vogeler", "cdu"}
    assert speaker_keys("Rm Reuter", "B'90/Die Grünen") == {"reuter", "grünen"}
    assert speaker_keys("Erste Bürgermeisterin Mergen", "") == {"mergen"}
    assert speaker_keys("Herr Zilian", "10/FBL") == {"zilian", "fbl"}


def test_named_faction_lifts_its_speakers(bot: Ratsbot) -> None:
    res = bot.searcher.search("Was schlägt die SPD zum Antrag vor?", k=5)
    voiced = [h for h in res.hits[:5] if "speaker" in h.ranks]
    assert voiced, "an SPD speaker's passage should be among the top five"
