"""Paper steps, figures and OParl objects in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.knowledge import current_state, outcome_text
from index.embed import FakeEmbedder
from index.facts.decisions import Outcome
from index.ingest.pipeline import ingest_paths
from index.store import figures, paper_status
from index.store.database import Store
from index.store.knowledge_tables import Figure, OParlConsultation, OParlPaper, PaperStep
from tests.support.paths import SEED, require_realdocs


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    d = tmp_path / "seed"
    d.mkdir()
    shutil.copy(SEED, d / "seed.txt")
    return d


def test_seed_timeline_each_step_cited(store: Store, seed_dir: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [seed_dir])
    st = paper_status(store, "Drs. 18828/20")
    assert st.found and st.paper == "18828-20"
    assert st.date.isoformat() == "2020-11-18"
    got = [(s.date.isoformat(), s.gremium, s.top, s.outcome) for s in st.steps]
    apod = "Ausschuss für Personal, Organisation und Digitalisierung"
    assert got == [
        ("2020-11-18", "", None, Outcome.SUBMITTED),
        ("2020-12-03", apod, "4.1.1", Outcome.RECOMMENDED),
        ("2020-12-03", apod, "4.1.2", Outcome.REFERRED),
        ("2020-12-17", "Rat der Stadt", "10.6", Outcome.REFERRED_BACK),
    ]
    rec, motion, rat = st.steps[1:]
    assert rec.vote == {
        "unanimous": True,
        "abstentions": ["FDP/Bürgerliste", "Bündnis90/Die Grünen"],
        "absent": ["DiePartei"],
    }
    assert rec.kind == "Empfehlung" and rec.target.startswith("Rat der Stadt")
    assert "Memorandum zur Digitalisierung" in motion.subject and motion.target == "Rat"
    assert rat.target == "APOD"
    for s in st.steps:  # every step quotes its source verbatim, with page and paper
        assert s.citation.text and s.citation.page and s.citation.drucksachen == ("18828-20",)
        assert s.citation.chunk_id is not None
    assert rat.citation.text.startswith("Der Rat der Stadt überweist")
    assert current_state(st) == "zuletzt: Rat 17.12.2020 – zurück an den APOD überwiesen"


def test_removing_a_document_removes_its_knowledge(store: Store, seed_dir: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [seed_dir])
    docs = {d.key: d.id for d in store.documents()}
    with store.session() as s:
        before = s.scalar(select(func.count()).select_from(Figure))
    assert before >= 8
    for doc_id in docs.values():
        assert store.remove(doc_id)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Figure)) == 0
        assert s.scalar(select(func.count()).select_from(PaperStep)) == 0
    assert not paper_status(store, "18828-20").found


def test_figures_deduplicate_quoted_copies(store: Store, seed_dir: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [seed_dir])
    found = figures(store, "stellen").figures
    assert [(f.value, f.kind) for f in found].count((38.5, "stellen")) == 2  # two sentences
    posts = next(f for f in found if f.unit == "Planstellen")
    assert posts.mentions == ("19027-20",) and posts.paper == "18828-20"
    assert posts.citation.date.isoformat() == "2020-12-03"  # the original, not the Rat copy
    cost = next(f for f in found if f.kind == "euro")
    assert (cost.value, cost.period) == (3_000_000, "pro Jahr")


def test_oparl_karlsruhe_paths_merge_with_text(store: Store, tmp_path: Path) -> None:
    real = require_realdocs()
    report = ingest_paths(
        store,
        FakeEmbedder(),
        [
            real / "oparl" / "karlsruhe",
            *sorted(real.glob("ka_2018-0026_*.txt")),
            *sorted(real.glob("ka_2017-0637_*.txt")),
        ],
    )
    assert not report.failed
    st = paper_status(store, "2018/0026")
    assert st.title.startswith("IT-moderne Schule") and st.paper_type == "Beschlussvorlage"
    got = [(s.date.isoformat(), s.gremium, s.top, outcome_text(s)) for s in st.steps]
    assert got == [
        ("2018-02-07", "Schulbeirat", "2", "vorberaten"),
        ("2018-02-20", "Gemeinderat", "4", "einstimmig zugestimmt"),
    ]
    st = paper_status(store, "2017/0637")
    got = [(s.date.isoformat(), s.gremium, s.top, s.outcome) for s in st.steps]
    assert got == [
        ("2017-11-14", "Hauptausschuss", "7", Outcome.ADVISED),
        ("2017-11-21", "Gemeinderat", "9", Outcome.ADOPTED),
    ]
    # a paper known only from OParl still has its consultation and result
    st = paper_status(store, "2026/0159")
    assert [(s.gremium, s.top, outcome_text(s)) for s in st.steps] == [
        ("Gemeinderat", "27", "Kenntnisnahme")
    ]
    assert "/agendaitems/" in st.steps[0].citation.url


def test_oparl_reingest_is_skipped_and_deleted_objects_go(store: Store, tmp_path: Path) -> None:
    real = require_realdocs()
    d = tmp_path / "oparl"
    shutil.copytree(real / "oparl" / "spec_examples", d)
    first = ingest_paths(store, FakeEmbedder(), [d])
    assert len(first.added) == 8 and not first.failed
    assert paper_status(store, "1234/2014").title == "Antwort auf Anfrage 1200/2014"
    again = ingest_paths(store, FakeEmbedder(), [d])
    assert not again.added and len(again.unchanged) == 8
    paper = json.loads((d / "Paper-01.json").read_text())
    (d / "deleted.json").write_text(
        json.dumps({"id": paper["id"], "type": paper["type"], "deleted": True})
    )
    ingest_paths(store, FakeEmbedder(), [d])
    with store.session() as s:
        assert s.get(OParlPaper, paper["id"]) is None
        assert not s.scalars(
            select(OParlConsultation).where(OParlConsultation.paper_id == paper["id"])
        ).all()


def test_malformed_oparl_is_reported_per_object(store: Store, tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    page = {
        "data": [
            {"type": "https://schema.oparl.org/1.1/Paper", "name": "ohne id"},
            {"id": 17, "type": "https://schema.oparl.org/1.1/Paper"},
            {
                "id": "https://x/p/1",
                "type": "https://schema.oparl.org/1.1/Paper",
                "reference": ["2020/0001"],
            },
            {
                "id": "https://x/p/2",
                "type": "https://schema.oparl.org/1.1/Paper",
                "reference": "2020/0002",
                "name": "Gut",
            },
            "kaputt",
        ],
        "links": {},
    }
    (d / "page.json").write_text(json.dumps(page))
    (d / "broken.json").write_text("{not json")  # no OParl type: a folder walk leaves it out
    report = ingest_paths(store, FakeEmbedder(), [d, d / "broken.json"])
    reasons = [f.reason for f in report.failed]
    assert len(reasons) == 5, reasons
    assert all("\n" not in r for r in reasons)
    assert any("missing 'id'" in r for r in reasons)
    assert any("'id' is not a string" in r for r in reasons)
    assert any("'reference' must be a string" in r for r in reasons)
    assert any("broken.json: not valid JSON" in r for r in reasons)
    assert paper_status(store, "2020/0002").title == "Gut"


def test_a_first_ingest_marks_the_facts_current(store: Store, seed_dir: Path) -> None:
    """Else the first figure question would re-read every document (minutes at city scale)."""
    from index.store.knowledge import KNOWLEDGE_VERSION

    assert store.get_state("knowledge_version") is None
    ingest_paths(store, FakeEmbedder(), [seed_dir])
    assert store.get_state("knowledge_version") == KNOWLEDGE_VERSION


def test_figures_of_given_passages_only(store: Store, seed_dir: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [seed_dir])
    every = figures(store).figures
    one = every[0].citation.chunk_id
    mine = figures(store, chunk_ids={one}).figures
    assert mine and {f.citation.chunk_id for f in mine} == {one}
    assert figures(store, chunk_ids=set()).figures == []
