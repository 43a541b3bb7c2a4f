"""A question naming one council's city favours that council's papers (a store of several)."""

from __future__ import annotations

from pathlib import Path

from index.store import document_cities, in_documents, load_chunks
from tests.support.bots import MakeBot

PAPER = """{header}

Informationsvorlage

Stand der Einführung der elektronischen Akte

Die elektronische Akte ist in {count} Dienststellen eingeführt. Weitere Dienststellen
folgen im kommenden Jahr nach einem Stufenplan.
"""


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, header, count in (
        ("do", "Stadt Dortmund\nDer Oberbürgermeister", "zwölf"),
        ("ka", "STADT KARLSRUHE\nDer Oberbürgermeister", "36"),
    ):
        for n in (1, 2):  # a council's papers: more than one (a misread header names one)
            text = PAPER.format(header=header, count=count) + f"\nAnlage {n}.\n"
            (folder / f"{name}{n}.txt").write_text(text, encoding="utf-8")
    return folder


def test_naming_a_city_lifts_its_councils_papers(make_bot: MakeBot, tmp_path: Path) -> None:
    bot = make_bot(corpus_dirs=(_corpus(tmp_path / "two-cities"),))
    cities = document_cities(bot.store)
    assert set(cities) == {"dortmund", "karlsruhe"}
    for city, count in (("Karlsruhe", "36"), ("Dortmund", "zwölf")):
        res = bot.searcher.search(f"Stand der E-Akte in {city}?", k=5)
        top = res.hits[0]
        assert top.ranks.get("city") == 0
        assert (
            f"in {count} Dienststellen" in load_chunks(bot.store, [top.chunk_id])[top.chunk_id].text
        )
    res = bot.searcher.search("Stand der E-Akte?", k=5)
    assert not any("city" in h.ranks for h in res.hits)  # no city named, no vote


def test_chunks_of_documents_are_found_by_document(make_bot: MakeBot, tmp_path: Path) -> None:
    bot = make_bot(corpus_dirs=(_corpus(tmp_path / "two-cities"),))
    karlsruhe = document_cities(bot.store)["karlsruhe"]
    res = bot.searcher.search("Stand der E-Akte", k=10)
    ids = [h.chunk_id for h in res.hits]
    found = in_documents(bot.store, ids, karlsruhe)
    views = load_chunks(bot.store, ids)
    assert found and all(views[c].document_id in karlsruhe for c in found)
    assert in_documents(bot.store, ids, set()) == set()


def test_misread_cities_and_a_single_council_get_no_vote() -> None:
    from index.retrieval.votes import councils

    karlsruhe, dortmund = set(range(300)), {300, 301, 302, 303}
    assert councils({"karlsruhe": karlsruhe}) == {}
    assert councils({"karlsruhe": karlsruhe, "abstimmung": {400}, "kontakt": {401, 402}}) == {}
    both = councils({"karlsruhe": karlsruhe, "dortmund": dortmund, "kontakt": {401}})
    assert set(both) == {"karlsruhe", "dortmund"}
