"""The scale benchmark end to end at a small size with the fake embedder (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import scale, scale_report
from tests.support.paths import REPO


@pytest.mark.slow
def test_scale_benchmark_reports_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--chunks", "2000", "--json", "--no-write", "--embedder", "fake"]
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["chunks_indexed"] >= 2000
    serving = res["serving"]
    cached = serving["cached"]
    for q in ("p50", "p95", "p99"):
        assert serving["warm_ms"][q] > 0 and cached["warm_ms"][q] > 0
    assert cached["index_read_into_page_cache"]["mib"] > 0
    missed = serving["dev_missed"]  # each miss with its rank below 5, or None
    assert all(r is None or 5 < r <= 30 for r in missed.values())
    dev = [d for d in scale._dev() if d.get("kind") != "abstain" and d.get("evidence")]
    if dev:
        assert serving["hit@5"] == round(1 - len(missed) / len(dev), 3)
    for step in ("embed", "dense", "sparse", "bm25", "fusion", "compose"):
        assert step in serving["step_ms_p50"]
    assert serving["cold_start_s"] > 0 and serving["peak_rss_mib"] > 0
    assert res["index_disk_mib"] > 0
    inc = res["incremental"]
    assert inc["answer_found"] and inc["full_rebuild_s"] > 0 and inc["answerable_s"] > 0
    # committed before its vectors, it is found by its words, then with them
    assert inc["found_by_words"] and inc["found_with_vectors"]
    assert inc["words_s"] <= inc["vectors_s"] <= inc["ingest_s"]
    assert res["ann"]["ivf_sq8_rescored"]["recall@10"] >= 0.9
    assert res["embedding"]["bare_texts_per_s"] > 0
    # the section written to RESULTS.md carries both passes
    monkeypatch.setattr(scale_report, "RESULTS", tmp_path / "RESULTS.md")
    scale_report.write_results({**res, "machine": "test", "code": "test"})
    section = (tmp_path / "RESULTS.md").read_text()
    assert "first pass after the build" in section and "page cache first" in section
