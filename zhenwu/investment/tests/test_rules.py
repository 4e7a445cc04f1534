"""Unit tests of the pure rules (thresholds met exactly, band edges, month boundaries)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from zhenwu.investment import rules


@pytest.mark.parametrize(
    "total, expected",
    [
        (None, False),
        (0, False),
        (Decimal("9999.99"), False),
        (Decimal("10000"), True),
        (10000, True),
        ("10000.00", True),
        (Decimal("10000.01"), True),
        (250000, True),
    ],
)
def test_above_100m_is_met_exactly_at_10000_wan(total, expected):
    assert rules.is_above_100m(total) is expected


@pytest.mark.parametrize(
    "total, band",
    [
        (None, None),
        (Decimal("9999.99"), None),
        (Decimal("10000"), "1–3亿"),
        (Decimal("29999.99"), "1–3亿"),
        (Decimal("30000"), "3–10亿"),
        (Decimal("99999.99"), "3–10亿"),
        (Decimal("100000"), "10–20亿"),
        (Decimal("199999.99"), "10–20亿"),
        (Decimal("200000"), "≥20亿"),
        (Decimal("5000000"), "≥20亿"),
        (12000.5, "1–3亿"),
    ],
)
def test_size_band_edges(total, band):
    assert rules.size_band(total) == band


def test_size_band_bounds_round_trip():
    for label in rules.SIZE_BAND_LABELS:
        low, high = rules.size_band_bounds(label)
        assert rules.size_band(low) == label
        if high is not None:
            assert rules.size_band(high) != label
            assert rules.size_band(high - Decimal("0.01")) == label
    with pytest.raises(KeyError):
        rules.size_band_bounds("5亿")


def test_industrial_and_counting_once():
    assert rules.is_industrial("industrial")
    assert not rules.is_industrial("services")
    assert not rules.is_industrial(None)
    assert rules.counts_as_signing("new")
    assert rules.counts_as_signing("expansion")
    assert not rules.counts_as_signing("capital_increase")


@pytest.mark.parametrize(
    "signed, nature, year, expected",
    [
        (date(2025, 1, 1), "new", 2025, True),
        (date(2025, 12, 31), "new", 2025, True),
        (date(2024, 12, 31), "new", 2025, False),
        (date(2026, 1, 1), "new", 2025, False),
        (date(2025, 6, 1), "capital_increase", 2025, False),
        (None, "new", 2025, False),
    ],
)
def test_newly_signed_in_year(signed, nature, year, expected):
    assert rules.newly_signed_in(signed, nature, year) is expected


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2025, 1, 15), 6, date(2025, 7, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 10), -1, date(2024, 12, 10)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_overdue_start_edges():
    signed = date(2025, 1, 15)
    # exactly six months later: not yet "more than" six months
    assert not rules.is_overdue_start(signed, None, date(2025, 7, 15))
    assert rules.is_overdue_start(signed, None, date(2025, 7, 16))
    # started (by today) clears the flag; a start after today does not count yet
    assert not rules.is_overdue_start(signed, date(2025, 7, 1), date(2025, 12, 1))
    assert rules.is_overdue_start(signed, date(2025, 12, 2), date(2025, 12, 1))
    # not signed, or terminated: never overdue
    assert not rules.is_overdue_start(None, None, date(2030, 1, 1))
    assert not rules.is_overdue_start(signed, None, date(2026, 1, 1), terminated=True)
    # a configurable number of months
    assert rules.is_overdue_start(signed, None, date(2025, 4, 16), months=3)
    assert not rules.is_overdue_start(signed, None, date(2025, 4, 15), months=3)


def test_overdue_start_month_end_signing():
    # signed on 31 Aug: six months later is 28 Feb (clamped); overdue from 1 Mar
    signed = date(2025, 8, 31)
    assert rules.overdue_start_since(signed) == date(2026, 3, 1)
    assert not rules.is_overdue_start(signed, None, date(2026, 2, 28))
    assert rules.is_overdue_start(signed, None, date(2026, 3, 1))


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_overdue_start_cutoff_agrees_with_the_rule(months):
    """The query bound used by the list filter gives exactly the rule's answer."""
    today = date(2025, 1, 1)
    while today < date(2026, 4, 1):
        cutoff = rules.overdue_start_cutoff(today, months)
        for back in range(0, 460, 1):
            signed = today - timedelta(days=back)
            assert (signed < cutoff) == rules.is_overdue_start(signed, None, today, months), (
                today,
                signed,
            )
        today += timedelta(days=17)


def test_days_in_stage():
    assert rules.days_in_stage(None, date(2025, 1, 1)) is None
    assert rules.days_in_stage(date(2025, 1, 1), date(2025, 1, 1)) == 0
    assert rules.days_in_stage(date(2024, 12, 31), date(2025, 3, 1)) == 60
    assert rules.days_in_stage(date(2025, 3, 2), date(2025, 3, 1)) == 0


def test_stale_edges():
    today = date(2025, 6, 30)
    assert not rules.is_stale("signed", date(2025, 5, 31), None, today)  # exactly 30 days
    assert rules.is_stale("signed", date(2025, 5, 30), None, today)  # 31 days
    # no follow-up yet: counted from the day the stage began
    assert rules.is_stale("negotiating", None, date(2025, 5, 1), today)
    assert not rules.is_stale("negotiating", None, date(2025, 6, 1), today)
    # a later follow-up wins over an old stage date
    assert not rules.is_stale("started", date(2025, 6, 29), date(2024, 1, 1), today)
    # finished or terminated projects are never stale
    assert not rules.is_stale("producing", None, date(2020, 1, 1), today)
    assert not rules.is_stale("terminated", None, date(2020, 1, 1), today)
    assert not rules.is_stale("lead", None, None, today)
    assert rules.is_stale("lead", date(2025, 6, 19), None, today, days=10)


def test_follow_up_status():
    today = date(2025, 6, 30)
    assert rules.follow_up_status(None, today) is None
    assert rules.follow_up_status(date(2025, 6, 29), today) == "overdue"
    assert rules.follow_up_status(today, today) == "due"
    assert rules.follow_up_status(date(2025, 7, 1), today) is None


def test_month_start():
    assert rules.month_start(date(2025, 2, 28)) == date(2025, 2, 1)
    assert rules.month_start(date(2025, 12, 1)) == date(2025, 12, 1)
