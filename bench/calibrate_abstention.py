"""Fit the abstention model (``bot/abstain.py``) on ``bench/calibration.jsonl``.

    python -m bench.calibrate_abstention [--data-dir DIR]

Indexes the bundled corpus plus ../shared/realdocs/ka_*.txt (or uses an
existing data dir), computes the evidence features the answer step uses for
each calibration question, fits a logistic regression and prints the constants
for ``AbstainModel`` with the leave-one-out accuracy. The calibration questions
are written for this purpose (answerable ones about the corpus, off-topic ones
about dog tax, buses, swimming pools …); the dev questions are not used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from bot.answer.abstain import AbstainModel
from bot.answer.composition import SENTENCE_POOL, evidence_for, score_sentences
from bot.answer.source_lines import make_sources
from bot.service import Ratsbot
from bot.settings import Settings
from index.store.passages import load_chunks

REPO = Path(__file__).resolve().parent.parent
REALDOCS = REPO.parent / "shared" / "realdocs"


def features(bot: Ratsbot, question: str) -> tuple[str, float, float]:
    result = bot.searcher.search(question, k=5)
    views = load_chunks(bot.store, [h.chunk_id for h in result.hits[:SENTENCE_POOL]])
    sources = make_sources(result, views, 5)
    scored = score_sentences(bot.store, bot.embedder, result, views, sources)
    ev = evidence_for(result, scored, sources, bot.embedder)
    return ev.language, ev.sentence_sparse or 0.0, ev.lexical_coverage


def design(lang: str, s: float, c: float) -> list[float]:
    de = 1.0 if lang == "de" else 0.0
    return [s, c, de]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> tuple[np.ndarray, float]:
    """Plain logistic regression by gradient descent on standardised features."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(5000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float((p - y).mean())
    return w / sd, b - float((w / sd) @ mu)  # back to raw feature units


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path)
    a = ap.parse_args()
    work = None
    if a.data_dir is None:
        work = Path(tempfile.mkdtemp(prefix="ratsbot-calib-"))
        corpus = work / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        for f in sorted(REALDOCS.glob("ka_*.txt")):
            shutil.copy(f, corpus / f.name)
        settings = Settings(data_dir=work / "data", corpus_dirs=(corpus,))
    else:
        settings = Settings(data_dir=a.data_dir)
    bot = Ratsbot(settings)
    bot.ensure_index()
    rows = [json.loads(x) for x in (REPO / "bench" / "calibration.jsonl").read_text().splitlines()]
    feats = [features(bot, r["question"]) for r in rows]
    x = np.array([design(*f) for f in feats])
    y = np.array([1.0 if r["answerable"] else 0.0 for r in rows])
    w, b = fit(x, y)
    loo = 0
    for i in range(len(y)):
        m = np.ones(len(y), bool)
        m[i] = False
        wi, bi = fit(x[m], y[m])
        loo += int(((x[i] @ wi + bi) >= 0) == bool(y[i]))
    model = AbstainModel(w_sparse=w[0], w_lexical=w[1], w_de=w[2], bias=b)
    print(f"AbstainModel(w_sparse={w[0]:.2f}, w_lexical={w[1]:.2f}, w_de={w[2]:.2f}, bias={b:.2f})")
    print(f"leave-one-out accuracy: {loo / len(y):.3f} on {len(y)} questions")
    from bot.answer.abstain import Evidence

    for r, (lang, s, c) in zip(rows, feats, strict=True):
        p = model.p_answerable(Evidence(lang, s, c))
        mark = "ok " if (p >= model.threshold) == r["answerable"] else "ERR"
        print(f"{mark} p={p:.2f} sparse={s:.3f} cov={c:.2f} {lang} {r['question']}")
    bot.close()
    if work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
