"""One bot replica for the replica tests: the real service and conversation, driven over stdin.

    python -m tests.bot.replica_driver

Settings come from the environment as for ``ratsbot serve`` (``DATABASE_URL`` the
shared PostgreSQL, ``RATSBOT_DATA_DIR`` this replica's own folder). Each line on
stdin is one JSON command, each line on stdout its JSON result:

* ``{"op": "ask", "user": "7", "text": "…"}``: a private-chat message through
  ``Conversation.handle``; returns the replies (kind, text, button payloads).
* ``{"op": "press", "user": "7", "payload": "src:…"}``: a pressed button.
* ``{"op": "upload", "user": "…", "path": "…"}``: an admin sends that file.
* ``{"op": "ingest", "paths": […]}``: ``Ratsbot.ingest``; returns the report's lists.
* ``{"op": "ingest", "paths": […], "die_at": "writing"}``: SIGKILL at that phase.
* ``{"op": "state"}``: the store's generation and this replica's index generation.

An exception is returned as ``{"error": "TypeName: message"}``; the replica goes on.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.chat import Conversation, Incoming, Upload, plain_text
from bot.service import open_service
from bot.settings import Settings
from tests.support.recorder import RecordingOutbox


def _die_at(wanted: str) -> Any:
    def on_phase(phase: str) -> None:
        if phase == wanted:
            os.kill(os.getpid(), signal.SIGKILL)

    return on_phase


async def _chat(conversation: Conversation, incoming: Incoming) -> dict[str, Any]:
    outbox = RecordingOutbox()
    await conversation.handle(incoming, outbox)
    return {
        "replies": [
            {
                "kind": r.kind,
                "text": plain_text(r.paragraphs),
                "actions": [a.payload for a in r.actions],
                "file": r.file[0] if r.file else None,
            }
            for r in outbox.replies
        ]
    }


def _run(command: dict[str, Any], bot: Any, conversation: Conversation) -> dict[str, Any]:
    op = command["op"]
    user = str(command.get("user", "1001"))
    if op == "ask":
        incoming = Incoming("telegram", user, user, True, text=command["text"], language_code="de")
        return asyncio.run(_chat(conversation, incoming))
    if op == "press":
        incoming = Incoming(
            "telegram", user, user, True, action=command["payload"], language_code="de",
            message_id="1",
        )  # fmt: skip
        return asyncio.run(_chat(conversation, incoming))
    if op == "upload":  # an admin sends a file in the private chat
        data = Path(command["path"]).read_bytes()

        async def fetch(target: Path) -> None:
            target.write_bytes(data)

        upload = Upload(Path(command["path"]).name, len(data), None, fetch)
        incoming = Incoming("telegram", user, user, True, upload=upload, language_code="de")
        return asyncio.run(_chat(conversation, incoming))
    if op == "ingest":
        hook = _die_at(command["die_at"]) if command.get("die_at") else None
        report = bot.ingest([Path(p) for p in command["paths"]], on_phase=hook)
        return {
            "added": report.added,
            "changed": report.changed,
            "failed": [f.path for f in report.failed],
        }
    if op == "state":
        bot.ensure_index()
        return {
            "generation": bot.store.generation(),
            "index_generation": bot.searcher.snapshot.generation,
        }
    raise ValueError(f"unknown op {op!r}")


def main() -> int:
    bot = open_service(Settings.from_env())
    conversation = Conversation(bot, bot.settings)
    print(json.dumps({"ready": True, "shared_state": bot.settings.shared_chat_state}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                result = _run(json.loads(line), bot, conversation)
            except Exception as e:  # the test reads it; the replica serves on
                result = {"error": f"{type(e).__name__}: {e}"}
            print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
    finally:
        bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
