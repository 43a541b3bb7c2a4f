"""The German number normaliser: written forms in, exact values out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.facts.numbers import format_amount, format_german_number, parse_german_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("38,5", 38.5),
        ("3.000.000", 3_000_000),
        ("14.570.389", 14_570_389),
        ("drei Millionen", 3_000_000),
        ("60,83 Millionen", 60_830_000),
        ("2,5 Mio.", 2_500_000),
        ("5 Milliarden", 5_000_000_000),
        ("zwölf", 12),
        ("165.644", 165_644),
        ("0,5", 0.5),
        ("1 000", 1000),
    ],
)
def test_known_forms(text: str, value: float) -> None:
    assert parse_german_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.5", "1,234,5", "", "abc", "3.00.000", "Millionen"])
def test_ambiguous_or_not_numbers_are_refused(text: str) -> None:
    assert parse_german_number(text) is None


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_round_trip_with_thousands_dots(n: int) -> None:
    assert parse_german_number(format_german_number(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_decimal_comma_round_trips(whole: int, cents: int) -> None:
    text = f"{format_german_number(whole)},{cents:02d}"
    assert parse_german_number(text) == pytest.approx(whole + cents / 100)


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from([("Mio.", 1e6), ("Millionen", 1e6), ("Tsd.", 1e3), ("Milliarden", 1e9)]),
)
def test_scale_words_multiply(n: int, scale: tuple[str, float]) -> None:
    word, factor = scale
    assert parse_german_number(f"{n} {word}") == pytest.approx(n * factor)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)))
def test_amount_display_parses_back(x: float) -> None:
    shown = format_amount(x)
    assert parse_german_number(shown) == pytest.approx(x, abs=0.006)
