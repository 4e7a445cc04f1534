"""Key projects journey: open a project's Gantt as of a day in 2025, move a milestone's actual
finish later, and watch the forecast finish and the critical path change; the wall chart; a
village cadre on a phone."""

import pytest

pytestmark = pytest.mark.e2e

AS_OF = "2025-07-31"


def _row(page, name):
    return page.locator(f'[data-testid=gantt-row][data-milestone="{name}"]')


def test_gantt_moves_with_an_actual_finish(session):
    from zhenwu.projects.models import Project

    page = session.page
    session.login("xiangmu")
    project = Project.objects.get(name="光大管道")

    # From the list to the project, then its Gantt chart.
    session.goto("/projects/")
    page.click("[data-testid=object-table] >> text=光大管道")
    page.wait_for_selector("[data-testid=project-schedule]")
    page.click("[data-testid=gantt-link]")
    page.wait_for_selector("[data-testid=gantt]")

    # Replay the year as of the end of July 2025.
    session.goto(f"/projects/{project.pk}/gantt/?as_of={AS_OF}")
    page.wait_for_selector("[data-testid=gantt]")
    before = page.inner_text("[data-testid=forecast-finish]")
    assert before == "2025-10-20"
    assert _row(page, "主体施工").get_attribute("data-critical") == "true"
    assert _row(page, "设备采购").get_attribute("data-light") == "done"
    assert "主体施工" in page.inner_text("[data-testid=critical-path]")
    assert page.locator('[data-makeup="2025-09-28"]').count() == 1  # 国庆调休上班日
    assert page.locator("[data-testid=gantt-today]").is_visible()
    assert page.locator("[data-print]").count() == 1
    session.shot("gantt")

    # The equipment arrived later than recorded: move its actual finish to 07-31.
    _row(page, "设备采购").locator(".g-label a").click()
    page.wait_for_selector("#id_actual_finish")
    page.fill("#id_actual_finish", AS_OF)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=object-title]")

    session.goto(f"/projects/{project.pk}/gantt/?as_of={AS_OF}")
    page.wait_for_selector("[data-testid=gantt]")
    after = page.inner_text("[data-testid=forecast-finish]")
    assert after > before  # ISO dates compare as text
    assert after == "2025-11-12"
    assert _row(page, "主体施工").get_attribute("data-critical") == "false"
    assert _row(page, "设备安装").get_attribute("data-critical") == "true"
    assert "主体施工" not in page.inner_text("[data-testid=critical-path]")


def test_wall_chart_and_sanwei(session):
    page = session.page
    session.login("leader")
    session.goto("/projects/gantt/")
    page.wait_for_selector("[data-testid=wall-gantt]")
    rows = page.locator("[data-testid=wall-row]")
    assert rows.count() == 10
    station = page.locator('[data-testid=wall-row][data-project="南口加油站"]')
    assert station.get_attribute("data-light") == "red"
    assert "短缺" in station.inner_text()
    session.shot("projects-wall")
    session.goto("/projects/sanwei/")
    assert "南口加油站" in page.inner_text("[data-testid=sanwei-building_not_finished]")


def test_village_cadre_sees_own_projects_on_a_phone(phone):
    phone.login("village5")  # 示例五村: 南口加油站
    phone.goto("/projects/")
    table = phone.page.inner_text("[data-testid=object-cards]")  # cards on a phone
    assert "南口加油站" in table and "光大管道" not in table
    phone.goto("/projects/gantt/")
    assert phone.page.locator("[data-testid=wall-row]").count() == 1
    assert phone.page.locator("button[aria-controls=sidebar]").is_visible()


def test_farmland_section_reads_on_a_phone(phone):
    """The 2025 高标准农田 project's page and edit form fit a 390 px screen (domain-rules §6)."""
    from django.urls import reverse

    from zhenwu.projects.models import Project

    project = Project.objects.get(name="2025年高标准农田建设项目")
    detail = reverse("projects:project_detail", args=[project.pk])
    phone.login("xiangmu")  # 项目办: edits the projects module
    for path in (detail, reverse("projects:project_edit", args=[project.pk])):
        assert phone.goto(path).status == 200, path
        phone.page.wait_for_load_state("networkidle")
        overflow = phone.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    phone.goto(detail)
    section = phone.page.inner_text("[data-testid=farmland-section]")
    assert "竣工验收" in section and "已入库" in section and "田块整治" in section
    assert phone.page.locator("[data-testid=farmland-works]").is_visible()
