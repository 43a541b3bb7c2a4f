"""``ratsbot status`` and ``ratsbot zahlen`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from tests.support.paths import CORPUS, require_realdocs


def _run(args: list[str], tmp_path: Path) -> object:
    env = {
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(CORPUS),
    }
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_status_of_the_seed_paper(tmp_path: Path) -> None:
    r = _run(["status", "18828/20"], tmp_path)  # the first call indexes the bundled corpus
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("Drs. 18828-20: Masterplan")
    assert lines[-1] == "zuletzt: Rat 17.12.2020 – zurück an den APOD überwiesen"
    apod = "Ausschuss für Personal, Organisation und Digitalisierung"
    assert f"03.12.2020 · {apod} · TOP 4.1.1: einstimmig empfohlen" in r.output
    r = _run(["status", "Drs. 18828-20", "--json"], tmp_path)
    js = json.loads(r.output)
    assert set(js) >= {"paper", "title", "related", "steps", "current"}
    assert [s["date"] for s in js["steps"]] == [
        "2020-11-18",
        "2020-12-03",
        "2020-12-03",
        "2020-12-17",
    ]
    assert [s["outcome"] for s in js["steps"]][1:] == ["recommended", "referred", "referred_back"]
    cit = js["steps"][-1]["citation"]
    assert set(cit) >= {"drucksachen", "gremium", "date", "top", "page", "text"}
    assert cit["top"] == "10.6" and cit["drucksachen"] == ["18828-20"]


def test_unknown_paper_names_the_closest(tmp_path: Path) -> None:
    r = _run(["status", "18829-20"], tmp_path)
    assert r.exit_code == 1
    assert "nicht bekannt" in r.output and "18828-20" in r.output


def test_zahlen_stellen(tmp_path: Path) -> None:
    r = _run(["zahlen", "stellen"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "38,5 Planstellen" in r.output and "zu Drs. 19027-20" in r.output
    assert "3 Mio. Euro pro Jahr" in r.output
    r = _run(["zahlen", "stellen", "--json"], tmp_path)
    figs = json.loads(r.output)["figures"]
    posts = next(f for f in figs if f["unit"] == "Planstellen")
    assert posts["value"] == 38.5 and posts["mentions"] == ["19027-20"]
    assert posts["speaker"] == "Herr Vogeler (CDU-Fraktion)"
    assert posts["citation"]["page"] == 2
    cost = next(f for f in figs if f["kind"] == "euro")
    assert (cost["value"], cost["period"]) == (3_000_000, "pro Jahr")
    r = _run(["zahlen", "--kind", "anzahl", "--json"], tmp_path)
    values = {f["value"] for f in json.loads(r.output)["figures"]}
    assert {24, 41} <= values


def test_karlsruhe_oparl_status_and_zahlen(tmp_path: Path) -> None:
    real = require_realdocs()
    texts = [str(p) for p in sorted(real.glob("ka_*.txt"))]
    r = _run(["ingest", str(real / "oparl" / "karlsruhe"), *texts], tmp_path)
    assert r.exit_code == 0, r.output
    r = _run(["status", "2018/0026"], tmp_path)
    assert "07.02.2018 · Schulbeirat · TOP 2: vorberaten" in r.output
    assert "20.02.2018 · Gemeinderat · TOP 4: einstimmig zugestimmt" in r.output
    r = _run(["status", "2017/0637", "--json"], tmp_path)
    steps = json.loads(r.output)["steps"]
    assert [(s["gremium"], s["date"], s["top"]) for s in steps] == [
        ("Hauptausschuss", "2017-11-14", "7"),
        ("Gemeinderat", "2017-11-21", "9"),
    ]
    r = _run(["zahlen", "--json"], tmp_path)
    figs = json.loads(r.output)["figures"]
    assert len([f for f in figs if f["kind"] in ("euro", "anzahl")]) >= 10
    dates = [f["date"] for f in figs if f["date"]]
    assert dates == sorted(dates, reverse=True)  # newest first
