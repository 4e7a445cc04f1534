"""The Gantt chart speaks the product's light words and colours (issue 10 item 13): a project
finished after its deadline is 已完成 in the done colour, never a green light beside a red
短缺N个工作日."""

from django.urls import reverse

from zhenwu.core import lights
from zhenwu.projects.tests.factories import D, make_network, make_project


def test_finished_late_project_is_done_not_green_next_to_red(world):
    p = make_project(world, world.villages[0], deadline=D("2025-06-30"))
    make_network(
        p,
        [("施工", 20, {"actual_start": D("2025-07-01"), "actual_finish": D("2025-08-29")})],
    )
    text = (
        world.client("leader")
        .get(reverse("projects:project_gantt", args=[p.pk]), {"as_of": "2025-09-30"})
        .content.decode()
    )
    summary = text.split('data-testid="gantt-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "已完成，晚于时限" in summary and "短缺" not in summary
    assert 'class="light light-done"' in summary and "light-green" not in summary
    assert 'data-testid="project-light">已完成<' in summary


def test_project_lights_use_the_product_words(world):
    p = make_project(world, world.villages[0], deadline=D("2025-03-31"))
    make_network(p, [("施工", 200)])
    text = (
        world.client("leader")
        .get(reverse("projects:project_gantt", args=[p.pk]), {"as_of": "2025-03-01"})
        .content.decode()
    )
    assert 'data-testid="project-light">红灯<' in text
    assert "滞后" not in text and "预警" not in text
    assert lights.label("red") == "红灯"
