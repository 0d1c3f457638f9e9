"""How figures are written for people (ledger/numbers.py): a decimal comma in Vietnamese, a point in English, never
an exponent, rounded half up to the places asked for; a percentage spaced in Vietnamese («87,5 %»)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.numbers import number, percent, ratio

FIGURES = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)


def test_fixed_cases_in_both_languages() -> None:
    assert [number(x) for x in (98.5, 3.0, 3, 0.1, 1e-05, 1234567.0, -0.001)] == [
        "98,5", "3", "3", "0,1", "0,00001", "1234567", "-0,001"]
    assert number(98.5, "en") == "98.5" and number(2 / 3, "vi", 2) == "0,67" and number(0.125, "vi", 2) == "0,13"
    assert number(-0.001, "vi", 2) == "0" and number(2.5, "en", 0) == "3"
    assert percent(87.5) == "87,5 %" and percent(87.5, "en") == "87.5%" and percent(100.0) == "100 %"
    assert ratio(7, 8) == "87,5 %" and ratio(7, 8, "en") == "87.5%" and ratio(3, 0) == "—"


@given(FIGURES, st.sampled_from([None, 0, 1, 2, 4]))
def test_a_figure_reads_back_as_the_value_rounded_and_never_in_exponent_form(value: float, places: int | None) -> None:
    vi, en = number(value, "vi", places), number(value, "en", places)
    assert "e" not in en.lower() and "." not in vi and vi == en.replace(".", ",")
    exact = Decimal(repr(value))
    expected = exact if places is None else exact.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert Decimal(en) == expected
    assert not ("." in en and en.endswith("0"))  # no trailing zeros after the point


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_a_ratio_is_the_share_in_hundredths_with_one_decimal(part: int, whole: int) -> None:
    shown = ratio(part, whole, "en")
    assert shown.endswith("%") and abs(float(shown[:-1]) - 100 * part / whole) <= 0.05 + 1e-9
