"""The chat's memory in the database (bot/chat/shared_state.py): what replicas share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answer import Answer, Citation, Quote, Source
from bot.chat import chat_state_for
from bot.chat.shared_state import (
    SharedAnswers,
    SharedFloodGuard,
    SharedLanguages,
    decode_answer,
    encode_answer,
)
from bot.chat.state import AnswerCache, FloodGuard, Verdict
from bot.settings import Settings
from index.store import ExpiringState, Store
from tests.support.fakes import FakeService


@pytest.fixture
def values(tmp_path: Path) -> ExpiringState:
    return ExpiringState(Store(f"sqlite:///{tmp_path / 'state.sqlite3'}"))


def _answer() -> Answer:
    cite = Citation(("18828-20",), "Rat der Stadt", dt.date(2020, 12, 17), "4.1", 2, ("19027-20",))
    source = Source(
        1, 11, 3, "Masterplan", cite, "Herr Vogeler", "Volltext …", 0.75, "a.txt", "S. 2"
    )
    return Answer("Wie viele Stellen?", "de", False, [Quote("„38,5 Stellen“", None, cite, 1)],
                  [source], "Hinweis")  # fmt: skip


def test_an_answer_survives_its_stored_form() -> None:
    answer = _answer()
    back = decode_answer(encode_answer(answer))
    assert back.sources == answer.sources
    assert back.quotes == answer.quotes
    assert (back.language, back.notice) == ("de", "Hinweis")
    assert back.question == ""  # the user's question is never stored


def test_buttons_work_from_another_instance_in_the_same_chat_only(values: ExpiringState) -> None:
    here, there = SharedAnswers(values), SharedAnswers(values)
    answer_id = here.put("telegram:1", _answer())
    assert len(f"pg:{answer_id}:99".encode()) <= 64  # Telegram's callback_data limit
    stored = there.get(answer_id, "telegram:1")
    assert stored is not None and stored.answer.sources == _answer().sources
    assert there.get(answer_id, "telegram:2") is None
    assert there.get("nope", "telegram:1") is None
    assert there.get("../x", "telegram:1") is None
    last = there.last("telegram:1")
    assert last is not None and last.answer_id == answer_id


def test_no_user_or_chat_id_is_stored(values: ExpiringState) -> None:
    SharedAnswers(values).put("telegram:987654321", _answer())
    SharedLanguages(values).set("telegram:123456789", "en")
    SharedFloodGuard(values).check("telegram:123456789")
    with values.store.engine.connect() as c:
        dump = " ".join(
            str(v) for row in c.exec_driver_sql("SELECT * FROM expiring_values") for v in row
        )
    assert "987654321" not in dump and "123456789" not in dump


def test_the_shared_flood_guard_decides_as_the_local_one(values: ExpiringState) -> None:
    now = [1000.0]
    shared = SharedFloodGuard(values, max_events=3, window=10.0, clock=lambda: now[0])
    local = FloodGuard(max_events=3, window=10.0, clock=lambda: now[0])
    seen = []
    for step in [0, 1, 1, 1, 1, 5, 4, 0.5, 12, 0]:
        now[0] += step
        seen.append((shared.check("u"), local.check("u")))
    assert all(a == b for a, b in seen), seen
    assert {a for a, _ in seen} == {Verdict.ALLOW, Verdict.WARN, Verdict.DROP}


def test_language_choices_are_shared(values: ExpiringState) -> None:
    SharedLanguages(values).set("telegram:5", "en")
    assert SharedLanguages(values).get("telegram:5") == "en"
    assert SharedLanguages(values).get("telegram:6") is None
    assert SharedLanguages(values).get(None) is None


def test_the_state_is_shared_on_postgresql_only(tmp_path: Path) -> None:
    sqlite = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert not sqlite.shared_chat_state
    assert Settings(database_url="postgresql+psycopg://h/db").shared_chat_state
    assert not Settings(
        database_url="postgresql+psycopg://h/db", chat_state="memory"
    ).shared_chat_state
    assert Settings(data_dir=tmp_path, chat_state="database").shared_chat_state
    assert isinstance(chat_state_for(sqlite, FakeService()).answers, AnswerCache)


def test_the_real_service_gets_database_state_when_asked(make_bot, settings: Settings) -> None:
    bot = make_bot(index=False, chat_state="database")
    state = chat_state_for(bot.settings, bot)
    assert isinstance(state.answers, SharedAnswers)
    assert isinstance(state.flood, SharedFloodGuard)
