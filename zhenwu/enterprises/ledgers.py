"""Excel ledgers: the enterprise register (`zhenwu import enterprises`) and the monthly
figures (`zhenwu import monthly-figures`), both through the one bulk write path (core.bulk)."""

from __future__ import annotations

from decimal import Decimal

from zhenwu.core import scoping
from zhenwu.core.actor import current_actor
from zhenwu.core.bulk import bulk_save
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code
from zhenwu.enterprises.models import (
    ChecklistItem,
    Enterprise,
    EntryRoute,
    MonthlyFigure,
    Qualification,
)


def _industry_code(text):
    value = p.parse_text(text, 8)
    if value is None:
        return None
    try:
        return parse_industry_code(value).code
    except IndustryCodeError as exc:
        raise p.CellError(str(exc)) from None


@register_ledger
class EnterpriseLedger(Ledger):
    key = "enterprises"
    model = Enterprise
    title = "企业名录"
    match_on = ("uscc",)
    name_key = "name"  # without a USCC column, firms are matched by name
    columns = [
        Column("name", "企业名称", required=True, synonyms=("名称", "单位名称", "企业")),
        Column(
            "uscc",
            "统一社会信用代码",
            kind="uscc",
            required=True,
            synonyms=("信用代码", "社会信用代码", "USCC"),
        ),
        Column(
            "industry_code",
            "行业代码",
            required=True,
            synonyms=("国民经济行业代码", "行业分类代码", "行业小类代码"),
            help_text="GB/T 4754-2017，如 C2922、F52、E48",
        ),
        Column("address", "注册地址", synonyms=("地址", "住所")),
        Column(
            "village",
            "所在村（社区）",
            kind="fk",
            fill_merged=True,
            synonyms=("所属村", "村（社区）", "村"),
        ),
        Column("legal_rep", "法定代表人", synonyms=("法人", "法人代表")),
        Column("contact_name", "联系人"),
        Column("contact_phone", "联系电话", kind="phone", synonyms=("电话", "手机")),
        Column(
            "qualification",
            "建筑业资质",
            kind="choice",
            synonyms=("资质",),
            synonyms_map={"总承包": "general", "施工劳务": "labor", "": "none"},
        ),
        Column("is_waterproofing", "防水企业", kind="bool", synonyms=("是否防水企业",)),
        Column(
            "platform_joined_on",
            "加入省防水供应链平台日期",
            kind="date",
            synonyms=("入驻平台日期", "加入平台日期"),
        ),
        Column("cadre", "包保干部", kind="fk", synonyms=("包保领导", "包保责任人")),
        Column(
            "entry_route",
            "入库途径",
            kind="choice",
            synonyms_map={
                "月度入库": "new",
                "新开业": "new",
                "新投产": "new",
                "年度入库": "upgrade",
            },
        ),
        Column(
            "entry_status",
            "入库状态",
            kind="choice",
            export_only=True,
            export=lambda o: o.get_entry_status_display(),
        ),
        Column("approved_on", "入库日期", kind="date", export_only=True),
        Column("note", "备注"),
    ]

    def _parser_for(self, c):
        if c.key == "industry_code":
            return _industry_code
        return super()._parser_for(c)

    def validate(self, obj, values, user):
        if obj.pk is None and not obj.entry_route:
            obj.entry_route = EntryRoute.UPGRADE
        if not obj.qualification:
            obj.qualification = Qualification.NONE
        super().validate(obj, values, user)

    def write(self, plan, report):
        from zhenwu.enterprises.services import checklist_items_missing

        super().write(plan, report)
        importer = current_actor().user  # run() writes as the importing user
        items = checklist_items_missing([obj for _, obj, _ in plan])
        bulk_save(ChecklistItem, create=items, acting_user=importer)


def _enterprise_lookup(ledger, column, user, text):
    """Find the firm by USCC (preferred) or exact name among those the user may use."""
    cache = ledger.__dict__.setdefault("_enterprises", None)
    if cache is None:
        cache = {}
        for e in scoping.restrict(Enterprise.objects.select_related("village"), user, scoping.VIEW):
            cache[e.uscc] = e
            cache.setdefault(e.name, e)
        ledger._enterprises = cache
    key = text.strip().upper() if len(text.strip()) == 18 else text.strip()
    obj = cache.get(key) or cache.get(text.strip())
    if obj is None:
        raise p.CellError(
            f"找不到企业「{text}」（按统一社会信用代码或企业名称），请先在企业名录中登记"
        )
    return obj


