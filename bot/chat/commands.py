"""The commands everyone may use: /help, /sprache, /status and /zahlen.

/status and /zahlen render the service's plain text (the same as ``ratsbot
status`` and ``ratsbot zahlen``) as untagged paragraphs; the front end splits
them below its message limit. Only what the asking audience may see is shown,
as for answers.
"""

from __future__ import annotations

from bot.chat.fit import plain_paragraphs
from bot.chat.texts import Lang, plain, rich
from bot.chat.turn import Turn
from bot.knowledge import render_figures, render_status

FIGURE_KINDS = {"stellen", "euro", "prozent", "anzahl"}
FIGURES_SHOWN = 15


async def show_help(turn: Turn) -> None:
    """/start and /help: what the bot knows (corpus size, newest meeting) and examples."""
    stats = await turn.blocking(turn.service.stats, audience=turn.audience)
    newest = (
        stats.newest_meeting_date.strftime("%d.%m.%Y")
        if stats.newest_meeting_date
        else plain(turn.lang, "unknown_date")
    )
    paragraphs = rich(turn.lang, "help", documents=stats.documents, chunks=stats.chunks,
                      newest=newest)  # fmt: skip
    if turn.is_admin:
        paragraphs += rich(turn.lang, "help_admin")
    await turn.send(paragraphs)


async def choose_language(turn: Turn) -> None:
    """/sprache de|en: overrides the client language, in memory only."""
    choice = (turn.args.split() or [""])[0].lower()
    if choice not in (Lang.DE, Lang.EN):
        await turn.say("language_usage")
        return
    turn.state.languages.set(turn.user_key, choice)
    turn.lang = Lang(choice)
    await turn.say("language_set")


async def paper_status(turn: Turn) -> None:
    """/status 18828-20: the paper's consultations, oldest first, and its current state."""
    number = turn.args.strip()
    if not number:
        await turn.say("status_usage")
        return
    async with turn.outbox.typing():
        status = await turn.blocking(turn.service.status, number, audience=turn.audience)
    await turn.send(plain_paragraphs(render_status(status, turn.lang.value)), kind="status")


async def figures(turn: Turn) -> None:
    """/zahlen [stellen|euro|prozent|anzahl] [THEMA]: figures, newest first, with citations."""
    words = turn.args.split()
    kind = words.pop(0).lower() if words and words[0].lower() in FIGURE_KINDS else None
    topic = " ".join(words).strip() or None
    async with turn.outbox.typing():
        found = await turn.blocking(turn.service.figures, topic, kind, audience=turn.audience)
    text = render_figures(found, turn.lang.value, limit=FIGURES_SHOWN)
    await turn.send(plain_paragraphs(text), kind="figures")
