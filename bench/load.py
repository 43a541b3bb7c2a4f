"""Load test: many users ask the real bot at once while an admin re-indexes.

    python -m bench.load --backend sqlite|postgresql --chats 50 --questions 2000
                         [--embedder fake] [--no-write] [--json]

The real service and the real PTB application run against the fake Bot API
server over HTTP on 127.0.0.1 (tests/bot/telegram/fake_server.py), exactly as
in the end-to-end tests. Each of ``--chats`` group chats is one user asking
``/frage …`` in a closed loop (next question when the answer arrived); after a
third of the questions an admin adds a document and sends ``/reindex``. Every
answer quotes its question (reply), so each question is matched to the
messages answering it: exactly one answer each, none lost, none duplicated,
none an error message. Latency is end to end: update queued at the fake
server until the bot's ``sendMessage`` arrives there. The fake embedder is the
default: the real model would measure the model (see ``bench.ask``), not the
concurrency of store, index swap and bot. Writes the ``<!-- load -->`` section
of bench/RESULTS.md, one line per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "RESULTS.md"
MARK = "<!-- load -->"
QUESTIONS = [
    "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?",
    "Wie ist der Stand der E-Akte?",
    "Was sagt der Masterplan zu mobilem Arbeiten?",
    "Wie hoch ist die Hundesteuer für den ersten Hund?",
    "Welche Rolle spielt die Databox?",
    "Was kostet der Masterplan Digitale Verwaltung?",
    "How many new posts are planned for digitalisation?",
    "Wer hat im Ausschuss zur Digitalisierung gesprochen?",
]


def _fake_api() -> Any:
    """The fake Bot API, noting when each answer to a question arrives."""
    from tests.bot.telegram.fake_server import FakeBotApi

    class TimedApi(FakeBotApi):
        def __init__(self) -> None:
            super().__init__()
            self.replies: dict[int, list[tuple[float, str]]] = {}
            self.arrived: dict[int, asyncio.Event] = {}

        def _m_sendmessage(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
            out = super()._m_sendmessage(p, f)
            reply = p.get("reply_parameters")
            if isinstance(reply, str):
                reply = json.loads(reply)
            if reply and "message_id" in reply:
                qid = int(reply["message_id"])
                self.replies.setdefault(qid, []).append((time.monotonic(), p["text"]))
                if qid in self.arrived:
                    self.arrived[qid].set()
            return out

    return TimedApi()


def _database(backend: str) -> tuple[str | None, Any]:
    """A fresh database URL for the backend and a function dropping it again."""
    if backend == "sqlite":
        return None, lambda: None
    import sqlalchemy as sa

    server = os.environ.get("RATSBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    name = f"ratsbot_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=:n"),
                {"n": name},
            )
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return server.rsplit("/", 1)[0] + "/" + name, drop


async def run_load(backend: str, chats: int, questions: int, embedder: str) -> dict[str, Any]:
    from bot.service import open_service
    from bot.settings import Settings
    from bot.telegram.app import build_application
    from tests.bot.telegram.fake_server import TOKEN, FakeBotApiServer
    from tests.bot.telegram.updates import Telegram

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(var, None)
    tmp = Path(tempfile.mkdtemp(prefix="ratsbot-load-"))
    url, drop = _database(backend)
    corpus = tmp / "corpus"
    corpus.mkdir()
    for f in (REPO / "corpus").glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    base = dict(data_dir=tmp / "data", embedder=embedder, corpus_dirs=(corpus,), database_url=url)
    service = open_service(Settings(**base))  # type: ignore[arg-type]
    await asyncio.to_thread(service.reindex)
    api = _fake_api()
    server = FakeBotApiServer(api)
    await server.start()
    admin_id = 4242
    settings = Settings(
        **base,  # type: ignore[arg-type]
        telegram_token=TOKEN,
        telegram_api_base_url=server.base_url,
        telegram_file_base_url=server.file_base_url,
        admin_ids=frozenset({admin_id}),
        flood_max_questions=10**6,
    )
    app = build_application(settings, service, rate_limit=False)
    tg = Telegram(api)
    sent: dict[int, float] = {}
    latencies: list[float] = []
    lost: list[int] = []
    counter = iter(range(questions))
    reindex_at = questions // 3
    reindex_info: dict[str, Any] = {}
    rng = random.Random(6)

    async def user(i: int) -> None:
        person = tg.user(10_000 + i, f"U{i}")
        chat = tg.group(-1_000_000 - i, f"Fraktion {i}")
        for n in counter:
            if n == reindex_at:
                asyncio.get_running_loop().create_task(reindex())
            update = tg.message(chat, person, f"/frage {rng.choice(QUESTIONS)}")
            qid = update["message"]["message_id"]
            api.arrived[qid] = asyncio.Event()
            sent[qid] = time.monotonic()
            tg.push(update)
            try:
                await asyncio.wait_for(api.arrived[qid].wait(), 60)
            except TimeoutError:
                lost.append(qid)
                continue
            latencies.append(api.replies[qid][0][0] - sent[qid])

    async def reindex() -> None:
        shutil.copy(REPO / "tests" / "fixtures" / "minutes_hundesteuer.txt", corpus / "hund.txt")
        person = tg.user(admin_id, "Admin")
        t0 = time.monotonic()
        since = len(api.calls)
        tg.push(tg.message(tg.private(person), person, "/reindex"))
        while not any(
            "Neuindizierung fertig" in c.params.get("text", "") for c in api.calls[since:]
        ):
            await asyncio.sleep(0.05)
        reindex_info["seconds"] = time.monotonic() - t0

    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            t0 = time.monotonic()
            await asyncio.gather(*(user(i) for i in range(chats)))
            wall = time.monotonic() - t0
            await asyncio.sleep(1.0)  # late duplicates would arrive now
            await app.updater.stop()
            await app.stop()
    finally:
        await server.close()
        service.close()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    duplicated = sum(1 for q in sent if len(api.replies.get(q, [])) > 1)
    error_text = "etwas schiefgegangen"
    errors = sum(1 for q in sent for _t, text in api.replies.get(q, []) if error_text in text)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "backend": backend,
        "embedder": embedder,
        "chats": chats,
        "questions": len(sent),
        "answered": sum(1 for q in sent if len(api.replies.get(q, [])) == 1),
        "lost": len(lost),
        "duplicated": duplicated,
        "errors": errors,
        "p50_s": round(pct(0.50), 3),
        "p95_s": round(pct(0.95), 3),
        "max_s": round(latencies[-1], 3) if latencies else 0.0,
        "throughput_qps": round(len(latencies) / wall, 1) if wall else 0.0,
        "reindex_s": round(reindex_info.get("seconds", 0.0), 2),
        "cpus": os.cpu_count(),
    }


def write_results(rows: list[dict[str, Any]]) -> None:
    """Replace the ``<!-- load -->`` section of bench/RESULTS.md; other sections stay."""
    lines = [
        MARK,
        "## Load: concurrent users through the Telegram bot while an admin re-indexes",
        "",
        "`python -m bench.load --backend B --chats C --questions Q` — real service and PTB "
        "application over HTTP against the fake Bot API on 127.0.0.1; one closed-loop user "
        "per group chat (`/frage`), `/reindex` of a changed corpus after a third of the "
        "questions. Fake embedder (measures store, index swap and bot, not the model). "
        "Latency: update queued → the bot's `sendMessage` received.",
        "",
        "| backend | chats | questions | answered once | lost | duplicated | errors "
        "| p50 s | p95 s | max s | q/s | /reindex s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['chats']} | {r['questions']} | {r['answered']} | "
            f"{r['lost']} | {r['duplicated']} | {r['errors']} | {r['p50_s']} | {r['p95_s']} | "
            f"{r['max_s']} | {r['throughput_qps']} | {r['reindex_s']} |"
        )
    lines += ["", f"Machine: {rows[0]['cpus']} CPUs.", MARK]
    text = RESULTS.read_text() if RESULTS.exists() else ""
    if MARK in text:
        head, _old, tail = text.split(MARK, 2)
        text = head + "\n".join(lines) + tail
    else:
        text = text.rstrip() + "\n\n" + "\n".join(lines) + "\n"
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--chats", type=int, default=50)
    ap.add_argument("--questions", type=int, default=2000)
    ap.add_argument("--embedder", default="fake")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # cut-off polls at shutdown
    sys.path.insert(0, str(REPO))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = [asyncio.run(run_load(b, args.chats, args.questions, args.embedder)) for b in backends]
    for r in rows:
        print(json.dumps(r) if args.json else r)
    if not args.no_write:
        write_results(rows)
    ok = all(
        r["answered"] == r["questions"] and not (r["lost"] or r["duplicated"] or r["errors"])
        for r in rows
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
