"""Admin commands and uploads: admins act, everyone else is refused and nothing changes."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.telegram.app import App
from tests.bot.telegram.fake_server import FakeBotApi
from tests.bot.telegram.harness import ADMIN_ID, USER_ID, process
from tests.bot.telegram.html_check import telegram_html_errors
from tests.bot.telegram.updates import Telegram
from tests.support.fakes import FakeService

MINUTES = b"Auszug aus der nicht genehmigten Niederschrift\n\nHundesteuer 2021\n"


async def test_reindex_by_an_admin_reports_the_counts(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService
) -> None:
    admin = tg.user(ADMIN_ID, "Admin")
    await process(app, tg.message(tg.private(admin), admin, "/reindex"))
    assert service.reindexed == 1
    assert "1 neu, 1 geändert, 2 unverändert, 0 fehlgeschlagen" in api.texts()[-1]


@pytest.mark.parametrize("command", ["/reindex", "/docs", "/remove 1"])
async def test_non_admins_are_refused_and_nothing_changes(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService, command: str
) -> None:
    anna = tg.user(USER_ID)
    await process(app, tg.message(tg.private(anna), anna, command))
    assert service.reindexed == 0 and service.removed == []
    assert "nur Administrator" in api.texts()[-1]


async def test_docs_and_remove(app: App, api: FakeBotApi, tg: Telegram, service: FakeService):
    admin = tg.user(ADMIN_ID, "Admin")
    chat = tg.private(admin)
    await process(app, tg.message(chat, admin, "/docs"))
    listing = api.texts()[-1]
    assert "<code>2</code> 03.12.2020" in listing and "Rat &lt;Beschluss&gt;" in listing
    await process(app, tg.message(chat, admin, "/remove 2"))
    assert service.removed == [2] and "entfernt" in api.texts()[-1]
    await process(app, tg.message(chat, admin, "/remove 99"))
    assert "gibt es nicht" in api.texts()[-1]
    await process(app, tg.message(chat, admin, "/remove ../x"))
    assert "Verwendung" in api.texts()[-1] and service.removed == [2, 99]


async def test_admin_upload_is_stored_in_the_corpus_and_ingested(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService, tg_settings: Settings
) -> None:
    admin = tg.user(ADMIN_ID, "Admin")
    update = tg.document(
        tg.private(admin), admin, MINUTES, "../../etc/Hunde steuer.txt", "text/plain"
    )
    await process(app, update)
    stored = tg_settings.upload_folder / "Hunde_steuer.txt"
    assert stored.read_bytes() == MINUTES
    assert service.ingested == [[stored.resolve()]]
    texts = api.texts()
    assert any("1 neu" in t for t in texts) and "Gremium" in texts[-1]
    assert all(telegram_html_errors(t) == [] for t in texts)
    assert not list(stored.parent.glob(".*.part"))


async def test_upload_failures_are_reported_escaped(
    app: App, api: FakeBotApi, tg: Telegram
) -> None:
    admin = tg.user(ADMIN_ID, "Admin")
    pdf = b"%PDF-broken"
    await process(app, tg.document(tg.private(admin), admin, pdf, "scan.pdf", "application/pdf"))
    assert "no text &lt;layer&gt; found" in api.texts()[-1]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bild.exe", MINUTES, "nur PDF"),
        ("gross.txt", b"x" * (2 * 1024 * 1024), "zu groß"),
    ],
)
async def test_upload_checks_type_and_size_before_downloading(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService, name: str, data: bytes,
    expected: str,
) -> None:  # fmt: skip
    admin = tg.user(ADMIN_ID, "Admin")
    await process(app, tg.document(tg.private(admin), admin, data, name, "text/plain"))
    assert expected in api.texts()[-1]
    assert api.sent("getFile") == [] and service.ingested == []


async def test_non_admin_upload_is_refused_and_group_files_are_ignored(
    app: App, api: FakeBotApi, tg: Telegram, service: FakeService, tg_settings: Settings
) -> None:
    anna, admin = tg.user(USER_ID), tg.user(ADMIN_ID, "Admin")
    await process(app, tg.document(tg.private(anna), anna, MINUTES, "x.txt", "text/plain"))
    assert "nur Administrator" in api.texts()[-1]
    await process(app, tg.document(tg.group(), admin, MINUTES, "x.txt", "text/plain"))
    assert len(api.texts()) == 1
    assert service.ingested == [] and not tg_settings.upload_folder.exists()
