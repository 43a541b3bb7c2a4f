"""``ratsbot eval``: retrieval and answer quality on a question file.

Evidence strings are compared after removing case, white space, hyphens and
punctuation, so PDF line breaks and typographic quotes do not decide a hit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answer import Answer, render_plain
from bot.service import Ratsbot

_STRIP = re.compile(r"[\W_]+", re.UNICODE)


def norm(text: str) -> str:
    return _STRIP.sub("", text.lower())


@dataclass
class EvalResult:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        answerable = [r for r in self.rows if r["kind"] != "abstain"]
        abstain = [r for r in self.rows if r["kind"] == "abstain"]

        def rate(rows: list[dict], key: str) -> float | None:
            return round(sum(1 for r in rows if r[key]) / len(rows), 3) if rows else None

        def hit_at(n: int) -> float | None:
            if not answerable:
                return None
            return round(
                sum(1 for r in answerable if r["rank"] is not None and r["rank"] <= n)
                / len(answerable),
                3,
            )

        ranks = [r["rank"] for r in answerable]
        return {
            "questions": len(self.rows),
            "answerable": len(answerable),
            "hit@1": hit_at(1),
            "hit@3": hit_at(3),
            "hit@5": hit_at(5),
            "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 3) if ranks else None,
            "answer_hit": rate(answerable, "answer_hit"),
            "citation_rate": rate([r for r in answerable if r["cite"]], "cited"),
            "abstention_accuracy": rate(abstain, "abstained"),
            "answerable_abstained": sum(1 for r in answerable if r["abstained"]),
        }


def evaluate(bot: Ratsbot, path: Path, k: int = 5) -> EvalResult:
    out = EvalResult()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        ans = bot.ask(q["question"], k=k)
        out.rows.append(score_one(q, ans))
    return out


def score_one(q: dict[str, Any], ans: Answer) -> dict[str, Any]:
    evidence = [norm(e) for e in q.get("evidence", [])]
    rank = None
    for s in ans.sources:
        if evidence and any(e in norm(s.text) for e in evidence):
            rank = s.rank
            break
    answer_text = render_plain(ans)
    cite = q.get("cite") or ""
    return {
        "id": q.get("id"),
        "lang": q.get("lang"),
        "kind": q.get("kind", "passage"),
        "question": q["question"],
        "rank": rank,
        "answer_hit": bool(evidence)
        and not ans.abstained
        and any(e in norm(answer_text) for e in evidence),
        "cite": cite,
        "cited": bool(cite) and not ans.abstained and cite in answer_text,
        "abstained": ans.abstained,
        "language_ok": ans.language == q.get("lang", ans.language),
    }


def format_table(result: EvalResult) -> str:
    lines = ["id   lang kind     rank  ans  cite abst  question"]
    for r in result.rows:
        lines.append(
            f"{r['id'] or '-':4} {r['lang'] or '-':4} {r['kind'][:8]:8} "
            f"{r['rank'] if r['rank'] else '-':>4}  {'y' if r['answer_hit'] else '.':>3}  "
            f"{'y' if r['cited'] else '.':>3}  {'y' if r['abstained'] else '.':>3}  "
            f"{r['question'][:70]}"
        )
    lines.append("")
    lines.extend(f"{k}: {v}" for k, v in result.summary().items())
    return "\n".join(lines)
