"""Where the test data lies: the repository, its corpus and fixtures, the shared folder beside."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
SEED = (
    CORPUS / "dortmund_18828-20_masterplan-digitale-verwaltung_apod-2020-12-03_rat-2020-12-17.txt"
)
FIXTURES = REPO / "tests" / "fixtures"
HUND = FIXTURES / "minutes_hundesteuer.txt"  # a second set of minutes: the dog tax
PARSE_FIXTURES = FIXTURES / "parse"
REALDOCS = REPO.parent / "shared" / "realdocs"
DEV_QA = REPO.parent / "shared" / "eval" / "dev_qa.jsonl"


def require_realdocs() -> Path:
    """The real Karlsruhe documents, which are never copied into the repository; else skip."""
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents not found at {REALDOCS} (../shared/realdocs beside the repo)")
    return REALDOCS
