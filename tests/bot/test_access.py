"""Non-public documents reach members only: answers, sources, closest documents, counts.

The filter works inside retrieval (``Filters.public_only``); these tests look at
everything a public user could see and check that none of it hints at the
secret document, while a member gets the answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.audience import Audience, Role, audience_for, role_of
from bot.cli import cli
from bot.knowledge import figures_json, status_json
from bot.service import Ratsbot
from bot.settings import Settings
from index.retrieval import Filters
from index.store import load_chunks
from index.store.visibility import non_public_path
from tests.support.paths import HUND as HUND_FILE
from tests.support.secret_doc import (
    SECRET_FILE,
    SECRET_NUMBER,
    SECRET_QUESTION,
    SECRET_TEXT,
    leaks,
)

HUND = HUND_FILE.read_text(encoding="utf-8")


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    """The bundled corpus plus the non-public document (so ``bot`` indexes it too)."""
    (corpus_dir / SECRET_FILE).write_text(SECRET_TEXT, encoding="utf-8")
    return corpus_dir


def _answer_text(ans) -> str:  # type: ignore[no-untyped-def]
    """Everything shown of an answer except the user's own question."""
    data = ans.to_json()
    data.pop("question", None)
    return json.dumps(data, ensure_ascii=False, default=str) + ans.text.replace(ans.question, "")


def test_member_gets_the_answer_public_user_gets_nothing_of_it(bot: Ratsbot) -> None:
    member = bot.ask(SECRET_QUESTION, audience=Audience.MEMBER)
    assert not member.abstained and any("4,2 Millionen" in q.text for q in member.quotes)
    public = bot.ask(SECRET_QUESTION, audience=Audience.PUBLIC)
    assert not leaks(_answer_text(public))  # no quote, no source, no closest document


def test_default_audience_is_public(bot: Ratsbot) -> None:
    assert not leaks(_answer_text(bot.ask(SECRET_QUESTION)))


def test_asking_for_the_paper_number_reveals_nothing(bot: Ratsbot) -> None:
    ans = bot.ask(f"Was steht in Drucksache {SECRET_NUMBER}?", audience=Audience.PUBLIC)
    assert ans.abstained and not any(leaks(s.text + s.title) for s in ans.sources)
    assert all(SECRET_NUMBER not in s.citation.numbers for s in ans.sources)


def test_documents_document_and_stats_hide_non_public(bot: Ratsbot) -> None:
    all_docs = bot.documents(audience=Audience.MEMBER)
    public_docs = bot.documents(audience=Audience.PUBLIC)
    secret = next(d for d in all_docs if not d.public)
    assert len(all_docs) == len(public_docs) + 1 and secret.id not in {d.id for d in public_docs}
    assert bot.document(secret.id, audience=Audience.PUBLIC) is None
    assert bot.document(secret.id, audience=Audience.MEMBER) is not None
    member, public = bot.stats(audience=Audience.MEMBER), bot.stats(audience=Audience.PUBLIC)
    assert member.documents == public.documents + 1
    assert member.chunks == public.chunks + secret.chunk_count
    assert public.newest_meeting_date is not None and public.newest_meeting_date.year == 2020
    assert member.newest_meeting_date is not None and member.newest_meeting_date.year == 2021


def test_status_does_not_confirm_a_non_public_paper(bot: Ratsbot) -> None:
    public = status_json(bot.status(SECRET_NUMBER, audience=Audience.PUBLIC))
    public.pop("query")
    assert not public["found"] and not leaks(json.dumps(public, default=str))
    near = bot.status("20777-22", audience=Audience.PUBLIC)
    assert SECRET_NUMBER not in near.closest


def test_knowledge_answers_search_under_the_callers_audience_and_filters(bot: Ratsbot) -> None:
    secret = next(d.id for d in bot.documents(audience=Audience.MEMBER) if not d.public)

    def found(audience: Audience, filters: Filters | None = None) -> set[int]:
        chunk_ids = bot.knowledge_reads(audience, filters).search(SECRET_QUESTION, 8, "de")
        return {v.document_id for v in load_chunks(bot.store, chunk_ids).values()}

    assert secret in found(Audience.MEMBER) and secret not in found(Audience.PUBLIC)
    assert found(Audience.MEMBER, Filters(gremium="Liegenschaften")) == {secret}
    assert found(Audience.PUBLIC, Filters(gremium="Liegenschaften")) == set()


