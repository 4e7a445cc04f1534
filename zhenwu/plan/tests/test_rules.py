"""The plan's pure rules: curves, the traffic light, freezing and catch-up, forecasts, roll-ups."""

from datetime import date
from decimal import Decimal as D

import pytest

from zhenwu.core.workcalendar import WorkCalendar
from zhenwu.plan import rules
from zhenwu.plan.rules import GREEN, NONE, RED, YELLOW

CAL = WorkCalendar()
YEAR_END = date(2025, 12, 31)


def light(actual, target, expected, as_of=date(2025, 6, 30), deadline=YEAR_END, **kw):
    return rules.status_for(
        actual=D(actual),
        target=D(target),
        expected=D(expected),
        as_of=as_of,
        deadline=deadline,
        calendar=CAL,
        **kw,
    )


# --- curves ----------------------------------------------------------------------------------


class TestExpectedShare:
    def test_linear_counts_calendar_days(self):
        assert rules.expected_share("linear", 2025, date(2025, 1, 1)) == D(1) / 365
        assert rules.expected_share("linear", 2025, date(2025, 7, 2)) == D(183) / 365
        # leap year
        assert rules.expected_share("linear", 2024, date(2024, 12, 30)) == D(365) / 366

    def test_before_and_after_the_year(self):
        for curve in ("linear", "stepped", "custom"):
            assert rules.expected_share(curve, 2025, date(2024, 12, 31)) == 0
            assert rules.expected_share(curve, 2025, date(2025, 12, 31)) == 1
            assert rules.expected_share(curve, 2025, date(2026, 3, 1)) == 1

    def test_stepped_steps_on_the_last_day_of_the_month(self):
        assert rules.expected_share("stepped", 2025, date(2025, 1, 30)) == 0
        assert rules.expected_share("stepped", 2025, date(2025, 1, 31)) == D(1) / 12
        assert rules.expected_share("stepped", 2025, date(2025, 6, 29)) == D(5) / 12
        assert rules.expected_share("stepped", 2025, date(2025, 6, 30)) == D(6) / 12

    def test_custom_interpolates_inside_a_month(self):
        shares = [0, 0, 0, 0, 0, 0, 0, 0, 20, 50, 100, 100]
        assert rules.expected_share("custom", 2025, date(2025, 8, 31), shares) == 0
        assert rules.expected_share("custom", 2025, date(2025, 9, 30), shares) == D("0.2")
        assert rules.expected_share("custom", 2025, date(2025, 10, 1), shares) == D("0.2") + D(
            "0.3"
        ) * D(1) / D(31)
        assert rules.expected_share("custom", 2025, date(2025, 11, 30), shares) == 1

    def test_custom_without_valid_shares_falls_back_to_linear(self):
        assert rules.expected_share("custom", 2025, date(2025, 7, 2), [1, 2]) == D(183) / 365

    @pytest.mark.parametrize(
        "shares,ok",
        [
            ([5 * i for i in range(1, 12)] + [100], True),
            ([10] * 11 + [100], True),
            ([10] * 12, False),  # does not end at 100
            ([50, 40] + [100] * 10, False),  # decreasing
            ([0] * 11, False),  # 11 values
            (["a"] * 12, False),
            ([-1] + [100] * 11, False),
            ("1,2,3", False),
        ],
    )
    def test_validate_shares(self, shares, ok):
        assert (rules.validate_shares(shares) is None) is ok


# --- the traffic light -----------------------------------------------------------------------


