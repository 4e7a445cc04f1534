"""Excel ledgers: the enterprise register (`zhenwu import enterprises`) and the monthly
figures (`zhenwu import monthly-figures`), the latter with a bulk write path (50,000 rows)."""

from __future__ import annotations

import gc
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.actor import Source, acting_as, current_actor
from zhenwu.core.importing import parsers as p
from zhenwu.core.importing.reader import (
    FOOTER_WORDS,
    SKIP_WORDS,
    ImportFileError,
    find_header,
    iter_rows,
    read_table,
)
from zhenwu.core.ledgers import Column, ImportReport, Ledger, register_ledger
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
_FIGURES = ("revenue", "main_revenue", "output_value", "employees", "taxes")
_CENT = Decimal("0.01")
_AMOUNT_LIMIT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
_EMPLOYEES_LIMIT = 2_147_483_647  # PositiveIntegerField
#: The pseudo-field of the per-firm change-log entries a monthly-figures import writes.
MONTHLY_FIGURES_FIELD = "monthly_figures"
# First characters of footer / subtotal / section-title rows (see reader.DataRows).
_FLAG_CHARS = frozenset(
    {w[0] for w in (*FOOTER_WORDS, *SKIP_WORDS) if w} | set("（(一二三四五六七八九十")
)


def _is_blank_cell(v) -> bool:
    return v is None or v == "" or (type(v) is str and not v.strip())


def _plain_columns(sheet, header):
    """The data rows' cells column by column (``{key: [value or None …]}``), read straight
    from the sheet when that gives exactly what `iter_rows` would — every row starts with a
    filled first cell that is no footer / subtotal / section title, no row is blank or a
    repeated header, nothing is merged over rows — else None (then `iter_rows` is used)."""
    columns = header.columns
    if not columns or any(getattr(s, "fill_merged", False) for s in header.specs.values()):
        return None
    data = sheet.rows[header.first_data_row - 1 :]
    end = len(data)
    while end and all(v == "" or v is None for v in data[end - 1]):
        end -= 1  # trailing empty rows (iter_rows skips them)
    data = data[:end]
    if not data:
        return {key: [] for key in columns}
    if min(map(len, data)) <= max(columns.values()):
        return None
    firsts = set(map(itemgetter(0), data))
    if "" in firsts or None in firsts:
        return None
    for v in firsts:
        if type(v) is str and (t := v.strip()) and t[0] in _FLAG_CHARS:
            return None
    out = {key: list(map(itemgetter(j), data)) for key, j in columns.items()}
    if not any(not any(map(_is_blank_cell, set(col))) for col in out.values()):
        return None  # a row might be blank in every column: let iter_rows decide
    first_key = min(columns, key=columns.get)
    header_rows = [sheet.rows[r] for r in (header.row - 1, header.row - 2) if r >= 0]
    first_texts = {
        row[columns[first_key]]
        for row in header_rows
        if columns[first_key] < len(row) and isinstance(row[columns[first_key]], str)
    }
    if first_texts & set(out[first_key]):
        return None  # maybe a copy of the header among the data
    return out


@contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _execute(cursor, statements):
    for many, sql, params in statements:
        (cursor.executemany if many else cursor.execute)(sql, params)


class _Firm(NamedTuple):
    pk: int
    name: str
    town_id: int
    village_id: int | None

    def __str__(self):
        return self.name


def _amount_text(d: Decimal) -> str:
    """An amount rounded to the cent as plain text: 123.40 → "123.40", 120.00 → "120"."""
    text = f"{d.quantize(_CENT) + 0:f}"  # "+ 0": no "-0.00"
    return text[:-3] if text.endswith(".00") else text


def _figure_text(value):
    """A stored figure as the change log holds it (amounts as text, employees as int)."""
    return _amount_text(value) if isinstance(value, Decimal) else value


