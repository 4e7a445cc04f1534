"""Excel ledgers of the plan.

- Targets (`zhenwu import targets FILE` / export): the year's 目标指标 in one sheet. Rows match
  on (计划年度, 板块, 举措, 指标) within the user's scope; a new row creates a target under an
  existing measure (found by theme + measure names in that year's plan). Indicator keys are
  checked against the registry, indicator parameters must be a JSON object.
- Manual progress reports (`zhenwu import reports FILE` / export): departments that keep their
  progress in a spreadsheet report a whole month in one upload. Rows match on (指标, 填报日期).

Either way, re-importing an export changes nothing."""

from __future__ import annotations

import json
import re

from zhenwu.core import scoping
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.plan import rules
from zhenwu.plan.indicators import all_indicators, get_indicator
from zhenwu.plan.models import Measure, ProgressReport, Target

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


PARAMS_HINT = '指标参数应为 JSON 对象，如 {"category": "key"}'


def _params_text(target: Target) -> str:
    params = target.indicator_params or {}
    return json.dumps(params, ensure_ascii=False, sort_keys=True) if params else ""


# Columns that locate the target's measure: resolved together per row, never set on the target.
_LOCATION = ("plan_year", "theme")
# Cells left empty keep the stored value (or the model default on a new target).
_KEEP_WHEN_EMPTY = ("comparison", "weight", "curve", "curve_shares", "yellow_margin")
_TEXT_FIELDS = ("unit", "indicator_key")


@register_ledger
class TargetLedger(Ledger):
    key = "targets"
    model = Target
    title = "目标指标台账"
    match_on = ("measure", "name")  # the measure stands for (计划年度, 板块, 举措)
    columns = [
        Column(
            "plan_year",
            "计划年度",
            kind="int",
            required=True,
            export=lambda t: t.measure.theme.plan.year,
            synonyms=("年度", "年份", "计划年份"),
        ),
        Column(
            "theme",
            "板块",
            required=True,
            export=lambda t: t.measure.theme.name,
            synonyms=("工作板块", "所属板块"),
        ),
        Column(
            "measure",
            "举措",
            required=True,
            export=lambda t: t.measure.name,
            synonyms=("工作举措", "所属举措", "重点举措"),
            help_text="须是该年度计划中该板块下已有的举措",
        ),
        Column("name", "指标", required=True, synonyms=("指标名称", "目标指标", "任务指标")),
        Column("unit", "单位", synonyms=("计量单位",)),
        Column(
            "target_value",
            "目标值",
            kind="decimal",
            required=True,
            synonyms=("目标", "年度目标", "目标任务"),
        ),
        Column("comparison", "比较方式", kind="choice", synonyms=("比较",)),
        Column(
            "indicator_key",
            "计算指标",
            synonyms=("指标代码", "计算指标代码"),
            help_text="留空表示手工填报进度；否则填写已注册的指标代码，如 investment.signed_count",
        ),
        Column(
            "indicator_params",
            "指标参数",
            export=_params_text,
            synonyms=("指标参数（JSON）", "参数"),
            help_text='JSON 对象，如 {"category": "key"}；可留空',
        ),
        Column("weight", "权重", kind="decimal"),
        Column("leader", "包保领导", kind="fk", synonyms=("责任领导", "联系领导")),
        Column("department", "责任部门", kind="fk", synonyms=("责任单位", "牵头单位")),
        Column("curve", "进度曲线", kind="choice", synonyms=("曲线", "曲线类型")),
        Column(
            "curve_shares",
            "月度累计进度（%）",
            export=lambda t: rules.shares_text(t.curve_shares),
            synonyms=("自定义曲线", "月度累计进度"),
            help_text="自定义曲线：12个月末累计百分比，用逗号分隔，如 5,10,…,100；其他曲线留空",
        ),
        Column("deadline", "完成时限", kind="date", synonyms=("时限", "截止日期")),
        Column(
            "yellow_margin",
            "黄灯容差（百分点）",
            kind="decimal",
            synonyms=("黄灯容差", "容差"),
        ),
    ]

    def queryset(self, user, action=scoping.VIEW):
        return (
            super()
            .queryset(user, action)
            .select_related("measure__theme__plan", "leader", "department")
        )

    def export_rows(self, queryset, user):
        return super().export_rows(
            queryset.select_related("measure__theme__plan", "leader", "department"), user
        )

    def convert(self, c, value, user, report, row_no):
        if c.key == "indicator_key":
            if get_indicator(value) is None:
                known = "、".join(i.key for i in all_indicators()[:8])
                raise p.CellError(
                    f"计算指标「{value}」未注册（所属模块可能未安装）；可用的如：{known}"
                )
            return value
        if c.key == "curve_shares":
            try:
                return rules.parse_shares(value)
            except ValueError as exc:
                raise p.CellError(str(exc)) from None
        if c.key == "indicator_params":
            try:
                params = json.loads(value)
            except ValueError:
                raise p.CellError(f"指标参数「{value}」不是有效的 JSON。{PARAMS_HINT}") from None
            if not isinstance(params, dict):
                raise p.CellError(f"指标参数「{value}」不是 JSON 对象。{PARAMS_HINT}")
            return params
        return super().convert(c, value, user, report, row_no)

    def existing_by_key(self, user) -> dict:
        return {
            (t.measure_id, t.name.strip()): t
            for t in scoping.restrict(Target.objects.all(), user, scoping.VIEW)
        }

    def _measures(self, user) -> dict[tuple, list[Measure]]:
        index: dict[tuple, list[Measure]] = {}
        measures = scoping.restrict(Measure.objects.select_related("theme__plan"), user)
        for m in measures:
            key = (m.theme.plan.year, m.theme.name.strip(), m.name.strip())
            index.setdefault(key, []).append(m)
        return index

    def plan_writes(self, parsed, user, report):
        measures = self._measures(user)
        label = self._column("measure").label
        resolved = []
        for row_no, values in parsed:
            year, theme = (values.pop(k, None) for k in _LOCATION)
            name = values.get("measure")
            found = measures.get((year, (theme or "").strip(), (name or "").strip()), [])
            if not found:
                report.error(
                    row_no,
                    label,
                    f"{year}年计划中找不到板块「{theme}」下的举措「{name}」"
                    "（请先在计划中建立该举措，或检查年度、板块名称）",
                )
                continue
            if len(found) > 1:
                plans = "、".join(str(m.theme.plan) for m in found)
                report.error(
                    row_no, label, f"板块「{theme}」下的举措「{name}」在多个计划中都有：{plans}"
                )
                continue
            values["measure"] = found[0]
            for key in _KEEP_WHEN_EMPTY:
                if key in values and values[key] is None:
                    del values[key]
            for key in _TEXT_FIELDS:
                if key in values and values[key] is None:
                    values[key] = ""
            if "indicator_params" in values and values["indicator_params"] is None:
                values["indicator_params"] = {}
            resolved.append((row_no, values))
        return super().plan_writes(resolved, user, report)
