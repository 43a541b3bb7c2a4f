"""Shared paths for the parsing tests; real documents live outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
REALDOCS = REPO.parent / "shared" / "realdocs"
SEED = (
    REPO
    / "corpus"
    / "dortmund_18828-20_masterplan-digitale-verwaltung_apod-2020-12-03_rat-2020-12-17.txt"
)
FIXTURES = REPO / "tests" / "fixtures" / "parse"


@pytest.fixture(scope="session")
def realdocs() -> Path:
    """The folder of real Karlsruhe texts; tests skip when it is not there."""
    if not any(REALDOCS.glob("ka_*.txt")):
        pytest.skip(f"real documents not available at {REALDOCS} (see SOURCES.md there)")
    return REALDOCS
