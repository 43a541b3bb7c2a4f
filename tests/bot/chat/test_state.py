"""The conversation's memory: answer LRU, flood guard, language choice, texts."""

from __future__ import annotations

from bot.answer.model import Answer
from bot.chat.messages import Span, plain_text
from bot.chat.state import AnswerCache, FloodGuard, LanguagePrefs, Verdict
from bot.chat.texts import Lang, hinted_language, parse_markup, pick_language, plain, rich


def test_answer_cache_keeps_the_last_n_and_binds_answers_to_their_chat() -> None:
    cache = AnswerCache(size=2)
    ids = [cache.put("1", Answer(f"q{i}", "de", True)) for i in range(3)]
    assert len(cache) == 2 and cache.get(ids[0], "1") is None
    assert cache.get(ids[2], "1") is not None and cache.get(ids[2], "2") is None
    assert len(f"pg:{ids[2]}:99".encode()) <= 64
    last = cache.last("1")
    assert last is not None and last.answer.question == "q2" and cache.last("2") is None


def test_flood_guard_warns_once_then_drops_until_the_window_passes() -> None:
    now = [0.0]
    guard = FloodGuard(max_events=2, window=10.0, clock=lambda: now[0])
    assert [guard.check("1") for _ in range(4)] == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.WARN,
        Verdict.DROP,
    ]
    assert guard.check("2") is Verdict.ALLOW  # other users are unaffected
    now[0] = 10.5
    assert guard.check("1") is Verdict.ALLOW


def test_language_choice_beats_the_client_language() -> None:
    prefs = LanguagePrefs()
    assert pick_language(prefs.get("1"), "en-US") is Lang.EN
    assert pick_language(prefs.get("1"), None) is Lang.DE
    assert pick_language(prefs.get("1"), "fr") is Lang.DE
    prefs.set("1", "de")
    assert pick_language(prefs.get("1"), "en") is Lang.DE


def test_answer_language_hint_leaves_unknown_languages_to_detection() -> None:
    assert hinted_language(None, "en-GB") == "en" and hinted_language(None, "de-AT") == "de"
    assert hinted_language(None, None) is None and hinted_language(None, "fr") is None
    assert hinted_language("en", "de") == "en"


def test_markup_becomes_spans_and_filled_in_values_stay_literal() -> None:
    (para,) = rich(Lang.DE, "upload_received_np", name="**x** `y` <b>")
    assert para[1] == Span("**x** `y` <b>", "code")
    assert Span("nicht öffentlich", "b") in para
    assert parse_markup("a\n\n**b** c") == [[Span("a")], [Span("b", "b"), Span(" c")]]
    assert plain(Lang.EN, "status_usage") == "Please give a paper number, e.g. /status 18828-20."


def test_plain_text_puts_quotes_on_lines_of_their_own() -> None:
    para = [Span("Herr X:", "b"), Span("\n"), Span("„Zitat“", "blockquote"), Span("[1] S. 2", "i")]
    assert plain_text([para, [Span("b")]]) == "Herr X:\n„Zitat“\n[1] S. 2\n\nb"
    assert plain_text([[Span("Quelle"), Span("text", "blockquote")]]) == "Quelle\ntext"
