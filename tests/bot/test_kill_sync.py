"""A real ``ratsbot sync oparl`` killed (SIGKILL) in the middle resumes at its page.

The sync runs as a subprocess against the replay server of the fixture archive;
the third page of the papers answers slowly and the process is killed while it
waits for it. The next run continues with that page (pages 1 and 2 are not asked
again), and at the end every file is in the index exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.oparl_archive import Archive, fixture_archive
from tests.support.oparl_replay import Fault, ReplayServer
from tests.support.paths import REPO

pytestmark = [pytest.mark.crash, pytest.mark.slow]


def test_a_killed_sync_resumes_at_the_page_it_died_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "DATABASE_"))}
    env = {
        **keep,
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(corpus),
        "RATSBOT_OPARL_DELAY_SECONDS": "0",
    }
    command = [sys.executable, "-m", "bot", "sync", "oparl"]
    with ReplayServer(Archive.load(fixture_archive()), per_page=3) as server:
        server.faults.append(Fault("/papers?page=3", "slow", arg=30))
        proc = subprocess.Popen([*command, server.body_url], env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        asked = lambda: any("/papers?page=3" in p for p in server.arrived)  # noqa: E731
        while not asked() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert asked(), "the sync never reached page 3"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        server.faults.clear()
        before = len(server.log)
        done = subprocess.run(
            [*command, server.body_url, "--json"], env=env, cwd=REPO,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        later = [p for p, _ in server.log[before:] if "/papers" in p]
    assert report["resumed"] == [server.body_url + "/papers"]
    assert later[0].endswith("/papers?page=3") and len(later) == 1
    assert report["objects_new"] == 2 and report["files_fetched"] == 1  # 2024/0107 (0108: none)
    docs = subprocess.run(
        [sys.executable, "-m", "bot", "docs", "--json"], env=env, cwd=REPO,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    keys = [d["key"] for d in json.loads(docs.stdout)]
    assert len(keys) == 11 == len(set(keys))