# Units that may share a column: 万元 and 亿元 (both "万元" here); 元 and 千元 are other units.
_YUAN_FAMILY = {"万元": "万元", "亿元": "万元", "元": "元", "千元": "千元"}
_AMOUNT_LIMIT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
_EMPLOYEES_LIMIT = 2_147_483_647  # PositiveIntegerField
_CENT = Decimal("0.01")


@register_ledger
class MonthlyFigureLedger(Ledger):
    """`zhenwu import monthly-figures`: one row per firm and month (当月值, amounts in 万元).

    The same path as every ledger (parse → match → the model's own rules → `core.bulk`),
    read for 50,000-row files (bench/bench_ledgers.py). Beyond the framework: a unit written
    in the header (营业收入（元）) is the unit of the column's bare numbers, and a column whose
    cells mix 元 with 万元/亿元 is refused. The change log gets one entry per *firm* (the model
    declares it: `MonthlyFigure.changelog_bulk_parent`), holding the months created or
    changed: ``{"monthly_figures": {"2025-03": {"revenue": "123.40", …}}}``."""

    key = "monthly-figures"
    model = MonthlyFigure
    title = "企业月度经营数据"
    match_on = ("enterprise", "month")
    columns = [
        Column(
            "enterprise",
            "企业",
            kind="fk",
            required=True,
            lookup=_enterprise_lookup,
            synonyms=("企业名称", "单位名称", "统一社会信用代码", "信用代码"),
            export=lambda o: o.enterprise.uscc,
            help_text="填写统一社会信用代码或企业名称",
        ),
        Column("month", "月份", kind="month", required=True, synonyms=("年月", "所属月份")),
        Column("revenue", "营业收入", kind="amount", synonyms=("本月营业收入", "营业收入（当月）")),
        Column("main_revenue", "主营业务收入", kind="amount", synonyms=("本月主营业务收入",)),
        Column("output_value", "产值", kind="amount", synonyms=("工业总产值", "本月产值")),
        Column("employees", "从业人员", kind="int", synonyms=("从业人员数", "用工人数", "人数")),
        Column("taxes", "税收", kind="amount", synonyms=("纳税额", "税金", "入库税收")),
    ]

    def queryset(self, user, action=scoping.VIEW):
        return super().queryset(user, action).select_related("enterprise")

    def parse_rows(self, sheet, header, user, report):
        self._bare: dict[str, str] = {}
        self._seen_units: dict[str, dict[str, int]] = {}
        for c in self.columns:
            if c.kind != "amount":
                continue
            written = header.units.get(c.key)
            self._bare[c.key] = written if written in p.AMOUNT_UNITS else c.unit
            self._seen_units[c.key] = (
                {_YUAN_FAMILY.get(written, written): header.row}
                if written in p.AMOUNT_UNITS
                else {}
            )
        self._parsers.update(
            {c.key: self._amount_parser(c) for c in self.columns if c.kind == "amount"}
        )
        parsed = super().parse_rows(sheet, header, user, report)
        for key, units in self._seen_units.items():
            if len(units) > 1:
                label = self._column(key).label
                seen = "、".join(
                    (f"表头为{u}" if r == header.row else f"第{r}行为{u}")
                    for u, r in sorted(units.items(), key=lambda x: x[1])
                )
                report.error(
                    max(units.values()),
                    label,
                    f"「{label}」列混用了不同的金额单位（{seen}；未写单位的数字按"
                    f"{self._bare[key]}计），请统一单位后重新导入",
                )
        return parsed

    def _amount_parser(self, c):
        bare = self._bare[c.key]
        shift = p.AMOUNT_UNITS[bare] - p.AMOUNT_UNITS[c.unit]

        def parse(value):
            amount, unit = p.parse_amount_with_unit(value, bare)
            if amount is None:
                return None
            amount = (amount.scaleb(shift) if shift else amount).quantize(_CENT)
            if amount >= _AMOUNT_LIMIT:
                raise p.CellError(f"金额「{p._show(value)}」过大（超过一万亿万元），请检查单位")
            unit = unit or bare
            return amount, _YUAN_FAMILY.get(unit, unit)

        return parse

    def _parser_for(self, c):
        if c.kind == "int":

            def parse(value):
                n = p.parse_int(value)
                if n is not None and n > _EMPLOYEES_LIMIT:
                    raise p.CellError(f"「{p._show(value)}」过大")
                return n

            return parse
        return super()._parser_for(c)

    def convert(self, c, value, user, report, row_no):
        if c.kind == "amount":
            amount, family = value
            self._seen_units[c.key].setdefault(family, row_no)
            return amount
        return super().convert(c, value, user, report, row_no)
