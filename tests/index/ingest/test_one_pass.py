"""The one-pass ingest path: every vector before the commit, nothing left pending."""

from __future__ import annotations

from pathlib import Path

from index.embed import FakeEmbedder
from index.ingest import ingest_paths
from index.store import Store, pending_documents
from index.store.database import text_hash
from index.store.tables import Chunk
from tests.support.paths import HUND


def _all_hashes(store: Store) -> tuple[set[str], set[str]]:
    with store.session() as s:
        rows = s.query(Chunk.embed_text, Chunk.text, Chunk.sentences).all()
    chunks = {text_hash(e) for e, _, _ in rows}
    sentences = {text_hash(t[a:b]) for _, t, ss in rows for a, b in ss}
    return chunks, sentences


def test_one_pass_embeds_everything_before_the_commit(store: Store, tmp_path: Path) -> None:
    emb = FakeEmbedder(one_pass=True)
    report = ingest_paths(store, emb, [HUND], show_bar=False)
    assert report.failed == [] and report.chunks_added > 0
    assert not pending_documents(store)
    chunks, sentences = _all_hashes(store)
    key = emb.info.key
    assert store.cached_hashes(key, sorted(chunks | sentences), sparse=True) == chunks | sentences
    # texts seen before are not embedded again, in another document too
    copy = tmp_path / "kopie.txt"
    copy.write_text(HUND.read_text(encoding="utf-8") + "\nEin neuer Satz am Ende.\n", "utf-8")
    again = ingest_paths(store, emb, [copy], show_bar=False)
    assert 0 < again.chunks_embedded < report.chunks_embedded
