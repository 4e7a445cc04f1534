"""Both documents from the Nankou demo (the 2025 plan as the town lived it)."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.test import Client

from zhenwu.core.models import Town, User, Village
from zhenwu.inspections import selectors
from zhenwu.reports import documents
from zhenwu.reports.tests.xml import body_text, table_rows


def nankou():
    return Town.objects.get(name="南口镇")


def test_the_june_bulletin_of_the_demo(demo_db, db, tmp_path):
    town = nankou()
    out = tmp_path / "通报.docx"
    call_command(
        "document", "bulletin", "--month", "2025-06", "-o", str(out), "--town", town.code,
        "--date", "2025-07-03", "--number", "南人居办〔2025〕6号",
    )  # fmt: skip
    content = out.read_bytes()
    ranking = selectors.monthly_ranking(town, date(2025, 6, 1))
    rows = table_rows(content, 0)
    assert [r[1] for r in rows[1:]] == [r.village for r in ranking]
    assert len(rows) - 1 == Village.objects.filter(town=town).count() == 10
    assert [r[3] for r in rows[1:]] == [r.flag or "—" for r in ranking]
    text = body_text(content)
    assert "南人居办〔2025〕6号" in text and "2025年7月3日" in text
    assert "三、存在的主要问题" in text and "方面：发现问题" in text


def test_the_june_dispatch_of_the_demo(demo_db, db):
    data = documents.dispatch_data(nankou(), date(2025, 6, 18))
    assert data.plan.year == 2025 and data.as_of == date(2025, 6, 22)
    assert sum(data.counts.values()) == len(data.states) > 0
    text = body_text(documents.render_dispatch(data, issued_on=date(2025, 6, 23), doc_number=None))
    for s in data.red:
        assert s.target.name in text
    assert "一、目标任务推进情况" in text and "三、督办事项" in text


def test_the_demo_accounts_at_the_doors(demo_db, db):
    leader, cadre = Client(), Client()
    leader.force_login(User.objects.get(username="leader"))
    cadre.force_login(User.objects.get(username="village1"))
    for path in (
        "/reports/download/bulletin/?month=2025-06",
        "/reports/download/dispatch/?week=2025-06-18",
    ):
        assert leader.get(path).status_code == 200, path
        assert cadre.get(path).status_code == 404, path