class TestLight:
    def test_on_or_ahead_of_curve_is_green(self):
        assert light(50, 100, 50) == GREEN
        assert light(60, 100, 50) == GREEN

    def test_behind_by_less_than_margin_is_yellow(self):
        assert light(41, 100, 50) == YELLOW  # 9 points behind, margin 10

    def test_tie_at_exactly_the_margin_is_red(self):
        assert light(40, 100, 50) == RED  # exactly 10 points behind: "less than" fails
        assert light(D("40.01"), 100, 50) == YELLOW

    def test_margin_is_configurable(self):
        assert light(35, 100, 50, margin=D(20)) == YELLOW
        assert light(45, 100, 50, margin=D(5)) == RED
        assert light(49, 100, 50, margin=D(0)) == RED

    def test_margin_is_in_points_of_the_target(self):
        # 35 signed: 2 behind a 17.4 expectation is 5.7 points → yellow; 4 behind is 11.4 → red
        assert light(D("15.4"), 35, D("17.4")) == YELLOW
        assert light(D("13.4"), 35, D("17.4")) == RED

    def test_overdue_and_not_met_is_red(self):
        assert light(9, 10, 10, as_of=date(2025, 10, 1), deadline=date(2025, 9, 30)) == RED

    def test_met_is_green_even_past_the_deadline(self):
        assert light(10, 10, 10, as_of=date(2026, 1, 5), deadline=YEAR_END) == GREEN

    def test_year_end_outcome(self):
        assert light(34, 35, 35, as_of=date(2026, 1, 1)) == RED
        assert light(36, 35, 35, as_of=date(2026, 1, 1)) == GREEN

    def test_deadline_within_three_working_days_not_met_is_yellow(self):
        # On the curve, but the deadline is close and the target not yet reached.
        assert light(9, 10, 9, as_of=date(2025, 9, 26), deadline=date(2025, 9, 30)) == YELLOW
        # Far from the deadline: green.
        assert light(9, 10, 9, as_of=date(2025, 9, 1), deadline=date(2025, 9, 30)) == GREEN

    def test_due_soon_across_the_national_day_holiday(self):
        # 2025-09-29 (Mon) → workdays 9/30, 10/9, 10/10 (10/1–10/8 are holidays):
        # 10/9 is within 3 working days though 10 calendar days away.
        assert rules.due_soon(date(2025, 9, 29), date(2025, 10, 9), CAL)
        assert rules.due_soon(date(2025, 9, 29), date(2025, 10, 10), CAL)
        assert not rules.due_soon(date(2025, 9, 29), date(2025, 10, 11), CAL)  # 调休 Saturday = 4th
        assert light(9, 10, 9, as_of=date(2025, 9, 29), deadline=date(2025, 10, 9)) == YELLOW
        # With no holiday, 10 calendar days are 8 working days: not due soon.
        assert not rules.due_soon(date(2025, 6, 2), date(2025, 6, 12), CAL)

    def test_due_soon_includes_today_but_not_the_past(self):
        assert rules.due_soon(date(2025, 6, 3), date(2025, 6, 3), CAL)
        assert not rules.due_soon(date(2025, 6, 3), date(2025, 6, 2), CAL)

    def test_target_of_zero_is_defined(self):
        assert light(0, 0, 0) == GREEN
        assert rules.progress_ratio(D(0), D(0)) == 1
        assert rules.gap_points(D(0), D(0), D(0)) == 0
        assert rules.progress_ratio(D(3), D(0), "lte") == 0
        assert light(0, 0, 0, comparison="lte") == GREEN
        assert light(2, 0, 0, comparison="lte") == RED

    def test_ceiling_targets(self):
        assert light(8, 10, 5, comparison="lte") == GREEN
        assert light(D("10.5"), 10, 5, comparison="lte") == YELLOW  # 5% over
        assert light(11, 10, 5, comparison="lte") == RED  # 10% over = margin

    def test_calendar_unconfirmed_year_still_works(self):
        # 2027 is not covered by chinesecalendar: Monday–Friday fallback, flagged unconfirmed.
        assert not CAL.is_confirmed(date(2027, 3, 1))
        assert light(9, 10, 9, as_of=date(2027, 3, 1), deadline=date(2027, 3, 3)) == YELLOW
        assert rules.expected_share("linear", 2027, date(2027, 7, 2)) == D(183) / 365


# --- freezing and catch-up -------------------------------------------------------------------


