"""Detail pages put the state and the next action first, the record's fields after (issue 10
item 7): the investment stage move, the task's actions and the target's progress come before
the table of fields."""

from datetime import date

from zhenwu.investment.tests.factories import make_investment
from zhenwu.plan.tests.factories import assigned_task, make_target


def _before(html: str, first: str, then: str = 'data-testid="detail-fields"'):
    assert first in html and then in html
    assert html.index(first) < html.index(then), f"{first} should come before {then}"


def test_investment_stage_move_comes_before_the_fields(world):
    inv = make_investment(
        world, stage="negotiating", signed_on=None, negotiating_on=date(2025, 2, 1)
    )
    html = world.client("admin").get(f"/investment/investments/{inv.pk}/").content.decode()
    _before(html, "stage-move-form")


def test_task_actions_come_before_the_fields(world):
    task = assigned_task(world)
    html = world.client("staff").get(f"/plan/tasks/{task.pk}/").content.decode()
    _before(html, 'data-testid="task-sign"')


def test_target_progress_and_report_button_come_before_its_settings(world):
    t = make_target(world.town, leader=world.users["admin"])
    html = world.client("admin").get(f"/plan/targets/{t.pk}/").content.decode()
    _before(html, 'data-testid="target-state"')
    _before(html, 'data-testid="add-report"')
