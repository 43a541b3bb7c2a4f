"""Two ingest workers share one PostgreSQL store through the job queue (procrastinate).

Real worker processes (queue_driver.py beside this file) take jobs from a
fresh database with the fake embedder; one of them is killed (SIGKILL) inside
a job, in the document transaction before its commit. The other puts the dead
worker's job back once its heartbeat stops. Then every file is stored once:
nothing lost, nothing done twice (each document was added by exactly one
committed job, each job succeeded, the killed one after a second try).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.paths import REPO
from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres

FILES = 8
RATSBOT = [sys.executable, "-m", "bot"]
DRIVER = [sys.executable, "-m", "tests.index.ingest.queue_driver"]


def write_minutes(folder: Path, n: int) -> list[Path]:
    """``n`` small distinct minutes, each its own document."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        lines = [f"Niederschrift Nummer {i}", ""]
        lines += [
            f"Der Ausschuss berät Punkt {j} zur Sache Thema{i}x{j}. Frau Weber erläutert "
            f"die Kosten von {i * 100 + j} Euro für das Vorhaben {i}."
            for j in range(25)
        ]
        p = folder / f"minutes_{i:02d}.txt"
        p.write_text("\n".join(lines), encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from fresh_database()


def _env(tmp: Path, url: str, corpus: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "DATABASE_"))}
    return {
        **keep,
        "DATABASE_URL": url,
        "RATSBOT_DATA_DIR": str(tmp / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(corpus),
    }


def ratsbot(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [*RATSBOT, *args], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def wait_until_done(env: dict[str, str], jobs: int, timeout: float = 120) -> dict[str, int]:
    """Poll ``ratsbot queue status`` until ``jobs`` ingest jobs succeeded (or time runs out)."""
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        counts = json.loads(ratsbot(env, "queue", "status", "--json"))
        if not counts.get("todo") and not counts.get("doing") and counts.get("succeeded", 0) > jobs:
            return counts
        time.sleep(1.0)
    return counts


def wait_for_succeeded(url: str, jobs: int, worker: subprocess.Popen, timeout: float = 120) -> bool:
    """Whether ``jobs`` ingest jobs succeeded before ``worker`` exited or time ran out."""
    eng = sa.create_engine(url)
    done = sa.text(
        "SELECT count(*) FROM procrastinate_jobs "
        "WHERE task_name = 'ratsbot.ingest_file' AND status = 'succeeded'"
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and worker.poll() is None:
            with eng.connect() as c:
                if c.execute(done).scalar_one() >= jobs:
                    return True
            time.sleep(0.05)
        return False
    finally:
        eng.dispose()


def test_two_workers_one_killed_nothing_lost_nothing_twice(tmp_path: Path, pg_url: str) -> None:
    corpus = tmp_path / "minutes"
    files = write_minutes(corpus, FILES)
    env = _env(tmp_path, pg_url, corpus)
    assert "angelegt" in ratsbot(env, "queue", "init")
    assert f"{FILES} Dateien" in ratsbot(env, "queue", "add", str(corpus))
    assert "0 Dateien" in ratsbot(env, "queue", "add", str(corpus))  # waiting: not again
    dying = subprocess.Popen([*DRIVER, "--die-in-job", "2"], env=env, cwd=REPO)
    steady = None
    try:
        # the steady worker joins once the dying one holds its second job: ingest jobs take
        # turns on the store's lock, so two workers started together may leave it none
        assert wait_for_succeeded(pg_url, 1, dying), "the dying worker finished no job"
        steady = subprocess.Popen(DRIVER, env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        assert dying.wait(timeout=120) == -signal.SIGKILL  # it died inside its second job
        counts = wait_until_done(env, FILES)
    finally:
        if dying.poll() is None:
            dying.kill()
        err = ""
        if steady is not None:
            steady.send_signal(signal.SIGTERM)  # procrastinate stops gracefully
            _out, err = steady.communicate(timeout=60)
    assert counts.get("failed", 0) == 0, counts
    assert "requeued a job of a worker that stopped" in err
    eng = sa.create_engine(pg_url)
    with eng.connect() as c:
        keys = [k for (k,) in c.execute(sa.text("SELECT key FROM documents"))]
        runs = c.execute(sa.text("SELECT details FROM ingest_runs")).scalars().all()
        jobs = c.execute(
            sa.text(
                "SELECT status, attempts FROM procrastinate_jobs "
                "WHERE task_name = 'ratsbot.ingest_file'"
            )
        ).all()
        pending = c.execute(sa.text("SELECT count(*) FROM pending_vectors")).scalar()
    eng.dispose()
    assert sorted(keys) == sorted(f"{p.name}#0" for p in files)  # nothing lost
    added = Counter(k for d in runs for k in (d if isinstance(d, dict) else json.loads(d))["added"])
    assert added == Counter(keys)  # every document added by one committed job, once
    assert [s for s, _a in jobs] == ["succeeded"] * FILES
    # the killed job ran again; another may have been retried after a conflict of two
    # first commits into the empty store, which rolled back: still added once (above)
    assert max(a for _s, a in jobs) >= 2 and sum(a for _s, a in jobs) <= FILES + 2
    assert pending == 0  # the vectors after the commits were filled too
    answer = json.loads(ratsbot(env, "ask", "Was kostet das Vorhaben 5?", "--json"))
    assert not answer["abstained"]
