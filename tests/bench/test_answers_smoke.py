"""bench.answers in miniature: fake embedder, the bundled corpus and a tiny archive."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench.answers import main
from bench.answers_report import write_results
from bench.answers_score import evidence_in, wilson

BASE = "https://example.org/oparl/bodies/0001"
STELLUNGNAHME = """Stellungnahme zur Anfrage
Vorlage Nr.: {ref}
Verantwortlich: Dez. 2
{title}
Gremien Termin TOP Ö / N Zuständigkeit
Gemeinderat 24.03.2099 27 Ö Kenntnisnahme
1. {question}
{answer}
"""
PAPERS = {
    "2099/0001": (
        "Tierheim",
        "Wie viele Hunde wurden im Tierheim aufgenommen?",
        "Im Jahr 2098 wurden im städtischen Tierheim insgesamt 4.321 Hunde aufgenommen, "
        "davon wurden 3.900 an neue Halterinnen und Halter vermittelt.",
    ),
    "2099/0002": (
        "Brunnen",
        "Wie viele Trinkbrunnen betreibt die Stadt?",
        "Die Stadtwerke betreiben derzeit 57 öffentliche Trinkbrunnen im Stadtgebiet, "
        "weitere zwölf Brunnen sind für das kommende Jahr geplant.",
    ),
    "2099/0003": (
        "Laternen",
        "Wie viele Laternen wurden umgerüstet?",
        "Seit dem Beginn des Programms wurden 8.000 Straßenlaternen auf LED umgerüstet, "
        "der Stromverbrauch sank dadurch um rund sechzig Prozent.",
    ),
}


def _archive(root: Path) -> list[dict]:
    """Three papers with two files each; pairs for the first two, the third is a distractor."""
    root.mkdir()
    lines, papers, pairs = [], [], []
    for i, (ref, (title, question, answer)) in enumerate(PAPERS.items(), 1):
        files = [f"{BASE}/files/{i}1", f"{BASE}/files/{i}2"]
        anfrage = f"Anfrage\nVorlage Nr.: {ref}\n{title}\n1. {question}\n" + "Begründung. " * 30
        text = STELLUNGNAHME.format(ref=ref, title=title, question=question, answer=answer)
        lines += [{"file": files[0], "text": anfrage}, {"file": files[1], "text": text * 2}]
        papers.append(
            {
                "id": f"{BASE}/papers/{i}",
                "type": "https://schema.oparl.org/1.1/Paper",
                "reference": ref,
                "name": title,
                "auxiliaryFile": [
                    {"id": f, "type": "https://schema.oparl.org/1.1/File"} for f in files
                ],
            }
        )
        pair = {"id": f"ka-{i}", "lang": "de", "kind": "passage", "question": question}
        pair.update(evidence=[answer[:60]], cite=ref, paper=f"{BASE}/papers/{i}", files=files)
        pairs.append(pair)
    for name, rows in (("file-texts", lines), ("papers", papers)):
        with gzip.open(root / f"{name}.jsonl.gz", "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return pairs[:2]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_answers_report_structure_and_a_known_hit(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    pairs = _archive(tmp_path / "archive")
    qa = _write(
        tmp_path / "qa.jsonl",
        [
            {"id": "s1", "corpus": "dortmund", "lang": "de", "kind": "one-word",
             "question": "Cisco Webex Microsoft Teams Landesdatenschutzbeauftragte",
             "evidence": ["Cisco Webex"], "cite": "18828-20"},
            {"id": "s2", "corpus": "dortmund", "lang": "de", "kind": "off-topic",
             "question": "Wann öffnet das Freibad?", "evidence": [], "cite": ""},
        ],
    )  # fmt: skip
    anf = _write(tmp_path / "anfragen.jsonl", pairs)
    args = [str(qa), str(anf), "--embedder", "fake", "--cache", str(tmp_path / "cache"),
            "--archive", str(tmp_path / "archive"), "--sample", "1", "--per-paper", "1",
            "--distractors", "1", "--offtopic-from-unloaded", "1", "--loco", "--json"]  # fmt: skip
    out = main(args)
    json.loads(capsys.readouterr().out)  # --json prints valid JSON
    rep = out["report"]
    assert set(rep["by_corpus"]) == {"dortmund", "karlsruhe-anfragen"}
    assert {"one-word", "off-topic", "passage", "off-topic-unloaded"} <= set(rep["by_kind"])
    fig = rep["all"]["hit@5"]
    assert set(fig) == {"k", "n", "rate", "ci95"} and fig["n"] == 2
    row = next(r for r in out["rows"] if r["id"] == "s1")
    assert row["rank"] is not None and row["rank"] <= 5  # the known hit
    assert out["load"]["distractors"] == 1 and out["load"]["answer_files"] == 2
    assert {r["kind"] for r in out["rows"] if not r["answerable"]} == {
        "off-topic",
        "off-topic-unloaded",
    }
    assert {x["fit_on"] for x in out["loco"]} == {"dortmund", "karlsruhe-anfragen"}
    again = main(args)  # second run: the cached data dir, not a new ingest
    assert again["load"]["cache_dir"] == out["load"]["cache_dir"]
    assert [r["rank"] for r in again["rows"]] == [r["rank"] for r in out["rows"]]


def test_evidence_matching_rules() -> None:
    assert evidence_in(["Kommission tagt"], "Die Kom-\nmission  tagt viermal")
    assert evidence_in(["„Top 5“ ermittelt worden"], 'eine "Top 5" ermittelt worden, welche')
    long = "Stand Juni 2013: 950 offene Fälle und 2,5 Sachbearbeiterinnen bzw."
    assert evidence_in([long], "Stand Juni 2013: 950 offene Fälle und 2,5 Sachbearbeiterinnen")
    assert not evidence_in([long], "Wie hoch ist die Anzahl der offenen Fälle im Juni 2013?")
    assert not evidence_in([], "anything")


def test_wilson_interval() -> None:
    lo, hi = wilson(85, 100)
    assert 0.76 < lo < 0.78 and 0.90 < hi < 0.92
    assert wilson(0, 0) == (0.0, 1.0)


def test_results_block_is_replaced_not_appended(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("<!-- ask -->\nold\n<!-- ask -->\n")
    write_results("dev", "body-one", path)
    write_results("dev", "body-two", path)
    text = path.read_text()
    assert text.count("<!-- answers:dev -->") == 2 and "body-two" in text and "body-one" not in text
    assert "<!-- ask -->\nold" in text and text.count("<!-- answers -->") == 2


def test_archive_files_come_with_their_paper_as_an_oparl_sidecar(tmp_path: Path) -> None:
    from bench import answers_data as data

    archive = tmp_path / "archive"
    pairs = _archive(archive)
    pick = data.pick_archive(archive, [dict(q, corpus=data.ANFRAGEN) for q in pairs], pairs, 1, 0)
    written = data.write_archive_files(archive, pick, tmp_path / "corpus", 1, 3000)
    assert written["answer_files"] == 4 and written["distractors"] == 1
    sidecars = sorted((tmp_path / "corpus").rglob("*.oparl.json"))
    assert len(sidecars) == 5
    papers = {json.loads(p.read_text("utf-8"))["reference"] for p in sidecars}
    assert papers == {"2099/0001", "2099/0002", "2099/0003"}
