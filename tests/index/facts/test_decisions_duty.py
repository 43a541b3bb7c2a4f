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


def test_a_karlsruhe_vote_is_quoted_with_the_decision_it_is_on() -> None:
    from index.facts import result_steps

    text = (
        "TOP 10 KA-WLAN\n\nBeschluss: \n 1.  Der Gemeinderat beschließt, das Projekt KA-WLAN mit "
        "einem Zuschuss in Höhe von \n 100.000 Euro zu fördern. \n\n\n"
        "Abstimmungsergebnis: \nEinstimmige Zustimmung  \n"
    )
    (step,) = result_steps(text, gremium="Gemeinderat", date=None, top="10")
    quoted = " ".join(text[step.start : step.end].split())
    assert quoted.startswith("Beschluss: 1. Der Gemeinderat beschließt")
    assert quoted.endswith("Abstimmungsergebnis: Einstimmige Zustimmung")
    long_text = text.replace("zu fördern.", "zu fördern. " + "Weiter so. " * 100)
    (step,) = result_steps(long_text, gremium="Gemeinderat", date=None, top="10")
    assert long_text[step.start :].startswith("Abstimmungsergebnis")
