"""Scoring one answer against its question, and rates with Wilson intervals.

Evidence matching (one evidence string of a question is enough):

1. after ``bot.evaluation.norm`` (case, white space, hyphens and punctuation
   removed, so PDF line breaks, "Kom-\\nmission" and typographic quotes do not
   decide) the evidence is a substring of the text; or
2. for evidence of at least ``LONG_EVIDENCE_TOKENS`` word tokens (the Anfragen
   answers' openings), at least ``TOKEN_OVERLAP`` of its distinct tokens occur
   in the text. This forgives a sentence splitter that cut the opening at
   "bzw." or a footnote mark, but not a quote of the restated question, which
   shares few tokens with the administration's answer.

``answer_hit`` looks only at the quoted sentences, not at source lines or
notices: the quote must carry the answer. ``hit@k`` looks at the retrieved
passages. The citation is right when the quote carrying the evidence (else the
first quote) names the expected paper number among its own or mentioned numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.answer import Answer
from bot.evaluation import norm, score_one

LONG_EVIDENCE_TOKENS = 6
GRID = [round(i * 0.025, 3) for i in range(41)]  # thresholds tried by --loco
TOKEN_OVERLAP = 0.8
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(text.replace("-\n", "").lower()) if len(t) > 1}


def evidence_in(evidence: list[str], text: str) -> bool:
    """True when ``text`` carries one of the evidence strings (rules in the module doc)."""
    if not evidence or not text:
        return False
    flat = norm(text)
    toks: set[str] | None = None
    for e in evidence:
        if norm(e) and norm(e) in flat:
            return True
        ev = _tokens(e)
        if len(ev) >= LONG_EVIDENCE_TOKENS:
            toks = _tokens(text) if toks is None else toks
            if len(ev & toks) / len(ev) >= TOKEN_OVERLAP:
                return True
    return False


def _cite_key(number: str) -> str:
    return re.sub(r"\W+", "", number).lower()


def score_answer(q: dict[str, Any], ans: Answer, is_answerable: bool, corpus: str) -> dict:
    """One row of the report: the fields of ``ratsbot eval`` plus the answer-step figures."""
    row = score_one(q, ans)  # id, lang, kind, question, rank (exact), abstained, ...
    evidence = list(q.get("evidence") or [])
    rank = next((s.rank for s in ans.sources if evidence_in(evidence, s.text)), None)
    carrying = [x for x in ans.quotes if evidence_in(evidence, x.text)]
    quoted = " ".join(x.text for x in ans.quotes)
    cite = _cite_key(str(q.get("cite") or ""))
    shown = (carrying or ans.quotes)[:1]
    answered = not ans.abstained
    row.update(
        corpus=corpus,
        kind=q.get("kind", "passage"),
        answerable=is_answerable,
        rank=rank,
        answer_hit=is_answerable and answered and evidence_in(evidence, quoted),
        cite=str(q.get("cite") or ""),
        cited=bool(cite)
        and answered
        and any(cite == _cite_key(n) for x in shown for n in x.citation.numbers),
        false_abstention=is_answerable and ans.abstained,
        offtopic_answered=(not is_answerable) and answered,
        quote=(shown[0].text[:160] if shown else ""),
        citation=(shown[0].citation.format() if shown else ""),
    )
    return row


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (95 % by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate(rows: list[dict], hit: Callable[[dict], bool]) -> dict[str, Any] | None:
    """``{"k", "n", "rate", "ci95"}`` over ``rows``; None when there are no rows."""
    if not rows:
        return None
    k = sum(1 for r in rows if hit(r))
    lo, hi = wilson(k, len(rows))
    return {
        "k": k,
        "n": len(rows),
        "rate": round(k / len(rows), 3),
        "ci95": [round(lo, 3), round(hi, 3)],
    }


def summarise(rows: list[dict]) -> dict[str, Any]:
    """The answer-step figures of a group of rows."""
    ans = [r for r in rows if r["answerable"]]
    off = [r for r in rows if not r["answerable"]]
    answered_cite = [r for r in ans if r["cite"] and not r["abstained"]]
    return {
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(off),
        "hit@1": rate(ans, lambda r: r["rank"] is not None and r["rank"] <= 1),
        "hit@5": rate(ans, lambda r: r["rank"] is not None and r["rank"] <= 5),
        "answer_hit": rate(ans, lambda r: r["answer_hit"]),
        "citation_right": rate(answered_cite, lambda r: r["cited"]),
        "false_abstention": rate(ans, lambda r: r["false_abstention"]),
        "offtopic_answered": rate(off, lambda r: r["offtopic_answered"]),
    }


def grouped(rows: list[dict], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(str(r[key]), []).append(r)
    return {g: summarise(rs) for g, rs in sorted(groups.items())}


def report(rows: list[dict]) -> dict[str, Any]:
    """All rows, then per corpus, per kind and per corpus × kind."""
    by_ck: dict[str, list[dict]] = {}
    for r in rows:
        by_ck.setdefault(f"{r['corpus']} / {r['kind']}", []).append(r)
    return {
        "all": summarise(rows),
        "by_corpus": grouped(rows, "corpus"),
        "by_kind": grouped(rows, "kind"),
        "by_corpus_kind": {g: summarise(rs) for g, rs in sorted(by_ck.items())},
    }


def misses(rows: Iterable[dict]) -> list[dict]:
    """Rows that went wrong, for the reader of the report."""
    bad = []
    for r in rows:
        if (r["answerable"] and not r["answer_hit"]) or r["offtopic_answered"]:
            bad.append(
                {
                    k: r[k]
                    for k in ("id", "corpus", "kind", "question", "rank", "abstained", "quote")
                }
            )
    return bad


# -- leave-one-corpus-out check of the abstention threshold (--loco) -----------
#
# Every question is answered once as Ratsbot answers it, and, where it abstained,
# once more with abstention switched off, so the answer it *would* give at any
# threshold is known. Each question then carries ``p`` (the abstention model's
# p_answerable for its evidence) and ``forced_hit`` (its quotes carry the
# evidence when it answers). A threshold ``t`` answers a question when
# ``p >= t``; questions without ``p`` (status answers, a paper asked for by
# number) keep the decision they got.
#
# For every ordered pair of corpora the threshold is chosen on the first by
# maximising ``answer_hit - false_abstention - offtopic_answered`` over a grid,
# and scored on the second. Off-topic questions count for the corpus they name
# ("any" ones are left out, they belong to no corpus).


def _answered(r: dict[str, Any], t: float) -> bool:
    if r.get("p") is None or r.get("p_fixed"):
        return not r["abstained"]
    return r["p"] >= t and not r["forced_abstained"]


def metrics_at(rows: list[dict[str, Any]], t: float) -> dict[str, float | None]:
    ans = [r for r in rows if r["answerable"]]
    off = [r for r in rows if not r["answerable"]]

    def share(group: list[dict[str, Any]], hit: Any) -> float | None:
        return round(sum(1 for r in group if hit(r)) / len(group), 3) if group else None

    hit = share(ans, lambda r: _answered(r, t) and r["forced_hit"])
    fa = share(ans, lambda r: not _answered(r, t))
    ot = share(off, lambda r: _answered(r, t))
    return {"answer_hit": hit, "false_abstention": fa, "offtopic_answered": ot}


def objective(m: dict[str, float | None]) -> float:
    return (
        (m["answer_hit"] or 0.0) - (m["false_abstention"] or 0.0) - (m["offtopic_answered"] or 0.0)
    )


def fit(rows: list[dict[str, Any]], current: float) -> float:
    """The grid threshold with the best objective; ties go to the one nearest ``current``."""
    return max(GRID, key=lambda t: (round(objective(metrics_at(rows, t)), 6), -abs(t - current)))


def loco(rows: list[dict[str, Any]], current: float) -> list[dict[str, Any]]:
    """One line per ordered pair of corpora: fitted threshold and the scores on the other."""
    corpora = sorted({r["corpus"] for r in rows if r["corpus"] != "any"})
    by = {c: [r for r in rows if r["corpus"] == c] for c in corpora}
    out = []
    for a in corpora:
        t = fit(by[a], current)
        for b in corpora:
            if a == b:
                continue
            out.append(
                {
                    "fit_on": a,
                    "score_on": b,
                    "threshold": t,
                    "current_threshold": current,
                    "fitted": metrics_at(by[b], t),
                    "current": metrics_at(by[b], current),
                    "in_sample_best": metrics_at(by[b], fit(by[b], current)),
                }
            )
    return out
