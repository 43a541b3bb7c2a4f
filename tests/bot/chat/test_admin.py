"""Admin commands and uploads through the conversation: admins act, others change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.admin import inside, safe_filename, wants_non_public
from bot.chat.conversation import Conversation
from bot.chat.messages import plain_text
from bot.settings import Settings
from tests.support.fakes import FakeService
from tests.support.recorder import ADMIN, RecordingOutbox, message, upload

MINUTES = b"Auszug aus der nicht genehmigten Niederschrift\n\nHundesteuer 2021\n"


async def test_reindex_by_an_admin_reports_the_counts(
    conversation: Conversation, service: FakeService, outbox: RecordingOutbox
) -> None:
    await conversation.handle(message("/reindex", ADMIN), outbox)
    assert service.reindexed == 1
    started, done = outbox.texts()
    assert "läuft" in started
    assert "1 neu, 1 geändert, 2 unverändert, 0 fehlgeschlagen" in done


@pytest.mark.parametrize("command", ["/reindex", "/docs", "/remove 1"])
async def test_non_admins_are_refused_and_nothing_changes(
    conversation: Conversation, service: FakeService, outbox: RecordingOutbox, command: str
) -> None:
    await conversation.handle(message(command), outbox)
    assert service.reindexed == 0 and service.removed == []
    assert "nur Administrator" in outbox.texts()[-1]


async def test_docs_and_remove(conversation: Conversation, service: FakeService) -> None:
    outbox = RecordingOutbox()
    for text in ("/docs", "/remove 2", "/remove 99", "/remove ../x"):
        await conversation.handle(message(text, ADMIN), outbox)
    listing, removed, unknown, usage = outbox.replies
    spans = listing.paragraphs[0]
    assert any(s.text == "2" and s.tag == "code" for s in spans)
    assert "Rat <Beschluss>" in plain_text(listing.paragraphs)
    assert "entfernt" in plain_text(removed.paragraphs)
    assert "gibt es nicht" in plain_text(unknown.paragraphs)
    assert "Verwendung" in plain_text(usage.paragraphs) and service.removed == [2, 99]


async def test_upload_is_stored_under_a_safe_name_ingested_and_shown(
    conversation: Conversation, service: FakeService, chat_settings: Settings
) -> None:
    outbox = RecordingOutbox()
    await conversation.handle(upload("../../etc/Hunde steuer.txt", MINUTES), outbox)
    stored = chat_settings.upload_folder / "Hunde_steuer.txt"
    assert stored.read_bytes() == MINUTES
    assert service.ingested == [[stored.resolve()]]
    received, summary, card = outbox.replies
    assert any(s.text == "Hunde_steuer.txt" and s.tag == "code" for s in received.paragraphs[0])
    assert "1 neu" in plain_text(summary.paragraphs)
    assert card.kind == "document" and "Gremium" in plain_text(card.paragraphs)
    assert outbox.typing_shown == 1 and not list(stored.parent.glob(".*.part"))


async def test_non_public_caption_stores_the_upload_in_the_members_folder(
    conversation: Conversation, chat_settings: Settings
) -> None:
    outbox = RecordingOutbox()
    await conversation.handle(upload("hund.txt", MINUTES, caption="nicht öffentlich"), outbox)
    folder = chat_settings.upload_folder / "nichtoeffentlich"
    assert (folder / "hund.txt").is_file() and "nicht öffentlich" in outbox.texts()[0]


async def test_upload_failures_are_listed_with_the_file(conversation: Conversation) -> None:
    outbox = RecordingOutbox()
    await conversation.handle(upload("scan.pdf", b"%PDF-broken"), outbox)
    assert "• Fehlgeschlagen: scan.pdf – no text <layer> found" in outbox.texts()[-1]


@pytest.mark.parametrize(
    ("name", "data", "declared", "expected"),
    [
        ("bild.exe", MINUTES, None, "nur PDF"),
        ("gross.txt", b"x" * 10, 2 * 1024 * 1024, "zu groß"),  # declared: refused unfetched
    ],
)
async def test_type_and_declared_size_are_checked_before_fetching(
    conversation: Conversation, service: FakeService, name: str, data: bytes,
    declared: int | None, expected: str,
) -> None:  # fmt: skip
    fetched: list[Path] = []
    outbox = RecordingOutbox()
    await conversation.handle(upload(name, data, declared=declared, fetched=fetched), outbox)
    assert expected in outbox.texts()[-1]
    assert fetched == [] and service.ingested == []


async def test_a_file_larger_than_declared_is_dropped_after_fetching(
    conversation: Conversation, service: FakeService, chat_settings: Settings
) -> None:
    outbox = RecordingOutbox()
    big = b"x" * (2 * 1024 * 1024)
    await conversation.handle(upload("gross.txt", big, declared=10), outbox)
    assert "zu groß" in outbox.texts()[-1] and service.ingested == []
    assert list(chat_settings.upload_folder.iterdir()) == []


async def test_non_admin_uploads_are_refused_and_group_files_ignored(
    conversation: Conversation, service: FakeService, chat_settings: Settings
) -> None:
    refused, ignored = RecordingOutbox(), RecordingOutbox()
    await conversation.handle(upload("x.txt", MINUTES, user="1001"), refused)
    await conversation.handle(upload("x.txt", MINUTES, private=False), ignored)
    assert "nur Administrator" in refused.texts()[-1] and ignored.replies == []
    assert service.ingested == [] and not chat_settings.upload_folder.exists()


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("Niederschrift 2021.pdf", "Niederschrift_2021.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.md", "win.md"),
        ("..txt", "txt"),  # harmless; refused later for its missing suffix
        ("...", None),
        ("a..b.txt", "a.b.txt"),
        ("Bürger\x00dienste.txt", "Bürgerdienste.txt"),
        (".hidden.txt", "hidden.txt"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_safe_filename(raw: str, safe: str | None) -> None:
    assert safe_filename(raw) == safe


def test_inside_refuses_paths_outside_the_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "a.txt") == (tmp_path / "a.txt").resolve()
    with pytest.raises(ValueError):
        inside(tmp_path, "../a.txt")


@pytest.mark.parametrize(
    ("caption", "flag"),
    [("nicht öffentlich", True), ("Nichtöffentlich!", True), ("NP", True),
     ("non-public", True), (None, False), ("öffentlich", False), ("Snp", False)],
)  # fmt: skip
def test_non_public_captions(caption: str | None, flag: bool) -> None:
    assert wants_non_public(caption) is flag
