"""Bot replicas as processes for the replica tests (tests/bot/test_replicas.py).

Each :class:`Replica` runs ``tests/bot/replica_driver.py`` with its own data
directory on the shared database, the fake embedder, and the chat state in the
database; commands go in as JSON lines and results come back the same way.
:func:`write_minutes` makes small minutes, each with a code word of its own
that a question can ask for.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support.paths import REPO

ADMIN = "4242"  # the admin's user id on every replica
START_SECONDS = 120.0  # a replica imports the bot and opens the store
STEP_SECONDS = 240.0  # one command, an ingest of a few dozen minutes included


class ReplicaDied(RuntimeError):
    """The replica's process ended (a test may have meant it to)."""


class Replica:
    """One replica process; ``call`` sends a command and waits for its result."""

    def __init__(self, name: str, db_url: str, data_dir: Path, corpus_dir: Path) -> None:
        self.name = name
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RATSBOT_", "DATABASE"))}
        env.update(
            DATABASE_URL=db_url,
            RATSBOT_DATA_DIR=str(data_dir),
            RATSBOT_CORPUS_DIRS=str(corpus_dir),
            # the shared folder every replica reaches (README: replicas on one PostgreSQL)
            RATSBOT_UPLOAD_DIR=str(corpus_dir.parent / "shared" / "uploads"),
            RATSBOT_EMBEDDER="fake",
            RATSBOT_CHAT_STATE="database",
            RATSBOT_ADMIN_IDS=ADMIN,
            OMP_NUM_THREADS="1",
            PYTHONPATH=str(REPO),
        )
        data_dir.mkdir(parents=True, exist_ok=True)
        self.stderr_path = data_dir / f"{name}.stderr"
        self._stderr = self.stderr_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bot.replica_driver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            cwd=REPO,
            env=env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.ready = self.read(START_SECONDS)

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def read(self, timeout: float = STEP_SECONDS) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"{self.name} gave no answer in {timeout:.0f} s") from None
        if line is None:
            raise ReplicaDied(f"{self.name} ended: {self.stderr_tail()}")
        result: dict[str, Any] = json.loads(line)
        return result

    def call(self, command: dict[str, Any], timeout: float = STEP_SECONDS) -> dict[str, Any]:
        self.send(command)
        return self.read(timeout)

    def ended(self, timeout: float = STEP_SECONDS) -> int:
        """Wait for the process to end (a kill it was told to do); its exit code."""
        return self.proc.wait(timeout)

    def stderr_tail(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._stderr.close()


def code_word(n: int) -> str:
    """A word no other minutes contain: ``Vorhaben`` and ``n`` spelt in letters."""
    return "Vorhaben" + "".join("bcdfghjklm"[int(d)] for d in str(n))


def write_minutes(folder: Path, n: int) -> Path:
    """Small minutes number ``n`` whose topic is :func:`code_word` ``(n)``."""
    folder.mkdir(parents=True, exist_ok=True)
    word = code_word(n)
    day, month = 1 + n % 28, 1 + n % 12
    text = (
        "Auszug aus der Niederschrift\n\n"
        "Gremium:\tSitzungsdatum:\tSitzungsart:\n"
        f"Ausschuss für Stadtentwicklung\t{day:02d}.{month:02d}.2021\töffentlich\n\n"
        f"zu TOP {n}\n\n{word}\n\n(Drucksache Nr.: {20000 + n}-21)\n\n"
        f"Herr Berger (SPD-Fraktion) berichtet, dass das {word} im Jahr 2022 mit {n + 3} "
        f"neuen Stellen im Stadtbezirk umgesetzt werden soll. Die Kosten für das {word} "
        f"betragen {n + 1}00.000 Euro und werden aus dem Haushalt der Stadt finanziert.\n\n"
        f"Der Ausschuss nimmt den Bericht über das {word} zur Kenntnis und empfiehlt dem Rat, "
        "die Mittel im nächsten Haushaltsjahr bereitzustellen.\n"
    )
    path = folder / f"minutes-{n:03d}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def user_errors(results: list[dict[str, Any]]) -> list[str]:
    """Every error a user or admin would have seen in these results."""
    found = [r["error"] for r in results if "error" in r]
    for r in results:
        found += [p["text"] for p in r.get("replies", []) if p["kind"] == "error"]
    return found
