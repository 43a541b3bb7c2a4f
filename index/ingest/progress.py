"""What a long ingest shows while it runs: documents and characters, rate and ETA.

On a terminal a bar over the source files with the characters done and their
rate; anywhere else (a pipe, a log file, ``make run``'s first index, the
auto-index of a first question) one line every few seconds, and one at the end:

    ingest: 1.204/38.076 Dateien, 12,3 Mio. Zeichen, 4.035 Zeichen/s, noch ≈ 3:12:00

The estimate of the time left counts bytes of the source files that are
embedded (known before anything is parsed): OParl JSON is imported as facts in
moments, and a paper's sidecar can weigh twice its text, so counting it would
make the first minutes look like most of the work. Characters are those of the
parsed text. The lines carry counts and timings only, never document text.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("index.ingest")

REPORT_EVERY = 5.0  # seconds between two report lines off a terminal

Sink = Callable[[str], None]


def _stderr_line(line: str) -> None:
    """A report line for a pipe: logged, and on stderr when no logging is set up."""
    log.info(line)
    if not logging.getLogger().handlers:
        print(line, file=sys.stderr, flush=True)


def _num(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def _chars(n: float) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.1f} Mio.".replace(".", ",", 1)
    return _num(n)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class IngestProgress:
    """Counts source files and characters as an ingest finishes them, and shows it.

    ``bar``: a tqdm bar on stderr (a terminal); otherwise ``sink`` gets a line at
    most every ``every`` seconds. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        files: list[Path],
        *,
        bar: bool,
        sink: Sink | None = None,
        every: float = REPORT_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total_files = len(files)
        self.total_bytes = sum(_work(f) for f in files)
        self.files = 0
        self.bytes = 0
        self.chars = 0
        self.documents = 0
        self._sink = sink or _stderr_line
        self._every = every
        self._clock = clock
        self._start = clock()
        self._last = self._start
        self._bar: Any = None
        self._within = (0, 0, 0.0)  # bytes and characters being embedded, share done
        if bar and self.total_files:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total_files, unit="Datei", desc="ingest", file=sys.stderr)

    def files_done(self, files: list[Path], documents: int, chars: int) -> None:
        """``files`` are parsed and embedded (or failed, or unchanged)."""
        self._within = (0, 0, 0.0)
        self.files += len(files)
        self.bytes += sum(_work(f) for f in files)
        self.documents += documents
        self.chars += chars
        if self._bar is not None:
            self._bar.update(len(files))
            self._bar.set_postfix_str(self._chars_part(), refresh=False)
        self._maybe_report()

    def within(self, files: list[Path], chars: int) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback for the texts of ``files`` being embedded now.

        Counts the share done as files and characters in flight, so a long batch
        moves the report instead of holding it still.
        """
        size = sum(_work(f) for f in files)

        def moved(done: int, total: int) -> None:
            self._within = (size, chars, done / total if total else 1.0)
            if self._bar is not None:
                self._bar.set_postfix_str(self._chars_part())
            self._maybe_report()

        return moved

    def tick(self) -> None:
        """Nothing finished yet, but the work goes on: a pipe still gets its line
        (the rate falls and the time left grows while a long file is embedded)."""
        self._maybe_report()

    def after_commit(self) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback for the vectors that follow the commits.

        Off a terminal it reports them as a line every few seconds too (the
        sentence vectors of a first index take minutes); on one the bar is done.
        """

        def moved(done: int, total: int) -> None:
            if self._bar is not None:
                return
            now = self._clock()
            if now - self._last >= self._every:
                self._last = now
                self._sink(f"ingest: Satz- und Sparse-Vektoren {_num(done)}/{_num(total)} Texte")

        return moved

    def _maybe_report(self) -> None:
        if self._bar is not None:
            return
        now = self._clock()
        if now - self._last >= self._every:
            self._last = now
            self._sink(self.line())

    def _now_chars(self) -> float:
        return self.chars + self._within[1] * self._within[2]

    def _now_bytes(self) -> float:
        return self.bytes + self._within[0] * self._within[2]

    def _chars_part(self) -> str:
        chars = self._now_chars()
        rate = chars / max(self._clock() - self._start, 1e-9)
        return f"{_chars(chars)} Zeichen, {_num(rate)} Zeichen/s"

    def eta(self) -> float | None:
        """Seconds left, from the share of source bytes done; None before any."""
        done = self._now_bytes()
        if not done or not self.total_bytes:
            return None
        elapsed = self._clock() - self._start
        return elapsed * max(self.total_bytes - done, 0) / done

    def line(self) -> str:
        """The one-line report: files, characters, rate, time left."""
        eta = self.eta()
        done = self.files >= self.total_files
        left = f", noch ≈ {_clock(eta)}" if eta is not None and not done else ""
        return (
            f"ingest: {_num(self.files)}/{_num(self.total_files)} Dateien, "
            f"{self._chars_part()}{left}"
        )

    def close(self) -> None:
        """Close the bar, or write the last line (a run of any length reports its end)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.total_files:
            self._sink(self.line())


def _work(path: Path) -> int:
    """The bytes of ``path`` that count towards the time left: none for OParl JSON."""
    if path.suffix.lower() == ".json":
        return 0
    try:
        return path.stat().st_size
    except OSError:
        return 0
