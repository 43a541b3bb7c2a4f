"""The ratsbot command through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from tests.support.paths import CORPUS, DEV_QA, HUND

FIXTURE = HUND


def _run(args: list[str], tmp_path: Path, **kw) -> object:
    env = {
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(CORPUS),
        "LANG": "C.UTF-8",  # German output whatever the developer's locale
        "LC_ALL": None,
        "LC_MESSAGES": None,
    }
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False, **kw)


def test_ingest_docs_stats_remove(tmp_path: Path) -> None:
    r = _run(["ingest", str(CORPUS), "--json"], tmp_path)
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output)["added"]) == 2
    r = _run(["ingest", str(CORPUS)], tmp_path)
    assert "Nichts geändert" in r.output
    r = _run(["docs", "--json"], tmp_path)
    docs = json.loads(r.output)
    assert {d["gremium"] for d in docs} == {
        "Rat der Stadt",
        "Ausschuss für Personal, Organisation und Digitalisierung",
    }
    r = _run(["stats", "--json"], tmp_path)
    assert json.loads(r.output)["documents"] == 2
    r = _run(["remove", str(docs[0]["id"])], tmp_path)
    assert r.exit_code == 0
    r = _run(["remove", "9999"], tmp_path)
    assert r.exit_code == 1 and "kein Dokument mit der Id 9999" in r.output


def test_ask_json_contract_and_jsonl(tmp_path: Path) -> None:
    r = _run(["ask", "Wer ist Vorsitzender des Personalrats?", "--json", "-k", "3"], tmp_path)
    assert r.exit_code == 0, r.output
    js = json.loads(r.output)
    assert set(js) >= {"question", "language", "abstained", "answer", "sources"}
    assert len(js["sources"]) <= 3
    r = _run(["ask", "--jsonl"], tmp_path, input="Was ist die Databox?\n\nWhat is the Databox?\n")
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert [x["language"] for x in lines] == ["de", "en"]


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    r = _run(["ingest", str(tmp_path / "missing.txt")], tmp_path)
    assert r.exit_code == 1
    assert f"Fehler: Datei oder Ordner nicht gefunden: {tmp_path / 'missing.txt'}" in r.output
    r = _run(["ask", "x", "--from", "gestern"], tmp_path)
    assert r.exit_code == 2 and "'gestern' ist kein Datum" in r.output


def test_eval_reports_metrics(tmp_path: Path) -> None:
    if not DEV_QA.exists():
        import pytest

        pytest.skip(f"{DEV_QA} not found")
    r = _run(["eval", str(DEV_QA), "--json"], tmp_path)
    assert r.exit_code == 0
    summary = json.loads(r.output)["summary"]
    assert set(summary) >= {
        "hit@1",
        "hit@3",
        "hit@5",
        "answer_hit",
        "citation_rate",
        "abstention_accuracy",
    }


def test_optimize_merges_segments(tmp_path: Path) -> None:
    assert _run(["ingest", str(CORPUS)], tmp_path).exit_code == 0
    r = _run(["optimize"], tmp_path)
    assert r.exit_code == 0 and "1 Segment" in r.output
