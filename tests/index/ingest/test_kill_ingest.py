"""A real ``ratsbot ingest`` killed (SIGKILL) at any moment loses nothing.

Each test runs an ingest in a subprocess with the fake embedder and kills it:
at a named phase (crash_driver.py, beside this file, passes the ingest an
``on_phase`` hook that dies there) or, running the command line, after a
random delay. Then it checks what a crash may leave: the store holds the state
before the run or after it, never between; ``ratsbot ask`` answers from it;
``ratsbot check`` finds store and index in agreement; and the next run
completes the work.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.index.ingest.crash_driver import PHASES
from tests.support.paths import REPO, SEED

pytestmark = [pytest.mark.crash, pytest.mark.slow]

HUND = REPO / "tests" / "fixtures" / "minutes_hundesteuer.txt"
SEED_Q = "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?"
HUND_Q = "Wie hoch ist die Hundesteuer für den ersten Hund?"
RATSBOT = [sys.executable, "-m", "bot"]
DRIVER = [sys.executable, "-m", "tests.index.ingest.crash_driver"]


def _env(data: Path, corpus: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "DATABASE_"))}
    return {
        **keep,
        "RATSBOT_DATA_DIR": str(data),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(corpus),
        **extra,
    }


def run(
    env: dict[str, str], *args: str, check: bool = True, command: list[str] = RATSBOT
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"ratsbot {' '.join(args)} -> {proc.returncode}\n{proc.stderr}")
    return proc


def documents(env: dict[str, str]) -> int:
    return json.loads(run(env, "stats", "--json").stdout)["documents"]


def assert_consistent(env: dict[str, str], documents_expected: set[int]) -> int:
    """Before or after, never between; answers from it; check agrees afterwards."""
    n = documents(env)
    assert n in documents_expected, f"{n} documents: neither before nor after the run"
    answer = json.loads(run(env, "ask", SEED_Q, "--json").stdout)
    assert not answer["abstained"] and "38,5" in json.dumps(answer, ensure_ascii=False)
    report = json.loads(run(env, "check", "--json").stdout)
    assert report["ok"], report
    assert report["index_chunks"] == report["chunks"], report  # ask rebuilt what was stale
    assert report["index_generation"] == report["generation"], report
    return n


@pytest.fixture
def setup(tmp_path: Path) -> tuple[dict[str, str], Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    env = _env(tmp_path / "data", corpus)
    run(env, "reindex")
    assert documents(env) == 2
    shutil.copy(HUND, corpus / "hund.txt")
    return env, corpus


@pytest.mark.parametrize("phase", PHASES)
def test_kill_at_each_phase_then_resume(setup: tuple[dict[str, str], Path], phase: str) -> None:
    env, corpus = setup
    kill = dict(env)
    if phase == "embedding":  # vectors before the commit: as for an upload too big to defer
        kill["RATSBOT_DEFER_VECTORS_MAX_CHUNKS"] = "0"
    killed = run(kill, phase, str(corpus), check=False, command=DRIVER)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after_commit = phase in ("committed", "vectors", "index")
    n = assert_consistent(env, {3} if after_commit else {2})
    assert n == (3 if after_commit else 2)
    run(env, "ingest", str(corpus))  # the next run completes the work
    assert assert_consistent(env, {3}) == 3
    answer = json.loads(run(env, "ask", HUND_Q, "--json").stdout)
    assert "180 Euro" in json.dumps(answer, ensure_ascii=False)


def test_kill_at_random_moments(setup: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, _corpus = setup
    extra = tmp_path / "extra"
    extra.mkdir()
    text = HUND.read_text(encoding="utf-8")
    for i in range(12):  # enough work that a kill lands inside the run
        (extra / f"hund{i}.txt").write_text(
            text.replace("19999-20", f"{19000 + i}-20").replace("180 Euro", f"{100 + i} Euro"),
            encoding="utf-8",
        )
    rng = random.Random(6)
    before = documents(env)
    for attempt in range(3):
        proc = subprocess.Popen(
            [*RATSBOT, "ingest", str(extra)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        n = assert_consistent(env, {before, before + 12})
        if n != before:
            break  # that run had already committed: nothing left to interrupt
        assert attempt < 3
    run(env, "ingest", str(extra))
    assert assert_consistent(env, {before + 12}) == before + 12


def test_second_ingest_waits_or_is_refused(setup: tuple[dict[str, str], Path]) -> None:
    env, corpus = setup
    data = Path(env["RATSBOT_DATA_DIR"])
    with open(data / ".ingest.lock", "w") as lock:  # another process holds the data dir
        fcntl.flock(lock, fcntl.LOCK_EX)
        refused = run(env, "ingest", "--no-wait", str(corpus), check=False)
        assert refused.returncode == 1
        assert (
            "Fehler: ein anderer Ingest läuft gerade in diesem Datenverzeichnis" in refused.stderr
        )
        waiting = subprocess.Popen(
            [*RATSBOT, "ingest", str(corpus)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        line = waiting.stderr.readline()
        assert line.strip() == "Ein anderer Ingest läuft gerade, warte …"
        assert waiting.poll() is None
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, _err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0 and "1 neu" in out
    assert assert_consistent(env, {3}) == 3


def test_two_concurrent_ingests_both_complete(
    setup: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, corpus = setup
    other = tmp_path / "other.txt"
    other.write_text(
        HUND.read_text(encoding="utf-8").replace("19999-20", "18888-20"), encoding="utf-8"
    )
    procs = [
        subprocess.Popen(
            [*RATSBOT, "ingest", str(p)], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        for p in (corpus / "hund.txt", other)
    ]
    for p in procs:
        p.communicate(timeout=120)
        assert p.returncode == 0
    assert assert_consistent(env, {4}) == 4
