"""The daily digest on the demo plan (2025 as of 30 June): the board's red targets, the 督办
tasks and the key-project milestones, by the modules' own rules; no personal numbers."""

import re
from datetime import date

import pytest

from zhenwu.core.models import Town
from zhenwu.notices import digest

AS_OF = date(2025, 6, 30)


@pytest.fixture
def town(demo_db, db):
    return Town.objects.order_by("id").first()


def test_digest_counts_agree_with_the_modules_rules(town):
    from zhenwu.plan import rules, selectors
    from zhenwu.plan.models import Plan

    message = digest.build(town, AS_OF, "")
    text = message.markdown
    plan = Plan.objects.get(town=town, year=2025)
    red = [s for s in selectors.evaluate_plan(plan, AS_OF) if s.status == rules.RED]
    if red:
        assert f"**红灯指标（{len(red)}）**" in text
        assert red[0].target.name in text
    overdue, soon = digest.tasks(town, AS_OF)
    milestones = digest.milestones_overdue(town, AS_OF)
    assert red or overdue or soon or milestones, "the demo's June has something to report"
    if milestones:
        assert f"**逾期的重点项目节点（{len(milestones)}）**" in text
    assert "今日无逾期事项" not in text
    assert len(text) <= digest.MAX_CHARS + 40
    assert message.title.startswith(f"{town.name}每日督办提醒")


def test_digest_carries_no_personal_numbers(town):
    text = digest.build(town, AS_OF, "").markdown
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # phone numbers
    assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text)  # resident IDs
