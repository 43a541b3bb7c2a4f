from __future__ import annotations

from bot.service import Ratsbot
from index.query.speakers import named_keys, speaker_keys


def test_keys_are_surname_and_faction_words() -> None:
    assert speaker_keys("Herr Vogeler", "CDU-Fraktion") == {"vogeler", "cdu"}
    assert speaker_keys("Rm Reuter", "B'90/Die Grünen") == {"reuter", "grünen", "grüne"}
    assert speaker_keys("Erste Bürgermeisterin Mergen", "") == {"mergen"}
    assert speaker_keys("Herr Zilian", "10/FBL") == {"zilian", "fbl"}


def test_a_party_asked_for_in_any_form_meets_its_speakers_label() -> None:
    # minutes write "Stadtrat Honné (GRÜNE)", questions "die Grünen", "der Linken"
    assert speaker_keys("Stadtrat Honné", "GRÜNE") & named_keys("Was sagten die Grünen?")
    assert speaker_keys("Stadträtin Binder", "DIE LINKE") & named_keys("Was will der Linken?")
    assert speaker_keys("Stadtrat Honné", "GRÜNE") & named_keys("What did the Greens say?")
    assert not speaker_keys("Herr Vogeler", "CDU") & named_keys("Was sagten die Grünen?")


def test_named_faction_lifts_its_speakers(bot: Ratsbot) -> None:
    res = bot.searcher.search("Was schlägt die SPD zum Antrag vor?", k=5)
    voiced = [h for h in res.hits[:5] if "speaker" in h.ranks]
    assert voiced, "an SPD speaker's passage should be among the top five"
