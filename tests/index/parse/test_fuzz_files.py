"""Fuzz: arbitrary bytes under a .txt/.md/.pdf name either parse or raise CorpusError.

A fixed ``max_examples`` keeps this a small, repeatable fuzz run in CI.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import CorpusError
from index.parse import parse_file

_HEADS = st.sampled_from([b"", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"Gremium:\t"])
_BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=300).map(lambda t: t.encode("utf-16", "surrogatepass")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HEADS, _BODIES, st.sampled_from([".txt", ".md", ".pdf"]))
def test_any_bytes_parse_or_fail_with_one_line(head: bytes, body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(head + body)
        try:
            docs = parse_file(path)
        except CorpusError as e:
            assert str(e).startswith(f"fuzz{suffix}: ") and "\n" not in str(e)
            return
        for doc in docs:
            assert doc.text.strip()
            for b in doc.blocks:
                assert 0 <= b.start < b.end <= len(doc.text)
