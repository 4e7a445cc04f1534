"""The pure rules: scoring with caps, zeroing items and N/A rescaling; ranks and flags; working
-day deadlines on the platform calendar; recurrence windows; the draw."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from zhenwu.core.workcalendar import WorkCalendar
from zhenwu.inspections import rules
from zhenwu.inspections.rules import Hit, ItemRule

SECTIONS = {"垃圾": D(15), "沟渠": D(15), "公厕": D(5), "其他": D(65)}
ITEMS = {
    "B1": ItemRule("B1", "垃圾", D(1), D(15)),
    "B2": ItemRule("B2", "垃圾", D(15), D(15), zeroes_section=True),
    "F1": ItemRule("F1", "沟渠", D("0.5"), D(4)),
    "G1": ItemRule("G1", "公厕", D(1), D(5)),
    "X1": ItemRule("X1", "其他", D(1), D(65)),
}


def score(hits, na=()):
    return rules.score_sheet(SECTIONS, ITEMS, hits, na)


def test_no_findings_is_full_marks():
    s = score([])
    assert s.score == D(100) and not s.rescaled


def test_deduction_per_occurrence():
    assert score([Hit("B1", 3)]).score == D(97)


def test_item_cap_is_reached_and_no_further():
    # 0.5 × 8 = 4 = the cap; 0.5 × 20 = 10 but the item stops at 4 (扣完为止)
    assert score([Hit("F1", 8)]).score == D(96)
    assert score([Hit("F1", 20)]).score == D(96)
    assert score([Hit("F1", 5), Hit("F1", 5)]).score == D(96)  # two findings share the cap


def test_section_cap_bounds_the_sum_of_its_items():
    s = score([Hit("B1", 14), Hit("B1", 14)])
    assert s.by_section["垃圾"] == D(15) and s.score == D(85)


def test_zeroing_item_takes_the_whole_section_once():
    assert score([Hit("B2", 1)]).score == D(85)
    assert score([Hit("B2", 1), Hit("B1", 5)]).score == D(85)


def test_not_applicable_items_are_left_out_and_rescaled():
    s = score([Hit("X1", 19)], na=["G1"])
    # 95 applicable points, 19 lost → 76/95 = 80
    assert s.rescaled and s.applicable_points == D(95) and s.score == D(80)
    # a hit on an item marked N/A counts for nothing
    assert score([Hit("G1", 5)], na=["G1"]).score == D(100)


def test_everything_not_applicable_is_no_score():
    s = rules.score_sheet({"公厕": D(5)}, {"G1": ITEMS["G1"]}, [], ["G1"])
    assert s.score is None


def test_recurrence_weight_multiplies_but_the_cap_holds():
    assert score([Hit("B1", 2, D(2))]).score == D(96)
    assert score([Hit("F1", 6, D(2))]).score == D(96)  # 0.5×6×2 = 6 → capped at 4
    assert rules.item_deduction(ITEMS["F1"], 3, D("1.5")) == D("2.25")


def test_shared_ranks():
    ranks = rules.shared_ranks({1: D(95), 2: D(90), 3: D(90), 4: D(80), 5: None})
    assert ranks == {1: 1, 2: 2, 3: 2, 4: 4, 5: None}


def test_flags_default_scheme():
    scores = {1: D(96), 2: D(92), 3: D(89), 4: D(91), 5: D(85), 6: D(79), 7: D(70), 8: D(81)}
    rows = {r.unit: r for r in rules.rank_month(scores)}
    # red: ≥ 90 and top 3 (89 is third-best? no: 96, 92, 91 are the top 3)
    assert {u for u, r in rows.items() if r.flag == rules.RED} == {1, 2, 4}
    # yellow: < 80 and bottom 3 (81 is in the bottom 3 but not < 80)
    assert {u for u, r in rows.items() if r.flag == rules.YELLOW} == {6, 7}


def test_red_needs_ninety_even_in_the_top_three():
    rows = {r.unit: r for r in rules.rank_month({1: D(89), 2: D(95)})}
    assert rows[2].flag == rules.RED and rows[1].flag == ""


def test_two_yellows_in_a_row_is_a_talk():
    scores = {1: D(95), 2: D(70), 3: D(93), 4: D(91), 5: D(90)}
    rows = {r.unit: r for r in rules.rank_month(scores, previous_flags={2: rules.YELLOW})}
    assert rows[2].flag == rules.YELLOW and rows[2].talk
    rows = {r.unit: r for r in rules.rank_month(scores, previous_flags={2: rules.RED})}
    assert not rows[2].talk


def test_not_inspected_is_never_zero_nor_hundred():
    rows = {r.unit: r for r in rules.rank_month({1: D(100), 2: None, 3: D(60)})}
    assert rows[2].flag == rules.NOT_INSPECTED and rows[2].rank is None and rows[2].score is None
    assert rows[3].rank == 2  # the uninspected unit takes no rank


def test_ties_at_the_bottom_share_the_yellow():
    scores = {1: D(95), 2: D(94), 3: D(93), 4: D(92), 5: D(70), 6: D(70)}
    rows = {r.unit: r for r in rules.rank_month(scores)}
    assert rows[5].flag == rows[6].flag == rules.YELLOW and rows[5].rank == rows[6].rank == 5


def test_red_black_scheme():
    scheme = rules.FlagScheme(kind=rules.RED_BLACK, red_list=2, black_list=1)
    rows = {r.unit: r for r in rules.rank_month({1: D(99), 2: D(98), 3: D(80), 4: D(60)}, scheme)}
    assert [rows[u].flag for u in (1, 2, 3, 4)] == [
        rules.RED_LIST,
        rules.RED_LIST,
        "",
        rules.BLACK_LIST,
    ]


CAL = WorkCalendar()


@pytest.mark.parametrize(
    "found, days, deadline",
    [
        (date(2025, 3, 7), 3, date(2025, 3, 12)),  # Friday + 3 working days → Wednesday
        (date(2025, 3, 8), 3, date(2025, 3, 12)),  # Saturday: the day itself never counts
        (date(2025, 3, 5), 0, date(2025, 3, 5)),  # immediate: the same working day
        (date(2025, 3, 8), 0, date(2025, 3, 10)),  # immediate on a Saturday → Monday
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # 国庆 10/1–8 off; Sat 10/11 is worked
        (date(2026, 2, 13), 7, date(2026, 3, 2)),  # 春节 2/15–23 off; Sat 2/14, 2/28 worked
    ],
)
def test_rectification_deadline_in_working_days(found, days, deadline):
    assert rules.rectification_deadline(found, days, CAL) == deadline


def test_negative_deadline_is_refused():
    with pytest.raises(ValueError):
        rules.rectification_deadline(date(2025, 3, 5), -1, CAL)


@pytest.mark.parametrize(
    "accepted, found, window, expected",
    [
        (date(2025, 3, 1), date(2025, 3, 1), 30, True),  # the same day
        (date(2025, 3, 1), date(2025, 3, 31), 30, True),  # the last day of the window
        (date(2025, 3, 1), date(2025, 4, 1), 30, False),  # one day past it
        (date(2025, 3, 10), date(2025, 3, 1), 30, False),  # found before the acceptance
        (None, date(2025, 3, 1), 30, False),  # never accepted: still the same order
    ],
)
def test_recurrence_window(accepted, found, window, expected):
    assert rules.is_recurrence(accepted, found, window) is expected


def test_draw_puts_units_short_of_visits_first_and_avoids_last_spots():
    spots = {1: [11, 12, 13], 2: [21, 22], 3: [31], 4: [41, 42]}
    for seed in range(20):
        out = rules.draw(
            spots,
            units_per_round=2,
            spots_per_unit=2,
            visits_this_month={1: 1, 3: 2},
            min_visits=1,
            last_spots={2: [21], 4: [41, 42]},
            rng=random.Random(seed),
        )
        assert set(out) == {2, 4}  # the two without a visit this month
        assert 21 in out[2] and 22 in out[2]  # only two spots: the old one must be reused
        assert sorted(out[4]) == [41, 42]
    one = rules.draw(
        {1: [11, 12, 13]}, units_per_round=1, spots_per_unit=1, visits_this_month={},
        min_visits=1, last_spots={1: [11]}, rng=random.Random(3),
    )  # fmt: skip
    assert one[1] != [11]


def test_photo_flags():
    start = datetime(2025, 3, 5, 8, 30)
    assert rules.photo_flags(
        taken_at=start + timedelta(minutes=10), round_start=start,
        position=(29.7, 112.35), spot_position=(29.7001, 112.3501),
    ) == []  # fmt: skip
    flags = rules.photo_flags(
        taken_at=start - timedelta(days=1), round_start=start,
        position=(29.7, 112.35), spot_position=(29.72, 112.35),
    )  # fmt: skip
    assert flags[0].startswith("照片拍摄时间早于") and "米" in flags[1]
