"""Paper numbers: Dortmund Drucksachen and Karlsruhe Vorlagen, and what is not one."""

from __future__ import annotations

import pytest

from index.facts.references import find_references, normalise_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was steht in 18828-20?", [("18828-20", "18828-20")]),
        ("Drs. 19027/20", [("19027/20", "19027-20")]),
        ("(Drucksache Nr.: 18828-20)", [("18828-20", "18828-20")]),
        ("Drucksache 19027-20 und 18828/20", [("19027-20", "19027-20"), ("18828/20", "18828-20")]),
        ("Ergänzung 18828-20-E5.", [("18828-20-E5", "18828-20-E5")]),
        ("05185-03-ATC und 05185-03-ATS", [("05185-03-ATC", "05185-03-ATC"),
                                           ("05185-03-ATS", "05185-03-ATS")]),
        ("siehe 05185-03BA", [("05185-03BA", "05185-03-BA")]),
        ("Drucksache Nr.: 5185-03", [("5185-03", "05185-03")]),
        ("Vorlage Nr.: 2025/0657", [("2025/0657", "2025/0657")]),
        ("Vorlage: 2014/0366", [("2014/0366", "2014/0366")]),
        ("Vorlage 2025/0657", [("2025/0657", "2025/0657")]),
        ("vgl. 2022/2120 und 2023/0904", [("2022/2120", "2022/2120"), ("2023/0904", "2023/0904")]),
        ("Vorlage Nr.: 2020/2021", [("2020/2021", "2020/2021")]),  # labelled: trust it
        ("Drucksache 18828-20-Entwurf", []),
    ],
)  # fmt: skip
def test_find_references(text, expected):
    found = find_references(text)
    assert [(raw, canonical) for raw, canonical, _s, _e in found] == expected
    for raw, _canonical, start, end in found:
        assert text[start:end] == raw


@pytest.mark.parametrize(
    "text",
    [
        "vom 18.11.20 wird am 03.12.2020 behandelt",
        "um 15:30 Uhr",
        "3.000.000 Euro und 1.314.800 Euro",
        "im Zeitraum 2020/2021 und 2024/2025",
        "Haushalt 2020-21",
        "Tel. 0721 133-1234",
        "Fax 0231/50-12345",
        "76133 Karlsruhe",
        "TOP 10.3 und 4.1.1",
        "am 2020-12-03",
        "Vorlage 1850/0001",
        "38,5 Stellen",
        "",
    ],
)
def test_no_false_references(text):
    assert find_references(text) == []


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("18828/20", "18828-20"),
        ("Drs. 18828-20", "18828-20"),
        ("18828-20", "18828-20"),
        (" Drucksache Nr.: 18828-20 ", "18828-20"),
        ("Drs. 19027/20", "19027-20"),
        ("05185-03BA", "05185-03-BA"),
        ("05185-03-atc", None),
        ("Vorlage 2025/0657", "2025/0657"),
        ("2025/0657", "2025/0657"),
        ("18.11.20", None),
        ("2020/2021", None),
        ("18828-20 und 19027-20", None),
        ("Was steht in 18828-20?", None),
        ("", None),
    ],
)
def test_normalise_reference(raw, canonical):
    assert normalise_reference(raw) == canonical
