"""The bot's memory: answer LRU, flood guard, language choice."""

from __future__ import annotations

from bot.answer import Answer
from bot.telegram.state import AnswerCache, FloodGuard, LanguagePrefs, Verdict
from bot.telegram.texts import Lang, pick_language


def test_answer_cache_keeps_the_last_n_and_binds_answers_to_their_chat() -> None:
    cache = AnswerCache(size=2)
    ids = [cache.put(1, Answer(f"q{i}", "de", True)) for i in range(3)]
    assert len(cache) == 2 and cache.get(ids[0], 1) is None
    assert cache.get(ids[2], 1) is not None and cache.get(ids[2], 2) is None
    assert len(f"pg:{ids[2]}:99".encode()) <= 64
    assert cache.last(1).answer.question == "q2" and cache.last(2) is None


def test_flood_guard_warns_once_then_drops_until_the_window_passes() -> None:
    now = [0.0]
    guard = FloodGuard(max_events=2, window=10.0, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(4)] == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.WARN,
        Verdict.DROP,
    ]
    assert guard.check(2) is Verdict.ALLOW  # other users are unaffected
    now[0] = 10.5
    assert guard.check(1) is Verdict.ALLOW


def test_language_choice_beats_the_client_language() -> None:
    prefs = LanguagePrefs()
    assert pick_language(prefs.get(1), "en-US") is Lang.EN
    assert pick_language(prefs.get(1), None) is Lang.DE
    assert pick_language(prefs.get(1), "fr") is Lang.DE
    prefs.set(1, "de")
    assert pick_language(prefs.get(1), "en") is Lang.DE
