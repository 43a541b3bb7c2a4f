"""A non-public document with a fact no public document holds (access-control tests)."""

from __future__ import annotations

SECRET_FILE = "falkenhorst_np.txt"
SECRET_NUMBER = "20777-21"
SECRET_WORD = "Falkenhorst"
SECRET_QUESTION = "Was kostet der Ankauf des Grundstücks Falkenhorst?"
SECRET_TEXT = """Auszug aus der Niederschrift

Erstellt am: 12.02.2021

Gremium:\tSitzungsdatum:\tSitzungsart:
Ausschuss für Liegenschaften\t09.02.2021\tnicht öffentlich

zu TOP 7

Ankauf des Grundstücks Falkenhorst

Beschluss

(Drucksache Nr.: 20777-21)

Die Verwaltung empfiehlt den Ankauf des Grundstücks Falkenhorst am Nordhafen. Der Ankauf \
des Grundstücks Falkenhorst kostet 4,2 Millionen Euro einschließlich der Nebenkosten.

Der Ausschuss beschließt den Ankauf des Grundstücks Falkenhorst einstimmig.
"""


def leaks(text: str) -> bool:
    """True if ``text`` reveals anything of the secret document."""
    low = text.lower()
    return SECRET_WORD.lower() in low or SECRET_NUMBER in text or "liegenschaften" in low