def test_figures_never_show_non_public_figures(bot: Ratsbot) -> None:
    for audience in Audience:
        figs = bot.figures("Grundstück", audience=audience)
        assert not leaks(json.dumps(figures_json(figs), default=str))
        figs = bot.figures(None, "euro", audience=audience)
        assert not leaks(json.dumps(figures_json(figs), default=str))


def test_folder_flag_makes_a_document_non_public_and_survives_full_rebuild(
    bot: Ratsbot, corpus_dir: Path
) -> None:
    folder = corpus_dir / "uploads" / "nichtoeffentlich"
    folder.mkdir(parents=True)
    (folder / "hund.txt").write_text(HUND, encoding="utf-8")  # header says "öffentlich"
    bot.reindex()
    question = "Wie hoch ist die Hundesteuer für den ersten Hund?"
    assert not any("180 Euro" in q.text for q in bot.ask(question).quotes)
    assert any("180 Euro" in q.text for q in bot.ask(question, audience=Audience.MEMBER).quotes)
    bot.reindex(full=True)
    assert not any("180 Euro" in q.text for q in bot.ask(question).quotes)
    assert sum(not d.public for d in bot.documents(audience=Audience.MEMBER)) == 2


def test_non_public_path() -> None:
    assert non_public_path("uploads/nichtoeffentlich/a.txt")
    assert non_public_path("Nichtöffentlich/x/a.pdf")
    assert not non_public_path("uploads/nichtoeffentlich.txt")
    assert not non_public_path("öffentlich/a.txt")


def test_roles_and_chat_audiences() -> None:
    s = Settings(
        admin_ids=frozenset({1}), member_ids=frozenset({2}), member_chat_ids=frozenset({-100})
    )
    assert [role_of(s, u) for u in (1, 2, 3, None)] == [
        Role.ADMIN,
        Role.MEMBER,
        Role.PUBLIC,
        Role.PUBLIC,
    ]
    assert audience_for(s, 1, 1, private=True) is Audience.MEMBER
    assert audience_for(s, 2, 2, private=True) is Audience.MEMBER
    assert audience_for(s, 3, 3, private=True) is Audience.PUBLIC
    assert audience_for(s, 2, -100, private=False) is Audience.MEMBER
    assert audience_for(s, 2, -200, private=False) is Audience.PUBLIC  # not a member chat
    assert audience_for(s, 1, -200, private=False) is Audience.PUBLIC  # admins too
    assert audience_for(s, 3, -100, private=False) is Audience.PUBLIC  # a stranger in it


def test_settings_read_member_ids() -> None:
    s = Settings.from_env({"RATSBOT_MEMBER_IDS": "5, 6", "RATSBOT_MEMBER_CHAT_IDS": "-1001"})
    assert s.member_ids == {5, 6} and s.member_chat_ids == {-1001}


def test_cli_sees_all_and_public_flag_simulates_a_public_user(
    settings: Settings, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus_dir / SECRET_FILE).write_text(SECRET_TEXT, encoding="utf-8")
    monkeypatch.setenv("RATSBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RATSBOT_EMBEDDER", "fake")
    monkeypatch.setenv("RATSBOT_CORPUS_DIRS", str(corpus_dir))
    runner = CliRunner()
    assert runner.invoke(cli, ["reindex"]).exit_code == 0
    member = runner.invoke(cli, ["ask", SECRET_QUESTION])
    assert member.exit_code == 0 and "4,2 Millionen" in member.output
    public = runner.invoke(cli, ["ask", "--public", SECRET_QUESTION])
    assert public.exit_code == 0 and not leaks(public.output)
    docs = runner.invoke(cli, ["docs"])
    assert "[nicht öffentlich]" in docs.output


@pytest.mark.parametrize(
    "filters",
    [
        {"drucksache": SECRET_NUMBER},
        {"gremium": "Liegenschaften"},
        {"date_from": __import__("datetime").date(2021, 1, 1)},
    ],
)
def test_retrieval_itself_never_returns_non_public_chunks(bot: Ratsbot, filters: dict) -> None:
    """Under the same filters a member finds the secret passage and the public does not."""

    def found(public_only: bool) -> list[tuple[bool, str]]:
        wanted = Filters(**filters, public_only=public_only)
        hits = bot.searcher.search(SECRET_QUESTION, k=5, filters=wanted).hits
        views = load_chunks(bot.store, [h.chunk_id for h in hits])
        return [(views[h.chunk_id].public, views[h.chunk_id].text) for h in hits]

    member = found(public_only=False)
    assert any(not public and "4,2 Millionen" in text for public, text in member)
    public = found(public_only=True)
    assert all(is_public for is_public, _ in public)
    assert not any(leaks(text) for _, text in public)