def _same_figure(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return Decimal(str(old)) == Decimal(str(new))


@register_ledger
class MonthlyFigureLedger(Ledger):
    """`zhenwu import monthly-figures`: one row per firm and month (当月值, amounts in 万元).

    The generic ledger builds and validates a model instance per row; this ledger is read
    for 50,000-row files (bench/bench_enterprises.py), so `run` keeps the same contract —
    every bad cell as row + column + reason, all or nothing, dry run, scoping, every write in
    the change log — with a column-wise fast path: the cells are taken column by column, each
    column's distinct values parsed once (the parsers are the validation: sign, unit, cents,
    range; no model instance, no `full_clean`), new rows inserted with one statement
    (SQLite: over `json_each`; PostgreSQL: `executemany`), changed rows updated with
    `executemany`, and the change log gets one entry per *firm* (Enterprise, action
    "update", pseudo-field ``monthly_figures``) holding the months the import created or
    changed, before and after: ``{"monthly_figures": {"2025-03": {"revenue": "123.40", …}}}``
    (see `ObjectChange.field_diffs` for how the firm's change log shows it)."""

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
        # The import allocates a few hundred thousand small objects and frees them at the
        # end; the cyclic garbage collector would walk the whole sheet again and again
        # (~0.1 s for 50,000 rows) for no cycles at all, so it waits until the import is done.
        with _collector_paused():
            return self._run(file, filename, user=user, dry_run=dry_run)

    def _run(self, file, filename, *, user, dry_run):
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
        new, changed = plan
        report.created, report.updated = len(new), len(changed)
        report.unchanged = report.rows - report.created - report.updated
        if dry_run or not (new or changed):
            return report
        with transaction.atomic(), acting_as(user, Source.IMPORT):
            self._write(cells, new, changed, timezone.now())
        return report

    # --- parsing, column by column ------------------------------------------------------------
    def _parse_cells(self, sheet, header, present, user, report):
        raw = _plain_columns(sheet, header)
        if raw is None:
            rows = list(iter_rows(sheet, header))
            raw = {key: [r.get(key) for _, r in rows] for key in header.columns}
            row_nos = [row_no for row_no, _ in rows]
        else:
            n = len(next(iter(raw.values())))
            row_nos = range(header.first_data_row, header.first_data_row + n)
        report.rows = len(row_nos)
        self._firms = {}  # pk → _Firm, filled by the firm column's parser
        self._firm_index = None  # the firms this user may see, built on first use
        out = {}
        for c in present:
            units: dict[str, int] = {}
            # A unit in the header (营业收入（元）) is the unit of the column's bare numbers.
            bare_unit = header.units.get(c.key) if c.kind == "amount" else None
            if bare_unit not in p.AMOUNT_UNITS:
                bare_unit = c.unit
            shift = p.AMOUNT_UNITS[bare_unit] - p.AMOUNT_UNITS[c.unit] if c.kind == "amount" else 0
            if c.kind == "amount" and header.units.get(c.key) in p.AMOUNT_UNITS:
                units[_YUAN_FAMILY.get(bare_unit, bare_unit)] = header.row  # holds for the column
            parse = self._cell_parser(c, user, bare_unit, shift)
            out[c.key] = self._parse_column(c, raw[c.key], row_nos, parse, units, report)
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
        out["_row"] = row_nos
        return out

    @staticmethod
    def _parse_column(c, values, row_nos, parse, units, report):
        """Parse each distinct value once; report every bad cell; note where units appear."""
        distinct = dict.fromkeys(values)  # in order of first appearance
        if (True in distinct or False in distinct) and bool in set(map(type, values)):
            # True == 1 == 1.0: keep booleans apart from numbers
            values = [(bool, v) if type(v) is bool else v for v in values]
            distinct = dict.fromkeys(values)
        results = {}
        for key in distinct:
            value = key[1] if type(key) is tuple else key
            try:
                parsed, unit = parse(None if value == "" else value)
            except p.CellError as exc:
                results[key] = (None, None, str(exc))
                continue
            error = f"「{c.label}」为必填项，不能为空" if parsed is None and c.required else None
            results[key] = (parsed, unit, error)
            if unit is not None and unit not in units:
                units[unit] = row_nos[values.index(key)]
        if any(r[2] is not None for r in results.values()):
            for i, key in enumerate(values):
                if (error := results[key][2]) is not None:
                    report.error(row_nos[i], c.label, error)
        final = {key: r[0] for key, r in results.items()}
        return list(map(final.__getitem__, values))

    def _cell_parser(self, c, user, bare_unit=None, shift=0):
        """value → (parsed, unit family or None). Amounts end up in the column's unit (万元),
        rounded to the cent, as canonical text ("123.40", "120"); firms as their pk."""
        if c.kind == "amount":
            bare_family = _YUAN_FAMILY.get(bare_unit, bare_unit)

            def parse(value):
                if type(value) is float and 0 <= value < 1e12 and not shift:
                    # the common cell, a real number: what parse_amount_with_unit gives
                    text = f"{value:.15g}"
                    if "e" not in text:
                        return _amount_text(Decimal(text)), bare_family
                amount, unit = p.parse_amount_with_unit(value, bare_unit)
                if amount is None:
                    return None, None
                amount = (amount.scaleb(shift) if shift else amount).quantize(_CENT)
                if amount >= _AMOUNT_LIMIT:
                    raise p.CellError(f"金额「{p._show(value)}」过大（超过一万亿万元），请检查单位")
                unit = unit or bare_unit
                return _amount_text(amount), _YUAN_FAMILY.get(unit, unit)

            return parse
        if c.kind == "fk":

            def parse(value):
                if p.is_blank(value):
                    return None, None
                firm = self._find_firm(user, str(p.parse_text(value)))
                self._firms[firm.pk] = firm
                return firm.pk, None

            return parse
        if c.kind == "month":
            return lambda v: (p.parse_month(v), None)
        if c.kind == "int":

            def parse(value):
                n = p.parse_int(value)
                if n is not None and n > _EMPLOYEES_LIMIT:
                    raise p.CellError(f"「{p._show(value)}」过大")
                return n, None

            return parse
        raise ValueError(c.kind)

    def _find_firm(self, user, text):
        """`_enterprise_lookup` on a light index (pk, name, town, village; no model instances)."""
        index = self._firm_index
        if index is None:
            index = {}
            rows = scoping.restrict(Enterprise.objects.all(), user, scoping.VIEW).values_list(
                "pk", "name", "town_id", "village_id", "uscc"
            )
            for row in rows:
                firm = _Firm(*row[:4])
                index[row[4]] = firm
                index.setdefault(firm.name, firm)
            self._firm_index = index
        text = text.strip()
        firm = index.get(text.upper() if len(text) == 18 else text) or index.get(text)
        if firm is None:
            raise p.CellError(
                f"找不到企业「{text}」（按统一社会信用代码或企业名称），请先在企业名录中登记"
            )
        return firm

    # --- matching and scope -------------------------------------------------------------------
    def _plan(self, cells, user, report):
        """→ (indexes of new rows, [(index, (pk, *old values), changed fields)])."""
        rows = cells["_row"]
        firms, months = cells["enterprise"], cells["month"]
        writable = set(
            scoping.restrict(Enterprise.objects.all(), user, scoping.CHANGE).values_list(
                "pk", flat=True
            )
        )
        keys = list(zip(firms, months, strict=True))
        wanted = set(keys)
        if not set(firms) <= writable or len(wanted) != len(keys):
            seen: dict[tuple, int] = {}
            for i, key in enumerate(keys):
                if key[0] not in writable:
                    report.error(rows[i], "企业", f"「{self._firms[key[0]]}」不在您可修改的范围内")
                elif key in seen:
                    report.error(rows[i], "企业", f"与第{seen[key]}行重复（企业、月份相同）")
                else:
                    seen[key] = rows[i]
            return None
        fields = [k for k in _FIGURES if k in cells]
        existing = {
            (row[0], row[1]): row[2:]
            for row in scoping.restrict(MonthlyFigure.objects.all(), user, scoping.VIEW)
            .filter(month__in=set(months))
            .values_list("enterprise_id", "month", "pk", *fields)
            if (row[0], row[1]) in wanted
        }
        if not existing:
            return range(len(keys)), []
        new, changed = [], []
        columns = [cells[k] for k in fields]
        for i, old in enumerate(map(existing.get, keys)):
            if old is None:
                new.append(i)
                continue
            diff = [k for j, k in enumerate(fields) if not _same_figure(old[1 + j], columns[j][i])]
            if diff:
                changed.append((i, old, diff))
        return new, changed

    # --- bulk write ---------------------------------------------------------------------------
    def _amount_param(self):
        # SQLite stores DECIMAL as a number either way: hand it the text (no adapter call);
        # PostgreSQL gets Decimal.
        return None if connection.vendor == "sqlite" else Decimal

    def _write(self, cells, new, changed, now):
        ct = ContentType.objects.get_for_model(Enterprise).pk
        actor = current_actor()
        statements = self._update_statements(cells, changed, now)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and new:
                # sqlite3 releases the GIL while a statement runs: build the change log
                # meanwhile. The worker runs the statements in order; the main thread does
                # not touch the connection until the worker is done.
                statements += self._insert_statements(cells, new, now)
                with ThreadPoolExecutor(max_workers=1) as pool:
                    done = pool.submit(_execute, cursor, statements)
                    try:
                        log = self._log_statement(cells, new, changed, now, ct, actor)
                    finally:
                        done.result()  # waits; re-raises a database error
            else:
                _execute(cursor, [*statements, *self._insert_statements(cells, new, now)])
                log = self._log_statement(cells, new, changed, now, ct, actor)
            _execute(cursor, [log])

    def _insert_statements(self, cells, new, now):
        """[(executemany?, sql, params)] that insert the new rows."""
        if not new:
            return []
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        n = len(cells["_row"])
        pick = (lambda col: col) if len(new) == n else (lambda col: [col[i] for i in new])
        firms = pick(cells["enterprise"])
        town_of = {pk: f.town_id for pk, f in self._firms.items()}
        month_param = {m: ops.adapt_datefield_value(m) for m in set(cells["month"])}
        to_param = self._amount_param()
        values = []
        for k in _FIGURES:
            col = pick(cells[k]) if k in cells else [None] * len(firms)
            if to_param is not None and k != "employees" and k in cells:
                col = [None if v is None else to_param(v) for v in col]
            values.append(col)
        cols = ["town_id", "version", "is_deleted", "deleted_at", "created_at", "updated_at",
                "enterprise_id", "month", *_FIGURES]  # fmt: skip
        q = ops.quote_name
        insert = f"INSERT INTO {q(MonthlyFigure._meta.db_table)} ({', '.join(q(c) for c in cols)}) "
        rows = zip(
            map(town_of.__getitem__, firms), firms,
            map(month_param.__getitem__, pick(cells["month"])), *values, strict=True,
        )  # fmt: skip
        if connection.vendor == "sqlite":
            # One statement over a JSON array of the rows: SQLite binds one parameter
            # instead of 650,000 (the values are text, numbers and nulls only).
            picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(1, len(cols) - 5))
            sql = (
                f"{insert}SELECT json_extract(value, '$[0]'), 1, 0, NULL, %s, %s, {picks} "
                "FROM json_each(%s)"
            )
            return [(False, sql, [stamp, stamp, json.dumps(list(rows), separators=(",", ":"))])]
        sql = f"{insert}VALUES (%s, 1, false, NULL, %s, %s, {', '.join(['%s'] * (len(cols) - 6))})"
        data = [(row[0], stamp, stamp, *row[1:]) for row in rows]
        return [(True, sql, data[i : i + 10000]) for i in range(0, len(data), 10000)]

    def _update_statements(self, cells, changed, now):
        """Changed rows: the file's figures, version + 1 (the log entry is per firm)."""
        if not changed:
            return []
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        fields = [k for k in _FIGURES if k in cells]
        to_param = self._amount_param()

        def param(k, v):
            return v if v is None or to_param is None or k == "employees" else to_param(v)

        q = ops.quote_name
        sets = ", ".join(f"{q(k)} = %s" for k in fields)
        sql = (
            f"UPDATE {q(MonthlyFigure._meta.db_table)} SET {q('version')} = {q('version')} + 1, "
            f"{q('updated_at')} = %s, {sets} WHERE {q('id')} = %s"
        )
        data = [(stamp, *(param(k, cells[k][i]) for k in fields), old[0]) for i, old, _ in changed]
        return [(True, sql, data)]

    def _log_statement(self, cells, new, changed, now, ct, actor):
        """One change-log entry per firm: the months created (after only) and changed
        (before and after of the changed figures), so every write stays in the log.
        Pure Python (no database access): it runs while SQLite inserts the rows."""
        from zhenwu.core.models import ObjectChange

        fields = [k for k in _FIGURES if k in cells]
        firms, months = cells["enterprise"], cells["month"]
        label = {m: f"{m:%Y-%m}" for m in set(months)}
        after: dict[int, dict] = {}
        before: dict[int, dict] = {}
        columns = [cells[k] for k in fields]
        n = len(cells["_row"])
        if columns and len(new) == n:
            rows = zip(*columns, strict=True)
        else:
            rows = ([c[i] for c in columns] for i in new)
        for i, row in zip(new, rows, strict=True):
            firm = firms[i]
            (after.get(firm) or after.setdefault(firm, {}))[label[months[i]]] = dict(
                zip(fields, row, strict=True)
            )
        for i, old, diff in changed:
            firm, month = firms[i], label[months[i]]
            after.setdefault(firm, {})[month] = {k: cells[k][i] for k in diff}
            before.setdefault(firm, {})[month] = {
                k: _figure_text(old[1 + fields.index(k)]) for k in diff
            }
        user = actor.user if getattr(actor.user, "pk", None) else None
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        if connection.vendor == "sqlite":

            def as_json(value):  # compact: these entries hold thousands of months
                return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"))
        else:

            def as_json(value):
                return ops.adapt_json_value(value, DjangoJSONEncoder)

        changed_fields = as_json([MONTHLY_FIGURES_FIELD])
        common = (stamp, user.pk if user else None, (user.display_name if user else "") or "",
                  actor.source, actor.request_id or "", "update", ct)  # fmt: skip
        data = []
        for pk in sorted(after):
            firm = self._firms[pk]
            old = before.get(pk)
            data.append(
                (
                    *common, pk, str(firm)[:200], firm.town_id, firm.village_id,
                    None if old is None else as_json({MONTHLY_FIGURES_FIELD: old}),
                    as_json({MONTHLY_FIGURES_FIELD: after[pk]}),
                    changed_fields,
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
        return True, sql, data
