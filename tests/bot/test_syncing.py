"""The real OParl sync through the service, against the replay server of the fixture archive.

Paper 2024/0101 has two consultations (Planungsausschuss, Stadtrat) and two files;
2024/0103 is consulted only in a non-public agenda item; 2024/0105 has three files;
2024/0108 none. Pages of three objects, so every list has several pages.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.audience import Audience
from bot.serve import check, run_frontends
from bot.service import Ratsbot
from bot.syncing import remove_sources, run_sync, scheduled_sync
from index.errors import ConfigError, SyncRunning
from index.sync import ClientOptions, OParlClient, SyncReport, sync_lock, sync_oparl
from tests.support.bots import MakeBot
from tests.support.oparl_archive import Archive, fixture_archive
from tests.support.oparl_replay import Fault, ReplayServer

OBJECTS = 8 + 3 + 4  # papers, meetings, organizations
FILES = 11


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(Archive.load(fixture_archive()), per_page=3) as s:
        yield s


@pytest.fixture
def empty_bot(make_bot: MakeBot, tmp_path: Any) -> Ratsbot:
    """A service with no corpus: what it knows comes from the sync."""
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    return make_bot(index=False, corpus_dirs=(empty,), oparl_delay_seconds=0.0)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _sync(bot: Ratsbot, url: str, sleeps: Sleeps | None = None, **kw: Any) -> SyncReport:
    client = OParlClient(
        ClientOptions(delay=0.0, backoff=0.01, timeout=5.0),
        sleep=Sleeps() if sleeps is None else sleeps,
    )
    with client:
        return run_sync(bot, url, client=client, **kw)


def _ref(bot: Ratsbot, number: str) -> list[Any]:
    return [d for d in bot.documents(audience=Audience.MEMBER) if number in d.own_numbers]


def test_first_sync_makes_the_papers_answerable_with_oparl_metadata(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    report = _sync(empty_bot, server.system_url)
    assert report.ok, report.failures
    assert (report.objects_seen, report.objects_new, report.files_fetched) == (
        OBJECTS,
        OBJECTS,
        FILES,
    )
    assert report.documents_added == FILES and report.seconds_to_first_document is not None
    vorlage, protokoll = sorted(_ref(empty_bot, "2024/0101"), key=lambda d: d.source_path)
    # OParl wins: the deciding consultation's Gremium, meeting date and TOP, the paper type
    assert (protokoll.gremium, str(protokoll.meeting_date), protokoll.top) == (
        "Stadtrat",
        "2024-03-19",
        "7",
    )
    assert vorlage.kind == "Beschlussvorlage"
    assert re.fullmatch(
        r"127-0-0-1-\d+-oparl-bodies-0/2024-0101_1001-[0-9a-f]{6}_beschlussvorlage\.pdf",
        vorlage.source_path,
    )
    status = empty_bot.status("2024/0101")
    assert [(s.gremium, s.top, s.outcome.value) for s in status.steps] == [
        ("Planungsausschuss", "4", "recommended"),
        ("Stadtrat", "7", "adopted"),
    ]
    # the Vorlage's header says Planungsausschuss, 05.03.2024, TOP 4: OParl's deciding
    # consultation (Stadtrat, 19.03.2024, TOP 7) wins
    assert (vorlage.gremium, str(vorlage.meeting_date), vorlage.top) == (
        "Stadtrat",
        "2024-03-19",
        "7",
    )
    answer = empty_bot.ask("Wie hoch sind die Kosten des Radwegeausbaus?")
    (quote,) = [q for q in answer.quotes if "2,4 Millionen Euro" in q.text]
    assert quote.citation.drucksachen == ("2024/0101",) and quote.citation.gremium == "Stadtrat"
    euros = empty_bot.figures(None, "euro").figures
    assert any(f.value == 2_400_000 and "2024/0101" in f.citation.drucksachen for f in euros)


def test_a_paper_consulted_only_in_private_is_stored_non_public(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    _sync(empty_bot, server.body_url)
    (doc,) = _ref(empty_bot, "2024/0103")
    assert doc.public is False
    public = empty_bot.ask("Höhergruppierung der Leitung des Bürgerbüros")
    assert all("Bürgerbüro" not in q.text for q in public.quotes)
    member = empty_bot.ask("Höhergruppierung der Leitung des Bürgerbüros", audience=Audience.MEMBER)
    assert any("Entgeltgruppe 12" in q.text for q in member.quotes)
    assert empty_bot.status("2024/0103").steps == []  # its only step is a non-public agenda item


def test_a_second_run_asks_for_changes_only_and_fetches_nothing(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    _sync(empty_bot, server.body_url)
    before = len(server.log)
    report = _sync(empty_bot, server.body_url)
    second = [p for p, _ in server.log[before:]]
    assert report.ok and report.touched == [] and report.files_fetched == 0
    assert all("modified_since=" in p for p in second if "/papers" in p or "/meetings" in p)
    assert not [p for p in second if "downloadfiles" in p]


def test_changed_deleted_and_removed_touch_exactly_those(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    _sync(empty_bot, server.body_url)
    assert any("Hallenbad" in f.citation.text for f in empty_bot.figures().figures)
    assert any("Hallenbad" in q.text for q in empty_bot.ask("Hallenbad Nord Sanierung").quotes)
    archive = server.archive
    archive.change("2024/0104", text="Nachtrag: Die E-Akte wird auch im Standesamt eingeführt.")
    archive.delete("2024/0106")
    dropped = archive.drop_file("2024/0105")
    before = len(server.log)
    report = _sync(empty_bot, server.body_url)
    ids = {p: server.url(f"https://oparl.example.org/oparl/bodies/0/papers/{p}") for p in (4, 5, 6)}
    assert report.ok, report.failures
    assert sorted(report.touched) == sorted(ids.values())
    assert (report.objects_changed, report.objects_deleted) == (2, 1)
    assert report.files_fetched == 1 and report.files_removed == 2
    assert len([p for p, _ in server.log[before:] if "downloadfiles" in p]) == 1
    assert server.url(dropped) not in str(report.fetched)
    assert len(_ref(empty_bot, "2024/0105")) == 2 and _ref(empty_bot, "2024/0106") == []
    assert not empty_bot.status("2024/0106").found
    assert not any("Hallenbad" in f.citation.text for f in empty_bot.figures().figures)
    hit = empty_bot.ask("Wird die E-Akte im Standesamt eingeführt?")
    assert any("Standesamt" in q.text for q in hit.quotes)
    assert not any("Hallenbad" in q.text for q in empty_bot.ask("Hallenbad Nord Sanierung").quotes)


def test_faults_cost_retries_and_one_line_per_broken_file(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    server.faults += [
        Fault("/papers?", "truncate"),
        Fault("page=2", "429", arg=3),
        Fault("/meetings", "500"),
        Fault("downloadfiles/1003", "reset"),
        Fault("downloadfiles/1004", "slow", arg=0.2),
        Fault("downloadfiles/1007", "404", times=99),
    ]
    sleeps = Sleeps()
    report = _sync(empty_bot, server.body_url, sleeps)
    assert report.retries >= 4 and 3.0 in sleeps
    assert report.files_fetched == FILES - 1 and report.files_failed == 1
    assert len(report.failures) == 1 and "files/1007" in report.failures[0]
    assert "HTTP 404" in report.failures[0] and "\n" not in report.failures[0]
    assert report.objects_new == OBJECTS and not report.incomplete


def test_a_stopped_sync_resumes_at_its_page(empty_bot: Ratsbot, server: ReplayServer) -> None:
    server.faults.append(Fault("/papers?page=2", "500", times=99))
    first = _sync(empty_bot, server.body_url)
    assert first.incomplete == [server.body_url + "/papers"] and not first.ok
    assert len(_ref(empty_bot, "2024/0101")) == 2  # page 1 is in
    server.faults.clear()
    before = len(server.log)
    second = _sync(empty_bot, server.body_url)
    later = [p for p, _ in server.log[before:] if "/papers" in p]
    assert second.resumed == [server.body_url + "/papers"] and second.ok
    assert later[0].endswith("/papers?page=2") and "page=1" not in "".join(later)
    assert second.objects_new == 5 and len(_ref(empty_bot, "2024/0107")) == 1


def test_a_sync_killed_inside_a_page_does_the_page_again(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    calls = []

    def dying_ingest(paths: list[Any]) -> Any:
        calls.append(paths)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies after page 1 of the papers
        return empty_bot.ingest(paths, force=True)

    folder = empty_bot.settings.oparl_folder
    with pytest.raises(KeyboardInterrupt):
        sync_oparl(
            empty_bot.store,
            server.body_url,
            folder,
            ingest=dying_ingest,
            remove=lambda sources: remove_sources(empty_bot, sources),
            options=ClientOptions(delay=0),
        )
    report = _sync(empty_bot, server.body_url)
    assert report.ok and report.resumed == [server.body_url + "/papers"]
    keys = [d.key for d in empty_bot.documents(audience=Audience.MEMBER)]
    assert len(keys) == FILES == len(set(keys))


def test_an_object_changed_while_the_lists_are_walked_is_caught_next_time(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    server.on_page("papers", 2, lambda: server.archive.change("2024/0101", name="Radwege, neu"))
    _sync(empty_bot, server.body_url)
    assert empty_bot.status("2024/0101").title == "Ausbau der Radwege in der Innenstadt"
    report = _sync(empty_bot, server.body_url)
    assert report.touched == [server.url(server.archive.paper("2024/0101")["id"])]
    assert empty_bot.status("2024/0101").title == "Radwege, neu"


def test_two_syncs_never_run_at_once(empty_bot: Ratsbot, server: ReplayServer) -> None:
    with sync_lock(empty_bot.settings.data_dir), pytest.raises(SyncRunning):
        _sync(empty_bot, server.body_url)


def test_serve_runs_the_sync_beside_the_front_ends(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    settings = replace(empty_bot.settings, oparl_url=server.body_url)
    check(settings, [])  # the sync alone is something to serve
    with pytest.raises(ConfigError):
        check(replace(settings, oparl_url=None), [])

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_frontends(settings, empty_bot, ["oparl"], stop))
        for _ in range(400):
            if len(_ref(empty_bot, "2024/0107")) == 1:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)

    asyncio.run(main())
    assert len(empty_bot.documents()) == FILES - 1  # the non-public one is not listed
    assert len(server.requests_to("/papers")) == 3  # one run: the next waits an hour


def test_a_failed_scheduled_run_keeps_the_schedule(
    empty_bot: Ratsbot, server: ReplayServer
) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(scheduled_sync(empty_bot, server.base + "/nirgends", 0.05, stop))
        for _ in range(100):
            if len(server.log) >= 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)

    asyncio.run(main())
    assert len(server.log) >= 2 and {status for _, status in server.log} == {404}


def test_the_sync_settings_come_from_the_environment() -> None:
    from bot.settings import Settings

    s = Settings.from_env(
        {
            "RATSBOT_OPARL_URL": "https://ris.example.de/oparl",
            "RATSBOT_OPARL_INTERVAL_MINUTES": "0.1",
        }
    )
    assert (s.oparl_url, s.oparl_interval_minutes, s.oparl_max_file_mb) == (
        "https://ris.example.de/oparl",
        1.0,
        50,
    )
    with pytest.raises(ConfigError, match="invalid number"):
        Settings.from_env({"RATSBOT_OPARL_DELAY_SECONDS": "bald"})
