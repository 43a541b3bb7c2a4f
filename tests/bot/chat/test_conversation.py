"""The conversation with the fake service and a recording outbox: no platform involved."""

from __future__ import annotations

from bot.chat.conversation import Conversation
from bot.chat.messages import Incoming, Span, plain_text
from bot.settings import Settings
from index.store import FigureItem, FigureList, KnowledgeCitation, PaperStatus
from tests.support.fakes import SOURCE_PATH, FakeService
from tests.support.recorder import ANNA, RecordingOutbox, message, press

QUESTION = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"


async def ask(conversation: Conversation, text: str = QUESTION, **kw: object) -> RecordingOutbox:
    outbox = RecordingOutbox()
    await conversation.handle(message(text, **kw), outbox)  # type: ignore[arg-type]
    return outbox


async def test_a_question_gets_the_answer_with_its_buttons_while_typing(
    conversation: Conversation, service: FakeService, outbox: RecordingOutbox
) -> None:
    await conversation.handle(message(QUESTION), outbox)
    assert service.asked == [(QUESTION, "de")]
    (reply,) = outbox.replies
    assert reply.kind == "answer" and not reply.quote and outbox.typing_shown == 1
    text = plain_text(reply.paragraphs)
    assert "Aus den Unterlagen" in text and "<sofort> & ohne Verzug" in text
    sources, document = reply.actions
    answer_id = reply.extra["answer_id"]
    assert (sources.label, sources.payload) == ("Quellen", f"src:{answer_id}:0")
    assert (document.label, document.payload) == ("Dokument", f"doc:{answer_id}")
    assert all(len(a.payload.encode()) <= 64 for a in reply.actions)


async def test_answer_language_is_choice_then_client_then_detected(
    conversation: Conversation, service: FakeService
) -> None:
    english = await ask(conversation, language="en-GB")
    assert service.asked[-1][1] == "en"
    assert [a.label for a in english.last.actions] == ["Sources", "Document"]
    assert "quoted in German" in english.texts()[0]
    await ask(conversation, language=None, user="2002")
    assert service.asked[-1][1] is None  # no hint: the service detects it from the question
    await ask(conversation, "/sprache en", language="de")
    await ask(conversation, language="de")
    assert service.asked[-1][1] == "en"
    usage = await ask(conversation, "/sprache fr", language="de")
    assert "Usage" in usage.texts()[-1]  # the choice of English still holds for texts


async def test_sources_page_by_editing_and_documents_come_with_the_file(
    conversation: Conversation,
) -> None:
    answer = (await ask(conversation)).last
    sources, document = answer.actions
    first = RecordingOutbox()
    await conversation.handle(press(sources.payload), first)
    (source,) = first.replies
    assert source.kind == "source" and not source.edit
    assert plain_text(source.paragraphs).startswith("Quelle 1/2")
    assert [a.label for a in source.actions] == ["▶"]
    paged = RecordingOutbox()
    await conversation.handle(press(source.actions[0].payload), paged)
    (page,) = paged.replies
    assert page.edit and plain_text(page.paragraphs).startswith("Quelle 2/2")
    assert [a.label for a in page.actions] == ["◀"]
    docs = RecordingOutbox()
    await conversation.handle(press(document.payload), docs)
    card, file = docs.replies
    assert "Ausschuss für Personal" in plain_text(card.paragraphs) and card.kind == "document"
    assert file.file is not None and file.file[0] == SOURCE_PATH and file.paragraphs == []


async def test_buttons_work_only_in_their_chat_and_expire_politely(
    service: FakeService, chat_settings: Settings
) -> None:
    conversation = Conversation(service, chat_settings, answer_cache_size=1)
    old = (await ask(conversation)).last
    elsewhere = RecordingOutbox()
    await conversation.handle(press(old.actions[0].payload, chat="-5", private=False), elsewhere)
    await ask(conversation, QUESTION + " 2")
    expired = RecordingOutbox()
    await conversation.handle(press(old.actions[0].payload), expired)
    for outbox in (elsewhere, expired):
        (notice,) = outbox.replies
        assert notice.alert and "nicht mehr" in plain_text(notice.paragraphs)


async def test_quellen_shows_the_last_answer_of_this_chat(conversation: Conversation) -> None:
    assert "noch keine Antwort" in (await ask(conversation, "/quellen")).texts()[-1]
    await ask(conversation)
    assert (await ask(conversation, "/sources")).texts()[-1].startswith("Quelle 1/2")


async def test_groups_get_quoted_replies_and_no_hints_for_unknown_commands(
    conversation: Conversation, service: FakeService
) -> None:
    group = await ask(conversation, f"/frage {QUESTION}", chat="-100", private=False)
    assert group.last.quote and service.asked[-1][0] == QUESTION
    assert (await ask(conversation, "/unbekannt", chat="-100", private=False)).replies == []
    assert (await ask(conversation, "", chat="-100", private=False)).replies == []
    assert "/help" in (await ask(conversation, "/unbekannt")).texts()[-1]
    assert "Bitte die Frage" in (await ask(conversation, "/frage   ")).texts()[-1]


async def test_help_counts_the_corpus_and_shows_admin_commands_to_admins(
    conversation: Conversation,
) -> None:
    help_text = (await ask(conversation, "/start")).last.paragraphs
    title = help_text[0][0]
    assert title.text == "Ratsbot" and title.tag == "b"
    assert any(s.text == "2" and s.tag == "b" for s in help_text[1])
    assert "17.12.2020" in plain_text(help_text) and "/reindex" not in plain_text(help_text)
    admin_help = (await ask(conversation, "/hilfe", user="4242")).texts()[-1]
    assert "/reindex" in admin_help


