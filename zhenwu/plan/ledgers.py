"""Excel ledger of manual progress reports (`zhenwu import reports FILE` / export): departments
that keep their progress in a spreadsheet report a whole month in one upload. Rows match on
(指标, 填报日期), so re-importing an export changes nothing."""

from __future__ import annotations

import re

from zhenwu.core import scoping
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.plan.models import ProgressReport, Target

_YEAR_PREFIX = re.compile(r"^\s*(\d{4})\s*年?\s*[·・\s]\s*(.+)$")


def target_label(target: Target) -> str:
    return f"{target.measure.theme.plan.year}年 · {target.name}"


def lookup_target(ledger, column, user, text: str) -> Target:
    """「2025年 · 指标名」 or just 「指标名」 when only one manual target has that name."""
    qs = scoping.restrict(
        Target.objects.filter(indicator_key="").select_related("measure__theme__plan"), user
    )
    match = _YEAR_PREFIX.match(text)
    name, year = (match.group(2).strip(), int(match.group(1))) if match else (text.strip(), None)
    found = qs.filter(name=name)
    if year is not None:
        found = found.filter(measure__theme__plan__year=year)
    found = list(found[:5])
    if len(found) == 1:
        return found[0]
    if not found:
        computed = Target.objects.filter(name=name).exclude(indicator_key="").exists()
        if computed:
            raise p.CellError(f"指标「{name}」由业务台账自动计算，不能手工填报")
        raise p.CellError(f"找不到手工填报的指标「{text}」")
    years = "、".join(sorted({f"{t.measure.theme.plan.year}年" for t in found}))
    raise p.CellError(f"有多个同名指标「{name}」（{years}），请写成「2025年 · {name}」的形式")


@register_ledger
class ProgressReportLedger(Ledger):
    key = "reports"
    model = ProgressReport
    title = "指标进度填报"
    match_on = ("target", "date")
    columns = [
        Column(
            "target",
            "指标",
            kind="fk",
            required=True,
            lookup=lookup_target,
            export=lambda report: target_label(report.target),
            synonyms=("指标名称", "目标指标", "任务指标"),
            help_text="写「2025年 · 指标名」；只有一个同名指标时可只写指标名",
        ),
        Column("date", "填报日期", kind="date", required=True, synonyms=("日期", "截至日期")),
        Column(
            "value",
            "累计完成值",
            kind="decimal",
            required=True,
            synonyms=("累计完成", "完成值", "完成数", "累计"),
            help_text="截至填报日期的累计值（不是本期增量）",
        ),
        Column("note", "进展说明", synonyms=("说明", "备注", "进展情况")),
    ]

    def queryset(self, user, action=scoping.VIEW):
        return super().queryset(user, action).select_related("target__measure__theme__plan")

    def validate(self, obj, values, user):
        if obj.pk is None and obj.reported_by_id is None:
            obj.reported_by = user
        super().validate(obj, values, user)
