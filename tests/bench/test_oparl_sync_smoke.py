"""bench.oparl_sync in miniature: the synthetic fixture archive, the fake embedder."""

from __future__ import annotations

from pathlib import Path

from bench.oparl_sync import markdown, run, write_results
from tests.support.oparl_archive import fixture_archive


def test_first_and_incremental_sync_on_the_fixture_archive(tmp_path: Path) -> None:
    r = run(8, "fake", fixture_archive(), per_page=3)  # 7: the paper without files is left out
    first, inc = r["first"], r["incremental"]
    assert first["objects"] == 7 + 3 + 4 and first["files"] == 11 and first["failures"] == 0
    assert first["first_answerable_s"] > 0
    # 5 changed (one file each gets new text), 1 deleted: exactly those, nothing else fetched
    assert inc["exactly_those"] and (inc["changed"], inc["deleted"]) == (5, 1)
    assert inc["files_fetched"] == inc["downloads"] == 5
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n", encoding="utf-8")
    write_results(markdown(r), out)
    write_results(markdown(r), out)  # replaces its own section
    assert out.read_text(encoding="utf-8").count("## OParl sync") == 1
