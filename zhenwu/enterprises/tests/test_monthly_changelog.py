"""The monthly-figures import's change log: one entry per firm and import (pseudo-field
``monthly_figures``) holding the months created and changed; nothing for a dry run or a
failed import. Also the column-wise reader against the row-wise one (footers, blank rows)."""

from decimal import Decimal

from django.template.loader import render_to_string

from zhenwu.core.models import ObjectChange
from zhenwu.enterprises.ledgers import MonthlyFigureLedger
from zhenwu.enterprises.models import MonthlyFigure
from zhenwu.enterprises.tests.helpers import make_enterprise, uscc
from zhenwu.enterprises.tests.test_import import FIG, run


def _entries(firm=None):
    qs = ObjectChange.objects.filter(
        content_type__model="enterprise", changed_fields=["monthly_figures"]
    ).order_by("id")
    return qs.filter(object_id=firm.pk) if firm else qs


def test_one_entry_per_firm_with_created_and_changed_months(world):
    a = make_enterprise(world, uscc=uscc(701), name="日志甲")
    b = make_enterprise(world, uscc=uscc(702), name="日志乙")
    rows = [
        FIG,
        [uscc(701), "2025-01", 120, 118, 30, 3.5],
        [uscc(701), "2025-02", 130, 128, 31, 3.6],
        [uscc(702), "2025-01", 80, 75, 12, 2],
    ]
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok and report.created == 3, [e.as_dict() for e in report.errors]
    (entry,) = _entries(a)
    assert entry.action == "update" and entry.source == "import"
    assert entry.user == world.users["staff"] and entry.village_id == a.village_id
    assert entry.before is None
    assert entry.after == {
        "monthly_figures": {
            "2025-01": {"revenue": "120", "main_revenue": "118", "employees": 30, "taxes": "3.50"},
            "2025-02": {"revenue": "130", "main_revenue": "128", "employees": 31, "taxes": "3.60"},
        }
    }
    assert _entries(b).count() == 1 and _entries().count() == 2
    assert not ObjectChange.objects.filter(content_type__model="monthlyfigure").exists()
    ((label, _, summary),) = entry.field_diffs()
    assert label == "月度经营数据" and summary == "新增 2 个月的数据（2025-01、2025-02）"

    # re-import: one month changed, one unchanged, one new → one more entry for firm a only
    rows = [
        FIG,
        [uscc(701), "2025-01", 125, 118, 30, 3.5],
        [uscc(701), "2025-03", 140, 138, 32, 3.7],
        [uscc(702), "2025-01", 80, 75, 12, 2],
    ]
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok and (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert _entries(b).count() == 1
    _, second = _entries(a)
    assert second.before == {"monthly_figures": {"2025-01": {"revenue": "120"}}}
    assert second.after["monthly_figures"]["2025-01"] == {"revenue": "125"}
    assert second.after["monthly_figures"]["2025-03"]["revenue"] == "140"
    assert (
        second.field_diffs()[0][2] == "新增 1 个月的数据（2025-03）；修改 1 个月的数据（2025-01）"
    )
    jan = MonthlyFigure.objects.get(enterprise=a, month="2025-01-01")
    assert jan.revenue == Decimal("125") and jan.version == 2
    # the enterprise's change log card shows the summary, not the JSON
    html = render_to_string("core/partials/change_item.html", {"c": second})
    assert "月度经营数据：新增 1 个月的数据（2025-03）" in html and "{" not in html


def test_dry_run_and_failed_import_log_nothing(world):
    make_enterprise(world, uscc=uscc(703), name="日志丙")
    rows = [FIG, [uscc(703), "2025-01", 120, 118, 30, 3.5]]
    before = ObjectChange.objects.count()
    report = run(MonthlyFigureLedger, rows, world, dry_run=True)
    assert report.ok and report.created == 1
    assert ObjectChange.objects.count() == before and not MonthlyFigure.objects.exists()
    bad = [*rows, [uscc(703), "2025-02", "一百块钱", 118, 30, 3.5]]
    report = run(MonthlyFigureLedger, bad, world)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "营业收入")]
    assert ObjectChange.objects.count() == before and not MonthlyFigure.objects.exists()
    # a changed month in a failed import is not written either
    assert run(MonthlyFigureLedger, rows, world).ok
    logged = ObjectChange.objects.count()
    bad = [FIG, [uscc(703), "2025-01", 999, 118, 30, 3.5], ["没有这家", "2025-01", 1, 1, 1, 1]]
    assert not run(MonthlyFigureLedger, bad, world).ok
    assert ObjectChange.objects.count() == logged
    assert MonthlyFigure.objects.get().revenue == 120


def test_rows_read_as_the_row_reader_does(world):
    """Footers, subtotal rows, blank rows and an unrecognised 序号 column: the same rows
    (and row numbers in errors) whichever reader path is taken."""
    make_enterprise(world, uscc=uscc(704), name="读表甲")
    make_enterprise(world, uscc=uscc(705), name="读表乙")
    head = ["序号", *FIG]
    rows = [
        head,
        [1, uscc(704), "2025-01", 120, 118, 30, 3.5],
        [None, None, None, None, None, None, None],
        [2, uscc(705), "2025-01", "80万", 75, 12, 2],
        ["小计", None, None, 200, None, None, None],
        [3, uscc(705), "2025-13", 1, 1, 1, 1],
        ["合计", None, None, 201, None, None, None],
        [None, "填表人：张三", None, None, None, None, None],
    ]
    report = run(MonthlyFigureLedger, rows, world)
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(6, "月份")]
    del rows[5]
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok and report.created == 2, [e.as_dict() for e in report.errors]
    # the plain layout (column-wise path) reports the same row numbers
    rows = [head, [1, uscc(704), "2025-02", 1, 1, 1, 1], [2, uscc(705), "2025-13", 1, 1, 1, 1]]
    report = run(MonthlyFigureLedger, rows, world, title="南口镇企业月度经营数据")
    assert [(e.row, e.column) for e in report.errors] == [(4, "月份")]


def test_boolean_cells_are_not_numbers(world):
    make_enterprise(world, uscc=uscc(706), name="布尔")
    rows = [FIG, [uscc(706), "2025-01", 1, 1, True, 1], [uscc(706), "2025-02", 1, 1, 1, 1]]
    report = run(MonthlyFigureLedger, rows, world)
    assert [(e.row, e.column) for e in report.errors] == [(2, "从业人员")]
