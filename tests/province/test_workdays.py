"""Working days skip weekends and Vietnam's public holidays: across the 2026 Tết holiday (14–22/02/2026), Giỗ Tổ,
30/4–1/5 and 2/9 with the days moved around them; properties hold for any start and count."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ledger.calendar.workdays import add_working_days, holiday, is_working_day, working_days_between

TET_2026 = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]  # Saturday 14/02 to Sunday 22/02
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 20))
COUNTS = st.integers(min_value=0, max_value=60)


def test_no_day_of_the_2026_tet_holiday_is_a_working_day() -> None:
    assert not any(is_working_day(d) for d in TET_2026)
    assert holiday(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))


def test_ten_working_days_after_a_day_before_tet_lands_in_march() -> None:
    # 11, 12, 13/02 (3); Tết 14–22/02; 23–27/02 (8); 02, 03/03 (10)
    assert add_working_days(date(2026, 2, 10), 10) == date(2026, 3, 3)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_thirty_working_days_after_guidance_in_august_skip_the_national_day() -> None:
    # 31/08 (moved from Saturday 22/08), 01 and 02/09 are holidays: 30 working days after 10/08 end on 24/09.
    assert not any(is_working_day(date(2026, m, d)) for m, d in ((8, 31), (9, 1), (9, 2)))
    assert add_working_days(date(2026, 8, 10), 30) == date(2026, 9, 24)


def test_the_other_public_holidays_of_2026_are_days_off() -> None:
    for day in (date(2026, 1, 1), date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1)):
        assert not is_working_day(day), day


@given(DAYS, COUNTS)
def test_the_result_is_a_working_day_after_the_start(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert end >= start and (n == 0 or end > start)


@given(DAYS, COUNTS)
def test_exactly_n_working_days_lie_between_the_start_and_the_result(start: date, n: int) -> None:
    end = add_working_days(start, n)
    expected = n + (1 if n == 0 and end != start else 0)  # n = 0 moves a day off to the next working day
    assert working_days_between(start, end) == expected
    assert working_days_between(start, end - timedelta(days=1)) == expected - 1 if end > start else True


@given(DAYS, COUNTS, COUNTS)
def test_adding_more_working_days_never_gives_an_earlier_day(start: date, n: int, m: int) -> None:
    low, high = sorted((n, m))
    assert add_working_days(start, low) <= add_working_days(start, high)


@given(DAYS, DAYS, COUNTS)
def test_a_later_start_never_gives_an_earlier_day(a: date, b: date, n: int) -> None:
    first, second = sorted((a, b))
    assert add_working_days(first, n) <= add_working_days(second, n)


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31)),
       st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31)))
def test_the_count_between_two_days_is_the_working_days_walked_one_by_one(start: date, end: date) -> None:
    walked = sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
    assert working_days_between(start, end) == walked
