"""Questions, groups, buttons and commands, in-process against the fake Bot API."""

from __future__ import annotations

import asyncio
import threading

from bot.settings import Settings
from bot.telegram.app import App
from tests.bot.telegram.fake_server import BOT_USER, FakeBotApi
from tests.bot.telegram.harness import USER_ID, make_app, process
from tests.bot.telegram.html_check import telegram_html_errors
from tests.bot.telegram.updates import Telegram, bot_reply_to, buttons
from tests.support.fakes import SOURCE_PATH, FakeService

QUESTION = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"


async def test_private_question_gets_quotes_with_citations_in_valid_html(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, QUESTION))
    assert service.asked == [(QUESTION, "de")]
    (call,) = api.sent("sendMessage")
    text = call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert "Drs. 18828-20" in text and "zu Drs. 19027-20" in text
    assert "&lt;sofort&gt; &amp; ohne Verzug" in text  # document text escaped
    assert "<blockquote>" in text and telegram_html_errors(text) == []
    assert set(buttons(call.result)) == {"Quellen", "Dokument"}
    assert api.sent("sendChatAction")[0].params["action"] == "typing"


async def test_english_user_gets_english_frame_and_language_passed(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    bob = tg.user(USER_ID, "Bob", language_code="en-GB")
    await process(app, tg.message(tg.private(bob), bob, "How many Planstellen are planned?"))
    assert service.asked[-1][1] == "en"
    call = api.sent("sendMessage")[-1]
    assert "quoted in German" in call.params["text"]
    assert set(buttons(call.result)) == {"Sources", "Document"}


async def test_sprache_overrides_the_client_language(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    anna = tg.user(USER_ID)
    chat = tg.private(anna)
    await process(app, tg.message(chat, anna, "/sprache en"))
    await process(app, tg.message(chat, anna, QUESTION))
    assert service.asked[-1][1] == "en"
    await process(app, tg.message(chat, anna, "/sprache fr"))
    assert "Verwendung" in api.texts()[-1] or "Usage" in api.texts()[-1]


async def test_long_answers_split_at_paragraphs_with_balanced_tags(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    service.long_answer = True
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, QUESTION))
    calls = api.sent("sendMessage")
    assert len(calls) > 1
    for call in calls:
        assert len(call.params["text"]) <= 4096
        assert telegram_html_errors(call.params["text"]) == []
    assert "reply_markup" in calls[-1].params and "reply_markup" not in calls[0].params


async def test_sources_button_pages_by_editing(app: App, api: FakeBotApi, tg: Telegram) -> None:
    anna = tg.user(USER_ID)
    chat = tg.private(anna)
    await process(app, tg.message(chat, anna, QUESTION))
    answer = api.sent("sendMessage")[-1].result
    await process(app, tg.callback(answer, anna, buttons(answer)["Quellen"]))
    first = api.sent("sendMessage")[-1]
    assert "Quelle 1/2" in first.params["text"] and "Abschnitt 1" in first.params["text"]
    assert list(buttons(first.result)) == ["▶"]
    await process(app, tg.callback(first.result, anna, buttons(first.result)["▶"]))
    edit = api.sent("editMessageText")[-1]
    assert "Quelle 2/2" in edit.params["text"] and "Abschnitt 2" in edit.params["text"]
    assert list(buttons(edit.result)) == ["◀"]
    assert len(api.sent("answerCallbackQuery")) == 2


async def test_document_button_sends_metadata_and_the_file(
    app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    chat = tg.private(anna)
    await process(app, tg.message(chat, anna, QUESTION))
    answer = api.sent("sendMessage")[-1].result
    await process(app, tg.callback(answer, anna, buttons(answer)["Dokument"]))
    card = api.sent("sendMessage")[-1].params["text"]
    assert "18828-20" in card and "Ausschuss für Personal" in card
    (doc,) = api.sent("sendDocument")
    assert doc.files["document"][0] == SOURCE_PATH


async def test_buttons_of_a_forgotten_answer_expire_politely(
    tg_settings: Settings, service: FakeService, api: FakeBotApi, tg: Telegram
) -> None:
    app = await make_app(tg_settings, service, api)
    app.bot_data["state"].answers.size = 1
    async with app:
        anna = tg.user(USER_ID)
        chat = tg.private(anna)
        await process(app, tg.message(chat, anna, QUESTION))
        old = api.sent("sendMessage")[-1].result
        await process(app, tg.message(chat, anna, QUESTION + " 2"))
        await process(app, tg.callback(old, anna, buttons(old)["Quellen"]))
    alert = api.sent("answerCallbackQuery")[-1].params
    assert "nicht mehr" in alert["text"] and alert["show_alert"] is True


async def test_quellen_shows_sources_of_the_last_answer_in_this_chat(
    app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    chat = tg.private(anna)
    await process(app, tg.message(chat, anna, "/quellen"))
    assert "noch keine Antwort" in api.texts()[-1]
    await process(app, tg.message(chat, anna, QUESTION))
    await process(app, tg.message(chat, anna, "/quellen"))
    assert "Quelle 1/2" in api.texts()[-1]


async def test_group_speaks_only_when_spoken_to(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    anna, group = tg.user(USER_ID), tg.group()
    await process(app, tg.message(group, anna, QUESTION))
    await process(app, tg.message(group, anna, "/frage@otherbot " + QUESTION))
    await process(app, tg.message(group, anna, "/help@otherbot"))
    await process(app, tg.message(group, anna, "/unbekannt"))
    assert api.sent("sendMessage") == [] and service.asked == []

    await process(app, tg.message(group, anna, f"@{BOT_USER['username']} {QUESTION}"))
    assert service.asked[-1][0] == QUESTION  # the mention is cut out
    reply = api.sent("sendMessage")[-1].params
    assert reply["reply_parameters"]["message_id"] > 0  # answers as a reply in groups
    await process(app, tg.message(group, anna, f"/frage@{BOT_USER['username']} {QUESTION}"))
    await process(app, tg.message(group, anna, "/frage " + QUESTION))
    replied = bot_reply_to("…", group)
    await process(app, tg.message(group, anna, "Und wie viele Planstellen?", reply_to=replied))
    assert len(service.asked) == 4


async def test_help_reports_the_corpus_and_commands_are_registered(
    app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, "/start"))
    text = api.texts()[-1]
    assert "<b>2</b> Dokumente" in text and "17.12.2020" in text and "/admin" not in text
    assert telegram_html_errors(text) == []
    names = {key[1]: [c["command"] for c in cmds] for key, cmds in api.commands.items()}
    assert "frage" in names[""] and "sources" in names["en"] and "start" in names[""]
    admin_menu = next(c for (scope, _), c in api.commands.items() if "4242" in scope)
    assert "reindex" in [c["command"] for c in admin_menu]


async def test_flood_guard_answers_politely_instead_of_queueing(
    tg_settings: Settings, service: FakeService, api: FakeBotApi, tg: Telegram
) -> None:
    settings = tg_settings.with_overrides(flood_max_questions=2, flood_window_seconds=60.0)
    app = await make_app(settings, service, api)
    async with app:
        anna = tg.user(USER_ID)
        chat = tg.private(anna)
        for _ in range(5):
            await process(app, tg.message(chat, anna, QUESTION))
    assert len(service.asked) == 2
    texts = api.texts()
    assert sum("Bitte einen Moment Geduld" in t for t in texts) == 1  # told once, rest dropped


async def test_slow_question_does_not_block_other_chats(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    service.release = threading.Event()
    anna, bob = tg.user(USER_ID), tg.user(USER_ID + 1, "Bob")
    slow = asyncio.create_task(process(app, tg.message(tg.private(anna), anna, QUESTION)))
    await api.wait_for("sendChatAction", timeout=5)
    await process(app, tg.message(tg.private(bob), bob, "/help"))  # loop is free meanwhile
    assert "Ratsbot" in api.texts(bob["id"])[-1]
    service.release.set()
    await asyncio.wait_for(slow, 5)
    assert not any(name == "MainThread" for name in service.threads)


async def test_errors_reach_the_user_in_plain_words_and_the_admin_chat_briefly(
    tg_settings: Settings, service: FakeService, api: FakeBotApi, tg: Telegram
) -> None:
    service.fail_with = RuntimeError("index <broken>")
    app = await make_app(tg_settings.with_overrides(admin_chat_id=-500), service, api)
    async with app:
        anna = tg.user(USER_ID)
        await process(app, tg.message(tg.private(anna), anna, QUESTION))
    user_text, admin_text = api.texts(USER_ID)[-1], api.texts(-500)[-1]
    assert "schiefgegangen" in user_text and "Traceback" not in user_text
    assert "RuntimeError" in admin_text and "index &lt;broken&gt;" in admin_text
    assert "Planstellen" not in admin_text


async def test_outsiders_are_refused_when_an_allow_list_is_set(
    tg_settings: Settings, service: FakeService, api: FakeBotApi, tg: Telegram
) -> None:
    settings = tg_settings.with_overrides(allowed_user_ids=frozenset({USER_ID}))
    app = await make_app(settings, service, api)
    async with app:
        anna, eve = tg.user(USER_ID), tg.user(666, "Eve")
        await process(app, tg.message(tg.private(eve), eve, QUESTION))
        await process(app, tg.message(tg.group(-9), eve, "just chatting"))
        await process(app, tg.message(tg.private(anna), anna, QUESTION))
    assert [q for q, _ in service.asked] == [QUESTION]
    assert "freigeschalteten" in api.texts(666)[-1]
    assert api.texts(-9) == []  # no refusal spam in groups that did not address the bot


async def test_double_tap_on_a_page_button_is_harmless(
    app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, QUESTION))
    answer = api.sent("sendMessage")[-1].result
    await process(app, tg.callback(answer, anna, buttons(answer)["Quellen"]))
    page = api.sent("sendMessage")[-1].result
    for _ in range(2):
        await process(app, tg.callback(page, anna, buttons(page)["▶"]))
    assert len(api.sent("editMessageText")) == 1
    assert not any("schiefgegangen" in t for t in api.texts())


async def test_edited_messages_do_not_ask_again(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    anna = tg.user(USER_ID)
    update = tg.message(tg.private(anna), anna, QUESTION)
    await process(app, {"edited_message": {**update["message"], "edit_date": 1}})
    assert service.asked == [] and api.sent("sendMessage") == []
