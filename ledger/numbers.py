"""How figures are written for people: a decimal comma in Vietnamese («87,5 %»), a decimal point in English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def number(value: float, lang: str = "vi", places: int | None = None) -> str:
    """``value`` as text: rounded half up to ``places`` decimals (trailing zeros dropped), or with every decimal it
    has when ``places`` is None; never in exponent form. 98.5 → «98,5» (vi), "98.5" (en); 3.0 → "3"."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"not a number: {value!r}")
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    if places is not None:
        exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(exact, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "vi" else text


def percent(value: float, lang: str = "vi", places: int = 1) -> str:
    """A percentage (``value`` out of 100): «87,5 %» in Vietnamese (a space before the sign), "87.5%" in English."""
    shown = number(value, lang, places)
    return f"{shown} %" if lang == "vi" else f"{shown}%"


def ratio(part: float, whole: float, lang: str = "vi", places: int = 1) -> str:
    """``part`` of ``whole`` as a percentage; "—" when ``whole`` is zero (nothing to compare with)."""
    return percent(100 * part / whole, lang, places) if whole else "—"
