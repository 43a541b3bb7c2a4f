"""A Beratungsfolge row run together with the text after it keeps a short duty."""

from __future__ import annotations

from index.facts.decisions import MAX_KIND_CHARS, _duty


def test_a_duty_column_stays_one_cell_when_the_row_runs_on() -> None:
    assert _duty(["Kenntnisnahme"]) == "Kenntnisnahme"
    run_on = ["Kenntnisnahme 1. Wie viele Hunde wurden im Tierheim aufgenommen? " * 3]
    duty = _duty(run_on)
    assert duty is not None and len(duty) <= MAX_KIND_CHARS
    assert _duty(["Kenntnisnahme", "x" * 80]) == "Kenntnisnahme"
    assert _duty([]) is None
