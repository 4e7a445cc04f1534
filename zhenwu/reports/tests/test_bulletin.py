"""The monthly 通报 from a month of inspections: content, the command and the download."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.inspections import selectors
from zhenwu.inspections.models import Sheet
from zhenwu.inspections.tests.helpers import make_finding, make_round
from zhenwu.reports import documents
from zhenwu.reports.tests.xml import body_text, table_rows


def month_now() -> date:
    return timezone.localdate().replace(day=1)


def inspected_month(world):
    """One round this month: 村1 95 (red flag), 村2 85, 村3 70 (yellow flag); findings in two
    sections. Scores are set on the sheets after the findings (as the rescoring would)."""
    v1, v2, v3 = world.villages
    rnd = make_round(world.town, days_ago=0, seed=7)
    make_finding(world, v3, rnd=rnd, code="C1", count=3)
    make_finding(world, v3, rnd=rnd, code="D1", count=1)
    make_finding(world, v2, rnd=rnd, code="C1", count=2)
    with acting_as(None, Source.SYSTEM):
        for v, score in ((v1, 95), (v2, 85), (v3, 70)):
            sheet = Sheet.objects.filter(round=rnd, village=v).first()
            if sheet is None:
                sheet = Sheet.objects.create(town=world.town, round=rnd, village=v, score=D(score))
            Sheet.objects.filter(pk=sheet.pk).update(score=D(score))
    return rnd


def test_a_month_without_inspections_is_refused(world):
    with pytest.raises(documents.DocumentRefused) as exc:
        documents.bulletin_data(world.town, date(2025, 6, 1))
    assert "没有人居环境整治检查" in str(exc.value) and "2025年6月" in str(exc.value)


@pytest.mark.parametrize("bad", ["2025-13", "2025-00", "25-06", "2025/06", "", "2025-6-1", "junk"])
def test_bad_months_are_refused_in_chinese(bad):
    with pytest.raises(documents.DocumentRefused) as exc:
        documents.parse_month(bad)
    assert "YYYY-MM" in str(exc.value)


def test_months_read():
    assert documents.parse_month("2025-06") == date(2025, 6, 1)
    assert documents.parse_month(" 2025-6 ") == date(2025, 6, 1)
    assert documents.parse_month("2025-12") == date(2025, 12, 1)


def test_the_bulletin_tells_the_month_as_the_ranking_does(world):
    inspected_month(world)
    month = month_now()
    ranking = selectors.monthly_ranking(world.town, month)
    data = documents.bulletin_data(world.town, month)
    content = documents.render_bulletin(
        data, issued_on=date(2025, 7, 3), doc_number="南人居办〔2025〕3号"
    )
    rows = table_rows(content, 0)
    assert rows[0] == ["名次", "村（社区）", "平均得分", "评比结果"]
    assert [r[1] for r in rows[1:]] == [r.village for r in ranking]  # the ranking's order
    assert [r[1] for r in rows[1:]] == ["村1", "村2", "村3"]
    assert rows[1] == ["1", "村1", "95", "红旗"] and rows[3] == ["3", "村3", "70", "黄旗"]
    text = body_text(content)
    ym = f"{month.year}年{month.month}月"
    assert f"关于{ym}人居环境整治检查评比情况的通报" in text.replace("\n", "")
    assert "各村（社区）：" in text and "南人居办〔2025〕3号" in text
    assert "本月共开展检查1轮（暗访1轮）" in text or "本月共开展检查1轮（" in text
    assert "共发现问题3个" in text
    assert "村1获得流动红旗，予以通报表扬。" in text
    assert "村3被挂黄旗，予以通报批评" in text
    assert "一、检查基本情况" in text and "四、整改要求" in text
    assert "南口镇人居环境整治工作领导小组办公室\n2025年7月3日" in text


def test_problems_are_grouped_by_section_with_counts(world):
    inspected_month(world)
    data = documents.bulletin_data(world.town, month_now())
    assert sum(n for _, n, _ in data.problems) == data.findings == 3
    # C1 twice (3 + 2 spots), D1 once: the bigger section first
    assert data.problems[0][1] == 2 and data.problems[0][2] == 5
    text = body_text(documents.render_bulletin(data, issued_on=date(2025, 7, 3), doc_number=None))
    assert f"{data.problems[0][0]}方面：发现问题2个，共5处。" in text


def test_a_round_of_a_later_month_is_not_in_this_months_bulletin(world):
    inspected_month(world)
    with pytest.raises(documents.DocumentRefused):
        documents.bulletin_data(world.town, (month_now() + timedelta(days=40)).replace(day=1))


# --------------------------------------------------------------------------- the command


def test_the_command_writes_the_docx(world, tmp_path, capsys):
    inspected_month(world)
    out = tmp_path / "通报.docx"
    month = month_now()
    call_command(
        "document", "bulletin", "--month", f"{month:%Y-%m}", "-o", str(out),
        "--town", world.town.code, "--date", "2025-07-03", "--number", "南人居办〔2025〕3号",
    )  # fmt: skip
    assert out.read_bytes()[:2] == b"PK"
    assert "2025年7月3日" in body_text(out.read_bytes())
    assert "已生成" in capsys.readouterr().out


def test_the_command_refuses_with_status_1_and_a_chinese_message(world, tmp_path):
    out = tmp_path / "x.docx"
    cases = [
        (["--month", "2025-13"], "月份「2025-13」无效"),
        (["--month", "2025-06"], "没有人居环境整治检查"),
        (["--month", f"{month_now():%Y-%m}", "--number", "南人居办〔2025〕03号"], "不编虚位"),
        (["--month", "2025-06", "--date", "2025-02-30"], "成文日期"),
    ]
    inspected_month(world)
    for args, says in cases:
        with pytest.raises(CommandError) as exc:
            call_command("document", "bulletin", *args, "-o", str(out), "--town", world.town.code)
        assert exc.value.returncode == 1 and says in str(exc.value), (args, str(exc.value))
        assert not out.exists()


def test_several_towns_need_the_town_code(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("document", "bulletin", "--month", "2025-06", "-o", str(tmp_path / "x.docx"))
    assert "--town" in str(exc.value) and world.town.code in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("document", "bulletin", "--month", "2025-06", "-o", "x.docx", "--town", "999")
    assert "找不到" in str(exc.value)


# --------------------------------------------------------------------------- the download


def url(month, **extra):
    query = "&".join(f"{k}={quote(v)}" for k, v in {"month": f"{month:%Y-%m}", **extra}.items())
    return f"/reports/download/bulletin/?{query}"


def test_the_download_for_those_who_read_the_whole_town(world):
    inspected_month(world)
    month = month_now()
    for who in ("leader", "admin", "staff", "staff_nomodule", "inspector"):
        r = world.client(who).get(url(month))
        assert r.status_code == 200, who
        assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
        disposition = r["Content-Disposition"]
        assert disposition.startswith("attachment;")
        name = f"南口镇{month.year}年{month.month}月人居环境整治评比通报.docx"
        assert f"filename*=UTF-8''{quote(name)}" in disposition
        assert f'filename="bulletin-{month:%Y-%m}.docx"' in disposition
        assert r.content[:2] == b"PK"
    viewer = world.client("viewer").get(url(month, town=str(world.town.pk)))
    assert viewer.status_code == 200


def test_the_download_is_not_found_out_of_scope(world):
    inspected_month(world)
    month = month_now()
    assert world.client("village").get(url(month)).status_code == 404
    other = world.client("other_admin").get(url(month, town=str(world.town.pk)))
    assert other.status_code in (404, 422) and b"PK" not in other.content[:2]
    assert world.client("other_admin").get(url(month)).status_code == 422  # their own: empty
    anonymous = world.client(None).get(url(month))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_the_download_refuses_an_empty_month_and_a_bad_number_in_chinese(world):
    r = world.client("leader").get(url(date(2025, 6, 1)))
    assert r.status_code == 422 and "没有人居环境整治检查" in r.content.decode()
    inspected_month(world)
    r = world.client("leader").get(url(month_now(), number="南人居办〔2025〕第3号"))
    assert r.status_code == 422 and "第" in r.content.decode()
    r = world.client("leader").get("/reports/download/bulletin/?month=2025-13")
    assert r.status_code == 422 and "YYYY-MM" in r.content.decode()


def test_the_downloads_write_nothing(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhenwu.plan.tests.factories import make_plan

    inspected_month(world)
    make_plan(world.town, timezone.localdate().year)
    client = world.client("leader")
    client.get("/")  # the session's first save happens on sign-in, not here
    for path in (url(month_now()), f"/reports/download/dispatch/?week={timezone.localdate()}"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, path
        writes = [
            q["sql"][:80]
            for q in ctx.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
        ]
        assert writes == [], path
        assert client.post(path).status_code == 405


def test_the_ranking_page_offers_the_download(world):
    inspected_month(world)
    month = month_now()
    html = world.client("leader").get(f"/inspections/rankings/?month={month:%Y-%m}").content
    assert f"/reports/download/bulletin/?month={month:%Y-%m}".encode() in html
    assert "下载通报（Word）".encode() in html
    html = world.client("village").get(f"/inspections/rankings/?month={month:%Y-%m}").content
    assert b"/reports/download/bulletin/" not in html
