"""Figures in council text: value, unit, kind, what they are about, period."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embed import FakeEmbedder
from index.facts.figures import FigureKind, find_figures
from index.ingest.pipeline import ingest_paths
from index.store.database import Store
from tests.support.paths import require_realdocs


def _one(sentence: str):
    figs = find_figures(sentence)
    assert len(figs) == 1, figs
    return figs[0]


def test_posts_with_topic_and_the_cost_anaphor() -> None:
    f = _one(
        "Zum PR-Schreiben teilt Herr Vogeler mit, dass es im AFBL bereits eine Vorlage gegeben "
        "habe (Drucksache 19027-20), in der es den entscheidenden Passus gab, dass dem Thema "
        "Digitalisierung sukzessive 38,5 weitere Planstellen eigereicht werden sollen."
    )
    assert (f.value, f.kind, f.unit) == (38.5, FigureKind.STELLEN, "Planstellen")
    assert f.about == "weitere Planstellen für Digitalisierung"
    cost = _one("Die Kosten hierfür sollen sich auf drei Millionen Euro pro Jahr belaufen.")
    assert (cost.value, cost.kind, cost.period) == (3_000_000, FigureKind.EURO, "pro Jahr")
    assert cost.anaphoric and cost.about == "Kosten"


@pytest.mark.parametrize(
    ("sentence", "value", "kind", "unit"),
    [
        (
            "dass die genannten identifizierten 24 Maßnahmen das Ende seien",
            24,
            "anzahl",
            "Maßnahmen",
        ),
        (
            "hat die Stadt im Bereich „Digitale Verwaltung“ 41 Plätze verloren.",
            41,
            "anzahl",
            "Plätze",
        ),
        ("Der Haushalt sieht 60,83 Millionen Euro für die IT vor.", 60_830_000, "euro", "Euro"),
        ("das sind 12,5 % mehr", 12.5, "prozent", "%"),
        (
            "Daraus ergeben sich 3,88 Vollzeitäquivalente (VZÄ).",
            3.88,
            "stellen",
            "Vollzeitäquivalente",
        ),
        ("Ein Budget von 250 TEUR ist vorgesehen.", 250_000, "euro", "Euro"),
    ],
)
def test_kinds_and_values(sentence: str, value: float, kind: str, unit: str) -> None:
    f = _one(sentence)
    assert (f.value, str(f.kind), f.unit) == (pytest.approx(value), kind, unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Drucksache Nr. 18828-20 vom 18.11.20 wird am 03.12.2020 behandelt.",
        "Gleichwohl wird unter Punkt 5 (ab Seite 41) dargestellt, welcher Mehrbedarf entsteht.",
        "2019 gab es dann ein Ranking, in 2020 hat die Stadt verloren.",
        "Die Sitzung beginnt um 15:30 Uhr, Anhörung nach § 70 Abs. 1 GemO.",
        "Er ruft Tagesordnungspunkt 10 zur Behandlung auf; die Top 10 Themen.",
        "Der Vorschlag ist in Anlage 3 beigelegt und gilt für 5 Jahre.",
    ],
)
def test_dates_years_and_numbering_are_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_periods_before_the_amount() -> None:
    figs = find_figures(
        "einmalig (Investitionen): 14.570.389 Euro verteilt auf 5 Jahre jährlich "
        "(Investitionen): 2.580.000 Euro jährlich (Betriebskosten): 165.644 Euro"
    )
    assert [(f.value, f.period, f.about) for f in figs] == [
        (14_570_389, "einmalig", "Investitionen"),
        (2_580_000, "pro Jahr", "Investitionen"),
        (165_644, "pro Jahr", "Betriebskosten"),
    ]


def test_karlsruhe_documents_give_exact_money_and_counts(tmp_path: Path) -> None:
    real = require_realdocs()
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    try:
        ingest_paths(store, FakeEmbedder(), sorted(real.glob("ka_*.txt")))
        from index.store import figures

        found = figures(store).figures
        have = {(f.value, f.kind, f.paper) for f in found}
        expected = {
            (14_570_389.0, "euro", "2018/0026"),  # einmalig, Beschlussvorlage
            (2_580_000.0, "euro", "2018/0026"),  # jährlich Investitionen
            (165_644.0, "euro", "2018/0026"),  # jährlich Betriebskosten
            (5_421_812.0, "euro", "2018/0026"),  # jährlich benötigte Finanzmittel
            (100_000.0, "euro", "2014/0366"),  # KA-WLAN Zuschuss
            (5_000_000_000.0, "euro", "2018/0026"),  # "5 Milliarden Euro" Digitalpakt
            (40_200.0, "anzahl", "2018/0026"),  # Lernende
            (11_000.0, "anzahl", "2018/0026"),  # Endgeräte
            (71.0, "anzahl", "2018/0026"),  # Schulen mit Datenverkabelung
            (3.88, "stellen", "2018/0026"),  # VZÄ
            (36.0, "anzahl", "2025/0657"),  # Dienststellen mit E-Akte
            (12.0, "anzahl", "2025/0657"),  # Dienststellen in Planung
        }
        assert expected <= have, expected - have
        money_or_count = [f for f in found if f.kind in ("euro", "anzahl")]
        assert len(money_or_count) >= 10
        wlan = next(f for f in found if f.value == 100_000 and f.paper == "2014/0366")
        assert "100.000 Euro" in wlan.citation.text and wlan.citation.page
    finally:
        store.close()


def test_about_keeps_the_years_of_its_clause() -> None:
    (fig,) = find_figures("Die Hundesteuer steigt ab 2021 auf 180 Euro pro Jahr.")
    assert fig.about == "Die Hundesteuer steigt ab 2021 auf"


@pytest.mark.parametrize(
    ("sentence", "periods"),
    [
        # a form's rows: "jährlich (…):" is the label of the value after it
        (
            "14.570.389 Euro jährlich (Investitionen): 2.580.000 Euro jährlich "
            "(Betriebskosten): 165.644 Euro",
            [None, "pro Jahr", "pro Jahr"],
        ),
        ("14.570.389 Euro jährlich (Investitionen):", [None]),
        ("Die Kosten betragen 3 Mio. Euro jährlich (ab 2022).", ["pro Jahr"]),
        ("Es sind 2.580.000 Euro jährlich: davon entfallen zwei Drittel auf Geräte.", ["pro Jahr"]),
    ],
)
def test_a_period_word_opening_a_label_belongs_to_the_next_value(sentence, periods) -> None:
    assert [f.period for f in find_figures(sentence)] == periods
