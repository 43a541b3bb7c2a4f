"""The real documents for the parsing tests; they live outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import REALDOCS


@pytest.fixture(scope="session")
def realdocs() -> Path:
    """The folder of real Karlsruhe texts; tests skip when it is not there."""
    if not any(REALDOCS.glob("ka_*.txt")):
        pytest.skip(f"real documents not available at {REALDOCS} (see SOURCES.md there)")
    return REALDOCS