class TestCatchUp:
    def test_red_stays_red_until_the_gap_is_made_up(self):
        assert rules.apply_catch_up(YELLOW, RED) == RED
        assert rules.apply_catch_up(RED, RED) == RED

    def test_red_turns_yellow_not_green_once_made_up(self):
        assert rules.apply_catch_up(GREEN, RED) == YELLOW

    def test_met_target_is_green_whatever_the_history(self):
        assert rules.apply_catch_up(GREEN, RED, met=True) == GREEN

    def test_no_red_history_keeps_the_raw_colour(self):
        for previous in (None, GREEN, YELLOW, NONE):
            for raw in (GREEN, YELLOW, RED):
                assert rules.apply_catch_up(raw, previous) == raw

    def test_status_for_applies_the_previous_frozen_month(self):
        assert light(60, 100, 50, previous_frozen=RED) == YELLOW
        assert light(45, 100, 50, previous_frozen=RED) == RED
        assert light(45, 100, 50, previous_frozen=YELLOW) == YELLOW
        assert light(100, 100, 50, previous_frozen=RED) == GREEN

    def test_freeze_sequence_chains_month_by_month(self):
        raw = [GREEN, RED, YELLOW, GREEN, GREEN, RED, GREEN]
        assert rules.freeze_sequence(raw) == [GREEN, RED, RED, YELLOW, GREEN, RED, YELLOW]

    def test_months_to_freeze(self):
        assert rules.months_to_freeze(2025, date(2025, 1, 31)) == []
        assert rules.months_to_freeze(2025, date(2025, 2, 1)) == [1]
        assert rules.months_to_freeze(2025, date(2025, 6, 30)) == [1, 2, 3, 4, 5]
        assert rules.months_to_freeze(2025, date(2025, 7, 1)) == [1, 2, 3, 4, 5, 6]
        assert rules.months_to_freeze(2025, date(2026, 5, 1)) == list(range(1, 13))
        assert rules.months_to_freeze(2025, date(2024, 5, 1)) == []
        assert rules.last_frozen_month(2025, date(2025, 1, 15)) is None


# --- forecast and roll-up --------------------------------------------------------------------


class TestForecast:
    def test_pace_relative_to_the_curve(self):
        assert rules.forecast(D(10), D("0.5")) == 20
        assert rules.forecast(D(9), D("0.25")) == 36

    def test_edges(self):
        assert rules.forecast(D(3), D(0)) == 3  # nothing expected yet
        assert rules.forecast(D(33), D(1)) == 33  # year over: the outcome
        assert rules.forecast(D(0), D("0.4")) == 0


class TestRollUp:
    def child(self, progress, time, status, weight=1):
        return rules.Child(D(weight), D(progress), D(time), status)

    def test_weighted(self):
        r = rules.roll_up([self.child("0.5", "0.5", GREEN, 3), self.child("0.1", "0.5", RED, 1)])
        assert r.progress == D("1.6") / 4
        assert r.time_progress == D("0.5")
        assert r.status == RED  # 10 points behind overall = margin
        assert r.counts == {GREEN: 1, YELLOW: 0, RED: 1, NONE: 0}

    def test_overshoot_is_capped_and_a_red_child_caps_the_node_at_yellow(self):
        r = rules.roll_up([self.child("3", "0.5", GREEN), self.child("0.3", "0.5", RED)])
        assert r.progress == D("0.65")
        assert r.status == YELLOW

    def test_weights_change_the_outcome(self):
        heavy_green = rules.roll_up(
            [self.child("0.5", "0.5", GREEN, 9), self.child("0.45", "0.5", YELLOW, 1)]
        )
        assert heavy_green.status == YELLOW  # 0.5 points behind
        all_green = rules.roll_up([self.child("0.5", "0.5", GREEN, 9)])
        assert all_green.status == GREEN

    def test_unjudgeable_children_are_left_out(self):
        r = rules.roll_up([self.child("0", "0.5", NONE), self.child("0.6", "0.5", GREEN)])
        assert r.status == GREEN and r.counts[NONE] == 1
        assert rules.roll_up([self.child("0", "0.5", NONE)]).status == NONE
        assert rules.roll_up([]).status == NONE
        assert rules.roll_up([self.child("0.6", "0.5", GREEN, 0)]).status == NONE
