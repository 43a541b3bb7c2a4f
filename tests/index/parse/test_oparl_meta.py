"""OParl metadata beside a file wins over what the text parser guessed.

Constructed sidecars run everywhere; the real Karlsruhe papers and meetings from
../shared/realdocs/oparl/karlsruhe/ are used where that folder exists.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from index.embed import FakeEmbedder
from index.ingest.oparl_meta import apply_oparl_sidecar, facts_from_oparl, sidecar_for
from index.ingest.pipeline import ingest_paths
from index.parse import parse_file
from index.store.database import Store
from tests.support.paths import PARSE_FIXTURES as FIXTURES
from tests.support.paths import REALDOCS

BASE = "https://oparl.example.org/bodies/1"


def _paper(reference: str = "V0999/21", public: bool = True) -> list[dict]:
    """A Paper with one preparatory and one council consultation, their meetings, bodies."""
    org = {"id": f"{BASE}/organizations/sr", "type": "https://schema.oparl.org/1.1/Organization",
           "name": "Stadtrat"}  # fmt: skip
    meeting = {
        "id": f"{BASE}/meetings/26",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "26. Sitzung des Stadtrates",
        "start": "2021-06-17T16:00:00+02:00",
        "organization": [org["id"]],
        "agendaItem": [
            {"id": f"{BASE}/agendaitems/7", "type": "https://schema.oparl.org/1.1/AgendaItem",
             "number": "7.2", "public": public, "consultation": f"{BASE}/consultations/2"},
        ],
    }  # fmt: skip
    committee = {
        "id": f"{BASE}/meetings/12",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Ausschuss für Finanzen (nicht öffentlich)",
        "start": "2021-04-26",
    }
    paper = {
        "id": f"{BASE}/papers/999",
        "type": "https://schema.oparl.org/1.1/Paper",
        "reference": reference,
        "name": "Digitalisierung der Verwaltung",
        "paperType": "Beschlussvorlage",
        "consultation": [
            {"id": f"{BASE}/consultations/1", "type": "https://schema.oparl.org/1.1/Consultation",
             "meeting": committee["id"], "role": "Vorberatung"},
            {"id": f"{BASE}/consultations/2", "type": "https://schema.oparl.org/1.1/Consultation",
             "meeting": meeting["id"], "organization": [org["id"]], "role": "Entscheidung"},
        ],
    }  # fmt: skip
    return [paper, meeting, committee, org]


def _with_sidecar(tmp_path: Path, source: Path, data: object) -> Path:
    target = tmp_path / source.name
    shutil.copy(source, target)
    sidecar = target.with_name(target.stem + ".oparl.json")
    sidecar.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def test_facts_take_the_deciding_consultation():
    facts = facts_from_oparl(_paper())
    assert facts is not None
    assert (facts.reference, facts.paper_type) == ("V0999/21", "Beschlussvorlage")
    assert (facts.gremium, facts.meeting_date, facts.top) == (
        "Stadtrat",
        dt.date(2021, 6, 17),
        "7.2",
    )
    assert facts.public is True


def test_oparl_wins_over_the_text(tmp_path):
    path = _with_sidecar(tmp_path, FIXTURES / "sessionnet_vorlage.txt", _paper(public=False))
    docs = parse_file(path)
    assert docs[0].meta.own_numbers == ["V0888/21"]  # what the text says
    apply_oparl_sidecar(docs, path)
    meta = docs[0].meta
    assert meta.own_numbers == ["V0999/21"]
    assert "V0888/21" in meta.mentioned_numbers  # the text's guess is kept as a mention
    assert (meta.gremium, meta.meeting_date, meta.top) == ("Stadtrat", dt.date(2021, 6, 17), "7.2")
    assert meta.session_kind == "nicht öffentlich" and not meta.public
    assert meta.title == "Digitalisierung der Verwaltung: E-Akte für alle Ämter"  # the file's own


def test_text_stands_where_oparl_is_silent(tmp_path):
    paper = {"id": f"{BASE}/papers/1", "type": "https://schema.oparl.org/1.1/Paper",
             "reference": "V0888/21"}  # fmt: skip
    path = _with_sidecar(tmp_path, FIXTURES / "sessionnet_vorlage.txt", paper)
    docs = parse_file(path)
    apply_oparl_sidecar(docs, path)
    meta = docs[0].meta
    assert (meta.gremium, meta.meeting_date, meta.public) == (
        "Stadtrat",
        dt.date(2021, 6, 10),
        True,
    )


@pytest.mark.parametrize("content", ["{not json", "[]", '{"type": "x"}'])
def test_broken_or_empty_sidecar_changes_nothing(tmp_path, content):
    target = tmp_path / "v.txt"
    shutil.copy(FIXTURES / "sessionnet_vorlage.txt", target)
    (tmp_path / "v.oparl.json").write_text(content, encoding="utf-8")
    docs = parse_file(target)
    before = docs[0].meta.__dict__.copy()
    apply_oparl_sidecar(docs, target)
    assert docs[0].meta.__dict__ == before


def test_no_sidecar_for_json_or_missing(tmp_path):
    assert sidecar_for(tmp_path / "a.txt") is None
    (tmp_path / "a.oparl.json").write_text("{}", encoding="utf-8")
    assert sidecar_for(tmp_path / "a.txt") == tmp_path / "a.oparl.json"
    assert sidecar_for(tmp_path / "a.oparl.json") is None


def test_ingest_stores_oparl_metadata(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    _with_sidecar(corpus, FIXTURES / "sessionnet_vorlage.txt", _paper())
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        report = ingest_paths(store, FakeEmbedder(), [corpus])
        assert report.added and not report.failed
        docs = [d for d in store.documents() if d.key.endswith(".txt#0")]
        assert [(d.gremium, d.meeting_date, d.top) for d in docs] == [
            ("Stadtrat", dt.date(2021, 6, 17), "7.2")
        ]
    finally:
        store.close()


@pytest.fixture
def karlsruhe_oparl() -> Path:
    folder = REALDOCS / "oparl" / "karlsruhe"
    if not (folder / "paper_36077.json").exists():
        pytest.skip(f"real OParl data not available at {folder} (see SOURCES.md there)")
    return folder


def test_real_annex_gets_its_paper_from_oparl(tmp_path, karlsruhe_oparl):
    """The cost annex of 2018/0026 names neither its paper nor a meeting; OParl does."""
    data = [
        json.loads((karlsruhe_oparl / "paper_36077.json").read_text(encoding="utf-8")),
        json.loads((karlsruhe_oparl / "meeting_4892.json").read_text(encoding="utf-8")),
        *json.loads((karlsruhe_oparl / "organizations.json").read_text(encoding="utf-8")),
    ]
    path = _with_sidecar(tmp_path, REALDOCS / "ka_2018-0026_anlage-kosten.txt", data)
    docs = parse_file(path)
    assert docs[0].meta.own_numbers == [] and docs[0].meta.gremium is None
    apply_oparl_sidecar(docs, path)
    meta = docs[0].meta
    assert meta.own_numbers == ["2018/0026"]
    assert (meta.gremium, meta.meeting_date, meta.top) == ("Gemeinderat", dt.date(2018, 2, 20), "4")
    assert meta.kind == "Anlage" and meta.public  # the file is the paper's annex
