"""bench.archive in miniature: a three-paper archive, the fake embedder, no timing checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.archive import main
from tests.bench.test_answers_smoke import _archive, _write


def test_archive_bench_ingests_measures_and_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    pairs = _write(tmp_path / "pairs.jsonl", _archive(tmp_path / "archive"))
    args = ["--papers", "3", "--embedder", "fake", "--archive", str(tmp_path / "archive")]
    assert main([*args, "--pairs", str(pairs)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["papers"] == 3 and out["files"] == 6 and out["failed_files"] == 0
    assert out["passages"] > 0 and out["characters"] > 0 and out["ratio"] > 0
    assert out["questions"] == 2  # both pairs' papers were loaded
    assert out["quality"]["hit@5"]["n"] == 2


def test_archive_bench_samples_questions_and_writes_its_report(tmp_path: Path) -> None:
    pairs = _write(tmp_path / "pairs.jsonl", _archive(tmp_path / "archive"))
    args = ["--papers", "3", "--embedder", "fake", "--archive", str(tmp_path / "archive")]
    report = tmp_path / "report.json"
    assert main([*args, "--pairs", str(pairs), "--max-questions", "1", "--out", str(report)]) == 0
    out = json.loads(report.read_text(encoding="utf-8"))
    assert out["questions_of_loaded_papers"] == 2 and out["questions"] == 1
    assert out["quality"]["hit@5"]["n"] == 1 and out["passages"] > 0


def test_archive_bench_says_when_the_archive_is_absent(tmp_path: Path) -> None:
    assert main(["--archive", str(tmp_path / "nowhere")]) == 2
