"""Excel ledgers: the enterprise register (`zhenwu import enterprises`) and the monthly
figures (`zhenwu import monthly-figures`), the latter with a bulk write path (50,000 rows)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.actor import Source, acting_as, current_actor
from zhenwu.core.importing import parsers as p
from zhenwu.core.importing.reader import ImportFileError, find_header, iter_rows, read_table
from zhenwu.core.ledgers import Column, ImportReport, Ledger, _same, register_ledger
from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code
from zhenwu.enterprises.models import Enterprise, EntryRoute, MonthlyFigure, Qualification


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
        Column("village", "所在村（社区）", kind="fk", synonyms=("所属村", "村（社区）", "村")),
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
        obj.full_clean(exclude=["town"], validate_unique=False, validate_constraints=False)

    def write(self, plan, report):
        from zhenwu.enterprises.services import ensure_checklist

        super().write(plan, report)
        importer = current_actor().user  # run() writes as the importing user
        for _, obj, _ in plan:
            ensure_checklist(obj, acting_user=importer)


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
_AMOUNTS = ("revenue", "main_revenue", "output_value", "taxes")
_CENT = Decimal("0.01")


class _NewFigure:
    """A planned new row (no model instance: 50,000 of them are written in bulk)."""

    __slots__ = ("enterprise", "month", "pk", "values")

    def __init__(self, enterprise, month, values):
        self.enterprise, self.month, self.values, self.pk = enterprise, month, values, None


@register_ledger
class MonthlyFigureLedger(Ledger):
    """`zhenwu import monthly-figures`: one row per firm and month (当月值, amounts in 万元).

    The generic ledger builds and validates a model instance per row; this ledger is read
    for 50,000-row files (bench/bench_enterprises.py), so `run` keeps the same contract —
    every bad cell as row + column + reason, all or nothing, dry run, scoping, one
    change-log entry per created row — with a column-wise fast path: string cells are parsed
    once per distinct value, new rows are inserted with `executemany` and their change-log
    entries likewise (changed rows go through `save()` and the signals)."""

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

    def run(self, file, filename, *, user, dry_run=False):
        report = ImportReport(dry_run=dry_run)
        if not scoping.can_write_model(user, self.model):
            report.error(None, None, f"您没有导入「{self.model._meta.verbose_name}」的权限。")
            return report
        try:
            sheet = read_table(file, filename)
            header = find_header(sheet, self.import_columns())
        except ImportFileError as exc:
            report.error(None, None, str(exc))
            return report
        for _, extra in header.unrecognised:
            report.warnings.append(f"第{header.row}行的列「{extra}」未识别，已忽略。")
        present = [c for c in self.import_columns() if c.key in header.columns]
        cells = self._parse_cells(sheet, header, present, user, report)
        if report.rows == 0 and report.ok:
            report.error(None, None, "表格中没有数据行。")
        if not report.ok:
            return report
        plan = self._plan(cells, user, report)
        if not report.ok:
            return report
        new = [p for p in plan if p[1].pk is None]
        changed = [p for p in plan if p[1].pk is not None and p[2]]
        if dry_run:
            report.created, report.updated = len(new), len(changed)
            return report
        with transaction.atomic(), acting_as(user, Source.IMPORT):
            self._insert(new, user)
            for _, obj, _ in changed:
                obj.version += 1
                obj.save()
        report.created, report.updated = len(new), len(changed)
        report.unchanged = len(plan) - report.created - report.updated
        return report

    # --- parsing, column by column ------------------------------------------------------------
    def _parse_cells(self, sheet, header, present, user, report):
        rows = list(iter_rows(sheet, header))
        report.rows = len(rows)
        out = {c.key: [None] * len(rows) for c in present}
        for c in present:
            column = out[c.key]
            memo: dict = {}
            units: dict[str, int] = {}
            # A unit in the header (营业收入（元）) is the unit of the column's bare numbers.
            bare_unit = header.units.get(c.key) if c.kind == "amount" else None
            if bare_unit not in p.AMOUNT_UNITS:
                bare_unit = c.unit
            shift = p.AMOUNT_UNITS[bare_unit] - p.AMOUNT_UNITS[c.unit] if c.kind == "amount" else 0
            bare_family = _YUAN_FAMILY.get(bare_unit, bare_unit)
            if c.kind == "amount" and header.units.get(c.key) in p.AMOUNT_UNITS:
                units[bare_family] = header.row  # the header's unit holds for the column
            parse = self._cell_parser(c, user, bare_unit, shift)
            for i, (row_no, raw) in enumerate(rows):
                value = raw.get(c.key)
                tv = type(value)
                if c.kind == "amount" and (tv is float or tv is int) and value >= 0:
                    units.setdefault(bare_family, row_no)
                    d = Decimal(int(value)) if value == int(value) else Decimal(repr(value))
                    column[i] = d.scaleb(shift) if shift else d
                    continue
                key = (tv, value)
                hit = memo.get(key)
                if hit is None:
                    try:
                        hit = (parse(value), None)
                    except p.CellError as exc:
                        hit = (None, str(exc))
                    memo[key] = hit
                (parsed, unit), error = (hit[0] if hit[1] is None else (None, None)), hit[1]
                if error is not None:
                    report.error(row_no, c.label, error)
                    continue
                if parsed is None and c.required:
                    report.error(row_no, c.label, f"「{c.label}」为必填项，不能为空")
                    continue
                if unit is not None:
                    units.setdefault(unit, row_no)
                column[i] = parsed
            if len(units) > 1:
                label = c.label
                seen = "、".join(
                    (f"表头为{u}" if r == header.row else f"第{r}行为{u}")
                    for u, r in sorted(units.items(), key=lambda x: x[1])
                )
                report.error(
                    max(units.values()),
                    label,
                    f"「{label}」列混用了不同的金额单位（{seen}；未写单位的数字按{bare_unit}计），"
                    "请统一单位后重新导入",
                )
        out["_row"] = [row_no for row_no, _ in rows]
        return out

    def _cell_parser(self, c, user, bare_unit=None, shift=0):
        """value → (parsed, unit family or None); amounts end up in the column's unit (万元)."""
        if c.kind == "amount":

            def parse(value):
                amount, unit = p.parse_amount_with_unit(value, bare_unit)
                if amount is None:
                    return None, None
                unit = unit or bare_unit
                return (amount.scaleb(shift) if shift else amount), _YUAN_FAMILY.get(unit, unit)

            return parse
        if c.kind == "fk":
            return lambda v: (
                None if p.is_blank(v) else _enterprise_lookup(self, c, user, str(p.parse_text(v))),
                None,
            )
        if c.kind == "month":
            return lambda v: (p.parse_month(v), None)
        if c.kind == "int":
            return lambda v: (p.parse_int(v), None)
        raise ValueError(c.kind)

    # --- matching and scope -------------------------------------------------------------------
    def _plan(self, cells, user, report):
        writable = set(
            scoping.restrict(Enterprise.objects.all(), user, scoping.CHANGE).values_list(
                "pk", flat=True
            )
        )
        fields = [
            k
            for k in ("revenue", "main_revenue", "output_value", "employees", "taxes")
            if k in cells
        ]
        existing = {
            (row[0], row[1]): row
            for row in scoping.restrict(MonthlyFigure.objects.all(), user, scoping.VIEW)
            .filter(enterprise_id__in=writable)
            .values_list("enterprise_id", "month", "pk", *fields)
        }
        seen: dict[tuple, int] = {}
        plan = []
        to_load: dict[int, tuple] = {}
        rows = cells["_row"]
        ents, months = cells["enterprise"], cells["month"]
        for i, row_no in enumerate(rows):
            ent, month = ents[i], months[i]
            if ent.pk not in writable:
                report.error(row_no, "企业", f"「{ent}」不在您可修改的范围内")
                continue
            key = (ent.pk, month)
            if key in seen:
                report.error(row_no, "企业", f"与第{seen[key]}行重复（企业、月份相同）")
                continue
            seen[key] = row_no
            values = {k: cells[k][i] for k in fields}
            for k in _AMOUNTS:
                if values.get(k) is not None:
                    values[k] = values[k].quantize(_CENT)
            old = existing.get(key)
            if old is None:
                plan.append((row_no, _NewFigure(ent, month, values), ["*"]))
                continue
            diff = [k for j, k in enumerate(fields) if not _same(old[3 + j], values[k])]
            plan.append((row_no, old[2], diff))
            if diff:
                to_load[old[2]] = (len(plan) - 1, values, diff)
        if to_load and report.ok:
            for obj in MonthlyFigure.objects.filter(pk__in=to_load).select_related("enterprise"):
                index, values, diff = to_load[obj.pk]
                for k in diff:
                    setattr(obj, k, values[k])
                plan[index] = (plan[index][0], obj, diff)
        return [
            entry if not isinstance(entry[1], int) else (entry[0], _Unchanged(entry[1]), [])
            for entry in plan
        ]

    # --- bulk write ---------------------------------------------------------------------------
    def _insert(self, new, user):
        if not new:
            return
        ops = connection.ops
        now = timezone.now()
        stamp = ops.adapt_datetimefield_value(now)
        town_id = user.town_id
        meta = MonthlyFigure._meta
        cols = ["town_id", "version", "is_deleted", "deleted_at", "created_at", "updated_at",
                "enterprise_id", "month", "revenue", "main_revenue", "output_value",
                "employees", "taxes"]  # fmt: skip
        q = ops.quote_name
        sql = (
            f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in cols)}) "
            f"VALUES ({', '.join(['%s'] * len(cols))})"
        )
        data = [
            (
                town_id, 1, False, None, stamp, stamp, f.enterprise.pk,
                ops.adapt_datefield_value(f.month), f.values.get("revenue"),
                f.values.get("main_revenue"), f.values.get("output_value"),
                f.values.get("employees"), f.values.get("taxes"),
            )
            for _, f, _ in new
        ]  # fmt: skip
        with connection.cursor() as cursor:
            for i in range(0, len(data), 5000):
                cursor.executemany(sql, data[i : i + 5000])
        ids = {
            (e, m): pk
            for pk, e, m in MonthlyFigure.objects.filter(
                town_id=town_id, created_at=now
            ).values_list("pk", "enterprise_id", "month")
        }
        self._log_created(new, ids, now, town_id)

    def _log_created(self, new, ids, now, town_id):
        """One 'create' entry per new row (what `changelog.log_bulk_create` writes, without
        building model instances), so every write stays in the change log."""
        from django.core.serializers.json import DjangoJSONEncoder

        from zhenwu.core.changelog import _jsonable
        from zhenwu.core.models import ObjectChange

        actor = current_actor()
        user = actor.user if getattr(actor.user, "pk", None) else None
        ops = connection.ops
        ct = ContentType.objects.get_for_model(MonthlyFigure).pk
        created = _jsonable(now)
        stamp = ops.adapt_datetimefield_value(now)
        empty = ops.adapt_json_value([], DjangoJSONEncoder)
        user_name = (user.display_name if user else "") or ""
        rows = []
        for _, f, _ in new:
            pk = ids[(f.enterprise.pk, f.month)]
            v = f.values
            after = {
                "id": pk, "town_id": town_id, "version": 1, "is_deleted": False,
                "deleted_at": None, "created_at": created, "updated_at": created,
                "enterprise_id": f.enterprise.pk, "month": f.month.isoformat(),
                "revenue": _jsonable(v.get("revenue")),
                "main_revenue": _jsonable(v.get("main_revenue")),
                "output_value": _jsonable(v.get("output_value")),
                "employees": v.get("employees"), "taxes": _jsonable(v.get("taxes")),
            }  # fmt: skip
            rows.append(
                (
                    stamp, user.pk if user else None, user_name, actor.source,
                    actor.request_id or "", "create", ct, pk,
                    f"{f.enterprise.name} {f.month:%Y-%m}"[:200], town_id,
                    f.enterprise.village_id, None, ops.adapt_json_value(after, DjangoJSONEncoder),
                    empty,
                )
            )  # fmt: skip
        cols = ["time", "user_id", "user_name", "source", "request_id", "action",
                "content_type_id", "object_id", "object_repr", "town_id", "village_id",
                "before", "after", "changed_fields"]  # fmt: skip
        q = ops.quote_name
        sql = (
            f"INSERT INTO {q(ObjectChange._meta.db_table)} ({', '.join(q(c) for c in cols)}) "
            f"VALUES ({', '.join(['%s'] * len(cols))})"
        )
        with connection.cursor() as cursor:
            for i in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[i : i + 5000])


class _Unchanged:
    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk
