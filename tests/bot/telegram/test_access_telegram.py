"""Access control through the Telegram handlers with the real service (fake embedder).

A public user, a member, an admin in a group that is not a member chat and a
member in a member chat ask about a non-public document; only members in
private or in the member chat may learn anything of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.telegram.app import App
from tests.bot.telegram.fake_server import BOT_USER, TOKEN, FakeBotApi
from tests.bot.telegram.harness import ADMIN_ID, USER_ID, make_app, process
from tests.bot.telegram.html_check import telegram_html_errors
from tests.bot.telegram.updates import Telegram, buttons
from tests.support.bots import MakeBot
from tests.support.paths import HUND as HUND_FILE
from tests.support.secret_doc import SECRET_FILE, SECRET_QUESTION, SECRET_TEXT, leaks

MEMBER_ID = 2002
MEMBER_CHAT = -100777
OTHER_CHAT = -100888
HUND = HUND_FILE.read_bytes()


@pytest.fixture
async def real_app(make_bot: MakeBot, corpus_dir: Path, api: FakeBotApi) -> AsyncIterator[App]:
    (corpus_dir / SECRET_FILE).write_text(SECRET_TEXT, encoding="utf-8")
    service = make_bot(
        telegram_token=TOKEN,
        admin_ids=frozenset({ADMIN_ID}),
        member_ids=frozenset({MEMBER_ID}),
        member_chat_ids=frozenset({MEMBER_CHAT}),
    )
    application = await make_app(service.settings, service, api)
    async with application:
        yield application


def _shown(api: FakeBotApi, since: int, question: str = SECRET_QUESTION) -> str:
    """All text the bot sent after call ``since``, the user's echoed question removed."""
    texts = [
        c.params.get("text", "") + c.params.get("caption", "")
        for c in api.calls[since:]
        if c.method in ("sendMessage", "editMessageText", "sendDocument")
    ]
    for t in texts:
        assert telegram_html_errors(t) == []
    return "\n".join(texts).replace(question, "")


async def _press_all(app: App, api: FakeBotApi, tg: Telegram, user: dict, since: int) -> None:
    """Press every button under the bot's answers (sources, document)."""
    for call in [c for c in api.calls[since:] if c.method == "sendMessage"]:
        for data in buttons(call.result).values():
            await process(app, tg.callback(call.result, user, data))


async def test_public_user_learns_nothing_member_gets_the_answer(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    since = len(api.calls)
    await process(real_app, tg.message(tg.private(anna), anna, SECRET_QUESTION))
    await _press_all(real_app, api, tg, anna, since)
    assert not leaks(_shown(api, since))
    assert not any(c.method == "sendDocument" and "falkenhorst" in str(c.files) for c in api.calls)

    member = tg.user(MEMBER_ID, "Mia")
    since = len(api.calls)
    await process(real_app, tg.message(tg.private(member), member, SECRET_QUESTION))
    assert "4,2 Millionen" in _shown(api, since)


async def test_group_chats_show_what_every_participant_may_see(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    admin, member = tg.user(ADMIN_ID, "Admin"), tg.user(MEMBER_ID, "Mia")
    since = len(api.calls)
    other = tg.group(OTHER_CHAT, "Bürgerforum")
    await process(real_app, tg.message(other, admin, f"/frage {SECRET_QUESTION}"))
    await process(real_app, tg.message(other, admin, "/docs"))
    assert not leaks(_shown(api, since))

    since = len(api.calls)
    council = tg.group(MEMBER_CHAT, "Ausschuss")
    mention = f"@{BOT_USER['username']} {SECRET_QUESTION}"
    await process(real_app, tg.message(council, member, mention))
    assert "4,2 Millionen" in _shown(api, since, mention)

    stranger = tg.user(USER_ID, "Fremd")
    since = len(api.calls)
    await process(real_app, tg.message(council, stranger, mention))
    assert not leaks(_shown(api, since, mention))


async def test_docs_and_help_counts_follow_the_audience(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    admin, anna = tg.user(ADMIN_ID, "Admin"), tg.user(USER_ID)
    await process(real_app, tg.message(tg.private(admin), admin, "/docs"))
    docs = api.texts()[-1]
    assert "Falkenhorst" in docs and "nicht öffentlich" in docs
    await process(real_app, tg.message(tg.private(anna), anna, "/start"))
    public_help = api.texts()[-1]
    await process(real_app, tg.message(tg.private(admin), admin, "/start"))
    admin_help = api.texts()[-1]
    assert "<b>2</b> Dokumente" in public_help and "09.02.2021" not in public_help
    assert "<b>3</b> Dokumente" in admin_help and "09.02.2021" in admin_help


async def test_upload_with_caption_nicht_oeffentlich_is_members_only(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    admin, anna = tg.user(ADMIN_ID, "Admin"), tg.user(USER_ID)
    upload = tg.document(tg.private(admin), admin, HUND, "hund.txt", "text/plain")
    upload["message"]["caption"] = "nicht öffentlich"
    await process(real_app, upload)
    texts = api.texts()
    assert any("nicht öffentlich" in t for t in texts) and any("1 neu" in t for t in texts)
    settings: Settings = real_app.bot_data["settings"]
    assert (settings.upload_folder / "nichtoeffentlich" / "hund.txt").is_file()
    question = "Wie hoch ist die Hundesteuer für den ersten Hund?"
    since = len(api.calls)
    await process(real_app, tg.message(tg.private(anna), anna, question))
    assert "180 Euro" not in _shown(api, since, question)
    since = len(api.calls)
    await process(real_app, tg.message(tg.private(admin), admin, question))
    assert "180 Euro" in _shown(api, since, question)
