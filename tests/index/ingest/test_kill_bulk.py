"""A bulk import killed (SIGKILL) in its second commit batch resumes without redoing the first.

bulk_driver.py (beside this file) ingests a folder in batches of three files and
kills itself while embedding the second batch. The store then holds the first
batch, whole; ``ratsbot check`` agrees with it; the next ``ratsbot ingest``
skips those documents as unchanged, adds the rest, and leaves nothing pending.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.index.ingest.test_kill_ingest import _env, run
from tests.index.ingest.test_queue import write_minutes
from tests.support.paths import REPO

pytestmark = [pytest.mark.crash, pytest.mark.slow]

DRIVER = [sys.executable, "-m", "tests.index.ingest.bulk_driver"]


def test_killed_bulk_import_resumes_where_it_stopped(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    files = write_minutes(folder, 8)
    env = _env(tmp_path / "data", folder)
    proc = subprocess.run(
        [*DRIVER, "3", str(folder)], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    docs = json.loads(run(env, "docs", "--json").stdout)
    first = sorted(d["key"] for d in docs)
    assert first == sorted(f"{p.name}#0" for p in files[:3])  # batch one, whole
    check = json.loads(run(env, "check", "--json").stdout)
    assert check["ok"], check
    report = json.loads(run(env, "ingest", "--json", "--workers", "1", str(folder)).stdout)
    assert sorted(report["unchanged"]) == first  # not redone
    assert len(report["added"]) == 5 and not report["failed"]
    check = json.loads(run(env, "check", "--json").stdout)
    assert check["ok"] and check["chunks"] == check["index_chunks"], check
    answer = json.loads(run(env, "ask", "Was kostet das Vorhaben 6?", "--json").stdout)
    assert not answer["abstained"]