def test_command_menu_per_language_and_role(conversation: Conversation) -> None:
    german = [name for name, _ in conversation.command_menu("de")]
    assert "frage" in german and "reindex" not in german
    english = [name for name, _ in conversation.command_menu("en", admin=True)]
    assert "sources" in english and "reindex" in english
    assert conversation.command_menu("fr") == conversation.command_menu("de")


async def test_flood_guard_tells_once_then_drops(
    service: FakeService, chat_settings: Settings
) -> None:
    settings = chat_settings.with_overrides(flood_max_questions=2, flood_window_seconds=60.0)
    conversation = Conversation(service, settings)
    texts = [t for _ in range(5) for t in (await ask(conversation)).texts()]
    assert len(service.asked) == 2
    assert sum("Bitte einen Moment Geduld" in t for t in texts) == 1


async def test_errors_become_one_plain_sentence_and_are_reported(
    service: FakeService, chat_settings: Settings
) -> None:
    reported: list[BaseException] = []

    async def report(error: BaseException) -> None:
        reported.append(error)

    service.fail_with = RuntimeError("index <broken>")
    conversation = Conversation(service, chat_settings, report_error=report)
    outbox = await ask(conversation)
    (reply,) = outbox.replies
    assert reply.kind == "error" and "schiefgegangen" in plain_text(reply.paragraphs)
    assert "broken" not in plain_text(reply.paragraphs)
    assert [type(e) for e in reported] == [RuntimeError]


async def test_a_failing_outbox_does_not_raise_to_the_transport(
    service: FakeService, chat_settings: Settings
) -> None:
    reported: list[BaseException] = []

    async def report(error: BaseException) -> None:
        reported.append(error)

    class Broken(RecordingOutbox):
        async def send(self, reply: object) -> None:
            self.replies.append(reply)  # type: ignore[arg-type]
            raise ConnectionError("chat gone")

    conversation = Conversation(service, chat_settings, report_error=report)
    broken = Broken()
    await conversation.handle(message("/help"), broken)  # returns instead of raising
    assert [r.kind for r in broken.replies] == ["text", "error"]  # the apology was tried too
    assert [type(e) for e in reported] == [ConnectionError]
    assert "Ratsbot" in (await ask(conversation, "/help")).texts()[-1]  # the next chat works


async def test_outsiders_are_refused_where_they_addressed_the_bot(
    service: FakeService, chat_settings: Settings
) -> None:
    settings = chat_settings.with_overrides(allowed_user_ids=frozenset({int(ANNA)}))
    conversation = Conversation(service, settings)
    eve = "666"
    private = await ask(conversation, QUESTION, user=eve)
    assert "freigeschalteten" in private.texts()[-1]
    silent = await ask(conversation, "", user=eve, chat="-9", private=False)
    assert silent.replies == []
    pressed = RecordingOutbox()
    await conversation.handle(press("src:x:0", user=eve), pressed)
    assert pressed.last.alert
    await ask(conversation, QUESTION)
    assert [q for q, _ in service.asked] == [QUESTION]


async def test_platforms_keep_their_own_chats_and_access_lists(
    service: FakeService, chat_settings: Settings
) -> None:
    settings = chat_settings.with_overrides(matrix_admin_ids=frozenset({"@admin:example.org"}))
    conversation = Conversation(service, settings)
    await ask(conversation)  # telegram chat 1001
    outbox = RecordingOutbox()
    same_id = Incoming("matrix", ANNA, ANNA, True, text="/quellen")
    await conversation.handle(same_id, outbox)
    assert "noch keine Antwort" in outbox.texts()[-1]
    admin = Incoming("matrix", "!r:example.org", "@admin:example.org", True, text="/reindex")
    await conversation.handle(admin, outbox)
    assert service.reindexed == 1


def _figure(n: int) -> FigureItem:
    cit = KnowledgeCitation(("18828-20",), "Rat der Stadt", None, None, None, f"Satz {n}.")
    return FigureItem(
        n, str(n), "Stellen", "stellen", "Stellen <b>", None, None, (), None, None, cit
    )


class KnowledgeService(FakeService):
    """The fake service plus /status and /zahlen, recording their arguments."""

    def status(self, number: str, *, audience: object = None) -> PaperStatus:
        self.asked.append((f"status {number}", None))
        return PaperStatus(number, number, True, title="Masterplan <b>")

    def figures(self, topic: str | None = None, kind: str | None = None, *,
                audience: object = None) -> FigureList:  # fmt: skip
        self.asked.append((f"figures {kind} {topic}", None))
        return FigureList(topic, kind, [_figure(n) for n in range(20)])


async def test_status_and_figures_answer_from_the_service_as_plain_paragraphs(
    chat_settings: Settings,
) -> None:
    service = KnowledgeService()
    conversation = Conversation(service, chat_settings)
    usage = await ask(conversation, "/status")
    assert "/status 18828-20" in usage.texts()[-1]
    status = await ask(conversation, "/status 18828-20")
    assert status.last.kind == "status" and status.typing_shown == 1
    assert status.last.paragraphs == [
        [Span("Drs. 18828-20: Masterplan <b>")],
        [Span("keine Beratung bekannt")],
    ]
    figures = await ask(conversation, "/zahlen Stellen Digitalisierung", language="en")
    assert figures.last.kind == "figures" and figures.texts()[-1].endswith("… 5 more")
    assert [q for q, _ in service.asked] == ["status 18828-20", "figures stellen Digitalisierung"]
