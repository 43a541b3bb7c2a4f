"""Hostile uploads and questions through the Telegram handlers with the real service.

Every broken file gets a one-line error naming it; nothing indexed is lost and
the bot keeps answering. Hostile questions come back as valid Telegram HTML
with the user's text shown literally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.audience import Audience
from bot.service import Ratsbot
from bot.telegram.app import App
from tests.bot.telegram.fake_server import TOKEN, FakeBotApi
from tests.bot.telegram.harness import ADMIN_ID, USER_ID, make_app, process
from tests.bot.telegram.html_check import telegram_html_errors
from tests.bot.telegram.updates import Telegram
from tests.support.bots import MakeBot
from tests.support.hostile_files import hostile_files
from tests.support.paths import SEED

QUESTION = "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?"


@pytest.fixture
async def served(make_bot: MakeBot, api: FakeBotApi) -> AsyncIterator[tuple[App, Ratsbot]]:
    service = make_bot(
        telegram_token=TOKEN, admin_ids=frozenset({ADMIN_ID}), max_upload_bytes=5 * 1024 * 1024
    )
    application = await make_app(service.settings, service, api)
    async with application:
        yield application, service


async def _still_answers(app: App, api: FakeBotApi, tg: Telegram) -> None:
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, QUESTION))
    assert "38,5" in api.texts()[-1]


async def test_broken_uploads_get_one_line_errors_and_lose_nothing(
    served: tuple[App, Ratsbot], api: FakeBotApi, tg: Telegram
) -> None:
    app, service = served
    before = service.stats(audience=Audience.MEMBER)
    admin = tg.user(ADMIN_ID, "Admin")
    chat = tg.private(admin)
    for name, data, reason in hostile_files():
        since = len(api.calls)
        await process(app, tg.document(chat, admin, data, name, "application/octet-stream"))
        texts = [c.params["text"] for c in api.calls[since:] if c.method == "sendMessage"]
        assert texts, name
        assert "1 fehlgeschlagen" in texts[-1], (name, texts)
        failure = texts[-1].split("• ", 1)[1]
        assert reason in failure and "\n" not in failure, (name, failure)
        assert all(telegram_html_errors(t) == [] for t in texts)
    after = service.stats(audience=Audience.MEMBER)
    assert (after.documents, after.chunks) == (before.documents, before.chunks)
    await _still_answers(app, api, tg)


async def test_oversized_upload_is_refused_before_download(
    served: tuple[App, Ratsbot], api: FakeBotApi, tg: Telegram
) -> None:
    app, _service = served
    admin = tg.user(ADMIN_ID, "Admin")
    upload = tg.document(tg.private(admin), admin, b"x" * 10, "riesig.pdf", "application/pdf")
    upload["message"]["document"]["file_size"] = 200 * 1024 * 1024  # what Telegram reports
    await process(app, upload)
    assert "zu groß" in api.texts()[-1] and api.sent("getFile") == []
    await _still_answers(app, api, tg)


async def test_path_names_cannot_leave_the_upload_folder(
    served: tuple[App, Ratsbot], api: FakeBotApi, tg: Telegram, tmp_path: Path
) -> None:
    app, service = served
    admin = tg.user(ADMIN_ID, "Admin")
    data = SEED.read_bytes()
    for name in ("../../boese.txt", "..\\..\\boese2.txt", "/etc/boese3.txt", "a/../../b.md"):
        await process(app, tg.document(tg.private(admin), admin, data, name, "text/plain"))
    uploads = service.settings.upload_folder
    assert sorted(p.name for p in uploads.iterdir()) == ["b.md", "boese.txt", "boese2.txt",
                                                         "boese3.txt"]  # fmt: skip
    assert not list(tmp_path.glob("boese*")) and not list((tmp_path / "corpus").glob("boese*"))
    assert (
        not list(uploads.parent.glob("boese*")) and not (tmp_path / "corpus" / "uploads").exists()
    )


HOSTILE_QUESTIONS = [
    "",
    "   ",
    "🙂🙂🙂",
    "<b>fett</b> </a> & &amp; <script>alert(1)</script> Planstellen?",
    "*_[]()~`>#+-=|{}.! Planstellen \\ MarkdownV2",
    "\u202eslletsnalP\u202c wie viele? \u200f\u200e",
    "Planstellen\x00\x01\x1b[31m rot\x7f",
    "<" * 3000 + "Planstellen",
    "Planstellen " * 1000,  # 12,000 characters
]


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS)
async def test_hostile_questions_never_break_the_html(
    served: tuple[App, Ratsbot], api: FakeBotApi, tg: Telegram, question: str
) -> None:
    app, _service = served
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, question))
    await process(app, tg.message(tg.private(anna), anna, f"/frage {question}"))
    texts = api.texts()
    assert texts  # always an answer, a refusal or a usage hint
    for text in texts:
        assert telegram_html_errors(text) == [], text[:200]
        assert len(text) <= 4096
        assert "<script>" not in text and "<b>fett</b>" not in text
    await _still_answers(app, api, tg)
