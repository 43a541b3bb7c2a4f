"""German numbers as council papers write them, turned into floats.

``38,5`` (decimal comma), ``3.000.000`` (thousands dots), ``14.570.389``,
``2,5 Mio.``, ``drei Millionen``, ``60,83 Millionen`` and ``zwölf`` all occur;
a figure is only worth storing when its value is exact, so anything ambiguous
(``1.5``, ``1,234,5``) is refused rather than guessed. Digits with a leading
zero (``01067``, a postcode; ``05185``, a paper number) are codes, not numbers.
"""

from __future__ import annotations

import re

_ONES = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einer": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
    "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
    "achtzig": 80, "neunzig": 90, "hundert": 100, "einhundert": 100, "tausend": 1000,
    "eintausend": 1000,
}  # fmt: skip
NUMBER_WORDS = frozenset(_ONES) - {"null", "ein", "eine", "einen", "einer"}

SCALES = {
    "tsd": 1e3, "tsd.": 1e3, "tausend": 1e3, "t": 1e3,
    "mio": 1e6, "mio.": 1e6, "million": 1e6, "millionen": 1e6,
    "mrd": 1e9, "mrd.": 1e9, "milliarde": 1e9, "milliarden": 1e9,
}  # fmt: skip

_DIGITS_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_CODE_RE = re.compile(r"^0\d")  # "01067": a postcode or code, never the number 1.067
_SPACED_RE = re.compile(r"^\d{1,3}(?:[ \u202f\u00a0]\d{3})+(?:,\d+)?$")

# A number in running text: German digits or a number word; the scale is separate.
NUMBER_PATTERN = (
    r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|"
    + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
    + r")"
)
SCALE_PATTERN = r"(?:Tsd\.?|Tausend|Mio\.?|Millionen|Million|Mrd\.?|Milliarden|Milliarde)"


def parse_german_number(text: str) -> float | None:
    """The value of one German-written number (digits or word), or None if not exact.

    >>> parse_german_number("38,5"), parse_german_number("3.000.000")
    (38.5, 3000000.0)
    >>> parse_german_number("drei Millionen"), parse_german_number("60,83 Mio.")
    (3000000.0, 60830000.0)
    """
    parts = text.strip().split()
    if not parts:
        return None
    scale = 1.0
    if len(parts) >= 2 and parts[-1].lower() in SCALES:
        scale = SCALES[parts[-1].lower()]
        parts = parts[:-1]
    if not parts:
        return None
    body = " ".join(parts)
    word = _ONES.get(body.lower())
    if word is not None:
        return float(word) * scale
    if _SPACED_RE.match(body):
        body = re.sub(r"[ \u202f\u00a0]", ".", body)
    if not _DIGITS_RE.match(body):
        return None
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    if _CODE_RE.match(body):
        return None
    whole, _, frac = body.partition(",")
    value = float(whole.replace(".", "") + ("." + frac if frac else ""))
    return round(sign * value * scale, 6)


def format_german_number(value: float, decimals: int | None = None) -> str:
    """``3000000.0`` -> ``3.000.000``; ``38.5`` -> ``38,5`` (for display and tests)."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else len(repr(float(value)).split(".")[1])
        decimals = min(decimals, 6)
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if value < 0 else "") + text


def format_amount(value: float) -> str:
    """Large amounts in words of scale: ``3000000`` -> ``3 Mio.``, else German digits."""
    millions = round(value / 1e6, 2)
    if abs(value) >= 1e6 and abs(millions * 1e6 - value) < 0.5:
        return format_german_number(millions, 0 if millions.is_integer() else None) + " Mio."
    return format_german_number(round(value, 2), None if value % 1 else 0)
