"""Text-only metadata of a few Karlsruhe archive files, checked against their OParl data.

The files stand for layouts the archive holds many of (bench/parse_meta.py scores
500): the older label-column form, a minutes excerpt dated "03/.04.03.2015", a
follow-up Vorlage "2025/0985/1" decided on "16./17./18.12.2025". Expected values
are those of the files' papers and meetings in the archive's OParl data.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from index.parse import parse_text
from tests.support.paths import REALDOCS

ARCHIVE = REALDOCS / "karlsruhe-archive" / "file-texts.jsonl.gz"
FILES = "https://web1.karlsruhe.de/oparl/bodies/0001/files/"
D = dt.date
# file id: (own numbers, Gremium, meeting date, TOP)
EXPECTED = {
    "18463": ([], "Gemeinderat", D(2009, 11, 17), "31"),  # OParl reference 23640 is internal
    "586412": ([], "Gemeinderat", D(2015, 3, 3), None),
    "588682": (["2015/0560"], "Gemeinderat", D(2015, 10, 20), "19"),
    "675139": (["2025/0985/1"], "Gemeinderat", D(2025, 12, 16), "3"),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not ARCHIVE.exists():
        pytest.skip(f"Karlsruhe archive not available at {ARCHIVE} (see SOURCES.md there)")
    wanted = {FILES + k: k for k in EXPECTED}
    found: dict[str, str] = {}
    with gzip.open(ARCHIVE, "rt", encoding="utf-8") as f:
        for line in f:
            if not any(f'{w}"' in line[:200] for w in wanted):
                continue
            row = json.loads(line)
            if row["file"] in wanted:
                found[wanted[row["file"]]] = row["text"]
                if len(found) == len(wanted):
                    break
    return found


@pytest.mark.parametrize("file_id", sorted(EXPECTED))
def test_archive_file_metadata(texts, file_id):
    meta = parse_text(texts[file_id], f"{file_id}.txt")[0].meta
    own, gremium, date, top = EXPECTED[file_id]
    assert (meta.own_numbers, meta.gremium, meta.meeting_date, meta.top) == (
        own,
        gremium,
        date,
        top,
    )
    assert meta.public
