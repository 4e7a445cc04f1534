"""The import/export framework every ledger of every module uses (DESIGN.md "Import").

A ledger declares its columns once; the same declaration drives the import (header matching
with synonyms, per-cell parsing, all-or-nothing with every bad cell reported as row + column +
reason), the export (the same columns back, so an export re-imports unchanged), and the
downloadable template.

    class VillageLedger(Ledger):
        key = "villages"
        model = Village
        match_on = ("name",)
        columns = [Column("name", "名称", required=True, synonyms=("村名",)), ...]

Writes go through the scoping gate (`restrict`) and land in the change log.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.actor import Source, acting_as, current_actor
from zhenwu.core.bulk import RowCleaner, StaleEdit, bulk_save, new_record
from zhenwu.core.idnumbers import validate_resident_id, validate_uscc
from zhenwu.core.importing import parsers as p
from zhenwu.core.importing.reader import (
    ColumnSpec,
    ImportFileError,
    find_header,
    iter_rows,
    read_table,
)
from zhenwu.core.importing.writer import template_xlsx, write_csv, write_xlsx
from zhenwu.core.labels import in_source_language
from zhenwu.core.services import check_write_scope
from zhenwu.core.tables import label_of, mask, may_see_personal, personal_kind

MASK_CHAR = "*"


@dataclass
class RowError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did or would do. ``errors`` block (all or nothing); ``warnings`` never
    do (a person kept as text, an unrecognised column, a row matched to a record by name …);
    ``matched`` lists the rows matched by name ({"row", "id", "record"}), also as warnings."""

    ok: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    matched: list[dict] = field(default_factory=list)

    def error(self, row, column, message):
        self.ok = False
        self.errors.append(RowError(row, column, message))

    def warn(self, row, column, message):
        self.warnings.append(RowError(row, column, message))

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


_ROW_NUMBER_HEADERS = frozenset({"序号", "序", "编号序号", "no", "no.", "行号"})

UNCALCULATED_FORMULA = (
    "该单元格是公式，但文件中没有保存计算结果（常见于由其他软件生成的表格），无法读出数值。"
    "请用 Excel 或 WPS 打开该文件，保存后再导入"
)


@dataclass(eq=False)
class Column(ColumnSpec):
    """One column of a ledger: how to read it from a cell and how to write it back."""

    kind: str = "text"  # text, int, decimal, amount, area, percent, date, month, bool, choice, fk, resident_id, uscc, phone
    field_name: str | None = None  # model field (default: key)
    unit: str = "万元"  # for amounts: the unit the column is expressed in
    choices: Any = None  # for choice columns (Django choices); default from the model field
    synonyms_map: dict | None = None  # further spellings of choice values
    lookup: Callable | None = None  # for fk: (ledger, user, text) -> object or raise CellError
    export: Callable | None = None  # obj -> cell value (default: attribute)
    allow_negative: bool = False
    export_only: bool = False  # computed columns: exported, ignored on import

    @property
    def attr(self) -> str:
        return self.field_name or self.key

    def format_hint(self) -> str:
        hints = {
            "amount": f"金额，单位{self.unit}；可写「1.2亿元」「8000万」「3,500」「三千」",
            "area": "面积（亩）；也可写「平方米」「公顷」",
            "date": "日期：2025-03-05、2025年3月5日、2025.3.5、2025/3/5",
            "month": "月份：2025-03、2025年3月",
            "int": "整数",
            "decimal": "数字",
            "percent": "百分比：85% 或 0.85",
            "bool": "是 / 否",
            "resident_id": "18位公民身份号码（校验位会检查）",
            "uscc": "18位统一社会信用代码（校验位会检查）",
            "fk": "填写名称",
        }
        return "；".join(x for x in (self.help_text, hints.get(self.kind, "")) if x)

    def template_choices(self):
        if self.kind == "choice" and self.choices is not None:
            return [str(label) for _, label in self.choices]
        return ()


class Ledger:
    key: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    title: ClassVar[str] = ""
    columns: ClassVar[list[Column]] = []
    match_on: ClassVar[tuple[str, ...]] = ()  # natural key (column keys) matching existing rows
    #: The column holding the record's name: when the file has no natural-key column, rows
    #: match existing records by this name (normalised), within what the user may see.
    name_key: ClassVar[str | None] = None
    #: New records get codes ``PREFIX-2025-0001`` when the file has no code column.
    code_prefix: ClassVar[str] = ""
    #: Fields the row validation leaves alone (set by the import itself).
    clean_exclude: ClassVar[tuple[str, ...]] = ("town",)

    @in_source_language  # the parsers hold choice words and column names: source language
    def __init__(self):
        self._parsers = {c.key: self._parser_for(c) for c in self.columns}
        self._fk_cache: dict[tuple[str, str], Any] = {}
        self._cleaner: RowCleaner | None = None
        self.by_name = False
        self._fk_attnames = {
            f.name: f.attname for f in self.model._meta.concrete_fields if f.is_relation
        }
        self._row_warnings: list[tuple[str | None, str]] = []
        # not-null fields: attr → True for text that may be blank ("" for an empty cell)
        self._not_null = {
            f.name: f.blank and isinstance(f, models.CharField | models.TextField)
            for f in self.model._meta.concrete_fields
            if not f.null and not f.is_relation
        }

    def warn_row(self, column: str | None, message: str) -> None:
        """A warning about the row being validated (from `validate`); `plan_writes` files it
        under the row's number."""
        self._row_warnings.append((column, message))

    # --- declaration helpers ------------------------------------------------------------------
    def model_field(self, column: Column):
        try:
            return self.model._meta.get_field(column.attr)
        except Exception:
            return None

    def _parser_for(self, c: Column) -> Callable[[Any], Any]:
        f = self.model_field(c)
        kind = c.kind
        if kind == "text":
            max_length = getattr(f, "max_length", None)
            return lambda v: p.parse_text(v, max_length)
        if kind == "int":
            return lambda v: p.parse_int(v, allow_negative=c.allow_negative)
        if kind == "decimal":
            return lambda v: p.parse_decimal(v, allow_negative=c.allow_negative)
        if kind == "amount":
            return lambda v: p.parse_amount(v, c.unit, allow_negative=c.allow_negative)
        if kind == "area":
            return p.parse_area_mu
        if kind == "percent":
            return p.parse_percent
        if kind == "date":
            return p.parse_date
        if kind == "month":
            return p.parse_month
        if kind == "bool":
            return p.parse_bool
        if kind == "choice":
            if c.choices is None:
                c.choices = f.choices  # the model's choices (also offered in the template)
            synonyms = dict(c.synonyms_map or {})
            if f is not None:
                synonyms.update(_choice_synonyms(self.model, f.name, c.choices))
            return p.choice_parser(c.choices, synonyms)
        if kind in ("resident_id", "uscc", "phone"):
            return lambda v: p.parse_text(v, getattr(f, "max_length", None))
        if kind == "fk":
            return lambda v: p.parse_text(v)
        raise ValueError(f"unknown column kind {kind!r}")

    def import_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.export_only]

    # --- scoping ------------------------------------------------------------------------------
    def queryset(self, user, action=scoping.VIEW):
        return scoping.restrict(self.model.objects.all(), user, action)

    # --- import -------------------------------------------------------------------------------
    @in_source_language
    def run(self, file, filename: str, *, user, dry_run: bool = False) -> ImportReport:
        """Read, check every cell, and write everything or nothing.

        Reading, parsing, matching and validating happen outside any transaction; only the
        bulk write (`core.bulk.bulk_save`) holds the write lock, briefly."""
        report = ImportReport(dry_run=dry_run)
        if not scoping.can_write_model(user, self.model):
            report.error(None, None, f"您没有导入「{self.model._meta.verbose_name}」的权限。")
            return report
        try:
            sheet = read_table(file, filename)
            header = find_header(sheet, self.header_columns())
        except ImportFileError as exc:
            report.error(None, None, str(exc))
            return report
        self.by_name = self._name_mode(header)
        if self.by_name is None:
            missing = "".join(
                f"「{self._column(k).label}」" for k in self.match_on if k not in header.columns
            )
            report.error(None, None, f"未找到表头：缺少必填列{missing}")
            return report
        for _, extra in header.unrecognised:
            if p.normalize_text(extra) in _ROW_NUMBER_HEADERS:
                continue  # offices number their rows: nothing to import, nothing to say
            report.warn(header.row, extra, f"第{header.row}行的列「{extra}」未识别，已忽略。")
        parsed = self.parse_rows(sheet, header, user, report)
        if report.rows == 0 and report.ok:
            report.error(None, None, "表格中没有数据行。")
        if not report.ok:
            return report
        plan = self.plan_writes(parsed, user, report)
        if report.ok:
            report.created = sum(1 for _, obj, _ in plan if obj.pk is None)
            report.updated = sum(1 for _, obj, changed in plan if obj.pk is not None and changed)
            report.unchanged = len(plan) - report.created - report.updated
        if not report.ok or dry_run:
            return report
        try:
            with transaction.atomic(), acting_as(user, Source.IMPORT):
                self.write(plan, report)
        except (ValidationError, StaleEdit, IntegrityError) as exc:
            report.error(None, None, _write_failure(exc))
            report.created = report.updated = 0
        return report

    def header_columns(self) -> list[Column]:
        """The columns the header is searched for. With a name column declared, the natural
        key's columns are not required: rows are then matched by name (`_name_mode`)."""
        cols = self.import_columns()
        if self.name_key is None or not self.match_on:
            return cols
        return [
            dataclasses.replace(c, required=False) if c.key in self.match_on else c for c in cols
        ]

    def _name_mode(self, header) -> bool | None:
        """False: the natural key is in the file. True: it is not, rows match by name.
        None: it is not and the ledger cannot match by name (an error)."""
        if all(k in header.columns for k in self.match_on):
            return False
        if self.name_key is not None and self.name_key in header.columns:
            return True
        return None

    def parse_rows(self, sheet, header, user, report) -> list[tuple[int, dict]]:
        """Every cell of every data row parsed (each distinct value of a column once)."""
        cols = [c for c in self.import_columns() if c.key in header.columns]
        caches = {c.key: ({} if self.cache_cells(c) else None) for c in cols}
        where = {c.key: header.columns[c.key] for c in cols}
        uncalculated = sheet.uncalculated
        parsed: list[tuple[int, dict]] = []
        rows = iter_rows(sheet, header)
        for row_no, raw in rows:
            report.rows += 1
            values = {}
            for c in cols:
                cell = raw.get(c.key)
                if cell is None and uncalculated and (row_no - 1, where[c.key]) in uncalculated:
                    report.error(row_no, c.label, UNCALCULATED_FORMULA)
                    continue
                try:
                    value = self._parse_cell(c, cell, caches[c.key])
                    if value is not None:
                        value = self.convert(c, value, user, report, row_no)
                except p.CellError as exc:
                    report.error(row_no, c.label, str(exc))
                    continue
                if value is None and c.required and not (self.by_name and c.key in self.match_on):
                    report.error(row_no, c.label, f"「{c.label}」为必填项，不能为空")
                    continue
                values[c.key] = value
            parsed.append((row_no, values))
        if uncalculated:
            self._report_blank_formula_rows(sheet, header, rows, parsed, cols, report)
        return parsed

    def _report_blank_formula_rows(self, sheet, header, rows, parsed, cols, report):
        """Rows whose cells are all formulas without results read as blank and are skipped by
        the reader: report their formula cells rather than drop the rows silently."""
        seen = {row_no for row_no, _ in parsed}
        label_at = {header.columns[c.key]: c.label for c in cols}
        end = rows.footer_row or float("inf")
        for r, col in sorted(sheet.uncalculated):
            row_no = r + 1
            if header.first_data_row <= row_no < end and row_no not in seen and col in label_at:
                report.error(row_no, label_at[col], UNCALCULATED_FORMULA)

    def cache_cells(self, c: Column) -> bool:
        """Whether a column's parser is a pure function of the cell (then each distinct value
        is parsed once). Ledgers whose parsers remember something per cell say no."""
        return True

    def _parse_cell(self, c: Column, cell, cache):
        if cache is None or cell is None:
            return self._parsers[c.key](cell)
        key = (cell.__class__, cell)
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, self._parsers[c.key](cell))
            except p.CellError as exc:
                hit = (False, exc)
            cache[key] = hit
        if hit[0]:
            return hit[1]
        raise hit[1]

    def convert(self, c: Column, value, user, report, row_no):
        """Per-kind checks after parsing (ID numbers, foreign keys)."""
        if c.kind == "resident_id" or c.kind == "uscc":
            if MASK_CHAR in str(value):
                return MaskedValue(str(value))
            result = (validate_resident_id if c.kind == "resident_id" else validate_uscc)(
                str(value)
            )
            if not result.valid:
                raise p.CellError("；".join(result.errors))
            for w in result.warnings:
                report.warn(row_no, c.label, f"「{c.label}」：{w}")
            return result.normalized
        if c.kind == "phone" and MASK_CHAR in str(value):
            return MaskedValue(str(value))
        if c.kind == "fk":
            cache_key = (c.key, str(value))
            if cache_key not in self._fk_cache:
                try:
                    found = (c.lookup or default_lookup)(self, c, user, str(value))
                except p.CellError as exc:
                    found = exc
                self._fk_cache[cache_key] = found
            found = self._fk_cache[cache_key]
            if isinstance(found, p.CellError):
                raise found
            if isinstance(found, UnlinkedPerson):
                report.warn(
                    row_no,
                    c.label,
                    f"「{found}」尚无系统账号，已按姓名保存；开通同名账号后会自动关联",
                )
            return found
        return value

    def natural_key(self, values: dict):
        return tuple(_key_part(values.get(k)) for k in self.match_on)

    def existing_by_key(self, user) -> dict:
        if not self.match_on:
            return {}
        # foreign keys by their id column: the key holds ids (`_key_part`), and reading the
        # related object would cost a query per record
        fields = [
            self._fk_attnames.get(self._column(k).attr, self._column(k).attr) for k in self.match_on
        ]
        qs = scoping.restrict(self.model.objects.all(), user, scoping.VIEW)
        keys = {
            tuple(_key_part(v) for v in row[1:]): row[0] for row in qs.values_list("pk", *fields)
        }
        return RecordIndex(qs, keys)

    def existing_by_name(self, user) -> dict[str, list]:
        """Records the user may see, by normalised name (full/half width, spaces, case)."""
        attr = self._column(self.name_key).attr
        out: dict[str, list] = {}
        for obj in scoping.restrict(self.model.objects.all(), user, scoping.VIEW):
            out.setdefault(name_key(getattr(obj, attr)), []).append(obj)
        return out

    def _column(self, key) -> Column:
        return next(c for c in self.columns if c.key == key)

    def plan_writes(self, parsed, user, report) -> list[tuple[int, Any, list[str]]]:
        by_name = bool(getattr(self, "by_name", False))
        existing = self.existing_by_name(user) if by_name else self.existing_by_key(user)
        writable = (
            set(
                scoping.restrict(self.model.objects.all(), user, scoping.CHANGE).values_list(
                    "pk", flat=True
                )
            )
            if existing
            else set()
        )
        match_on = (self.name_key,) if by_name else self.match_on
        if isinstance(existing, RecordIndex):  # load the matched records only, in one go
            existing.load([self.natural_key(values) for _, values in parsed])
        seen: dict[tuple, int] = {}
        plan = []
        fresh_codes = self.code_generator(user) if by_name else None
        columns = self.import_columns()
        for row_no, values in parsed:
            if by_name:
                name = values.get(self.name_key)
                key = (name_key(name),) if name else None
            else:
                key = self.natural_key(values) if self.match_on else None
            if key is not None and all(k not in (None, "") for k in key):
                if key in seen:
                    labels = "、".join(self._column(k).label for k in match_on)
                    report.error(
                        row_no,
                        self._column(match_on[0]).label,
                        f"与第{seen[key]}行重复（{labels}相同）",
                    )
                    continue
                seen[key] = row_no
            obj = None
            if key is not None and by_name:
                found = existing.get(key[0], [])
                if len(found) > 1:
                    codes = "、".join(
                        str(getattr(o, self._column(self.match_on[0]).attr)) for o in found[:5]
                    )
                    report.error(
                        row_no,
                        self._column(self.name_key).label,
                        f"系统中有 {len(found)} 条名称相同的记录（{codes}），无法按名称对应；"
                        f"请加上「{self._column(self.match_on[0]).label}」列",
                    )
                    continue
                obj = found[0] if found else None
                if obj is not None:
                    code = getattr(obj, self._column(self.match_on[0]).attr, "")
                    report.matched.append({"row": row_no, "id": obj.pk, "record": str(obj)})
                    report.warn(
                        row_no,
                        self._column(self.name_key).label,
                        f"表中没有「{self._column(self.match_on[0]).label}」列，"
                        f"按名称对应到已有记录「{obj}」（{code}）",
                    )
            elif key is not None:
                obj = existing.get(key)
            if obj is not None and obj.pk not in writable:
                report.error(row_no, None, f"「{obj}」不在您可修改的范围内")
                continue
            if obj is None:
                obj = (
                    new_record(self.model, town_id=user.town_id)
                    if hasattr(self.model, "town_id")
                    else new_record(self.model)
                )
                if fresh_codes is not None:
                    setattr(obj, self._column(self.match_on[0]).attr, next(fresh_codes))
            changed = []
            adding = obj.pk is None
            for c in columns:
                if c.key not in values:
                    continue
                value = values[c.key]
                if isinstance(value, MaskedValue):
                    if adding:
                        report.error(
                            row_no, c.label, "打码的号码只能用于更新已有记录，新建时请填写完整号码"
                        )
                    continue
                for attr, new in self._assignments(c, value):
                    if adding:  # a new record: nothing to compare with
                        setattr(obj, attr, new)
                        continue
                    if attr in self._fk_attnames:  # compare ids: no query for the related row
                        current = getattr(obj, self._fk_attnames[attr])
                        new_id = getattr(new, "pk", new)
                        if current != new_id:
                            setattr(obj, attr, new)
                            changed.append(attr)
                        continue
                    current = getattr(obj, attr, None)
                    if not _same(current, new):
                        setattr(obj, attr, new)
                        changed.append(attr)
            self._row_warnings = []
            try:
                self.validate(obj, values, user)
                # The row's record must stay in the importer's scope (the platform's one rule,
                # `services.check_write_scope`): an error on this row, nothing written.
                check_write_scope(obj, user)
            except ValidationError as exc:
                for fname, messages in _error_items(exc):
                    report.error(row_no, self._label_for_field(fname), "；".join(messages))
                continue
            for column, message in self._row_warnings:
                report.warn(row_no, column, message)
            if obj.pk is not None:
                changed = _changed_fields(obj)  # what the cells set and what clean() derived
            plan.append((row_no, obj, changed))
        self.check_taken(plan, user, report)
        return plan

    def check_taken(self, plan, user, report) -> None:
        """Values that must be unique in the town (统一社会信用代码, 项目编号 …) and are held by
        a record outside what the importer sees: an error on the row (never a 500), naming
        the holder only if the importer may see it (`scoping.taken_message`)."""
        town_id = getattr(user, "town_id", None)
        if town_id is None or not hasattr(self.model, "town_id"):
            return
        for constraint in self.model._meta.constraints:
            fields = list(getattr(constraint, "fields", ()) or ())
            if len(fields) != 2 or fields[0] != "town":
                continue
            name = fields[1]
            rows = {}
            for row_no, obj, _changed in plan:
                value = getattr(obj, name, None)
                if value in (None, ""):
                    continue
                loaded = (getattr(obj, "_loaded_values", None) or {}).get(name)
                if obj.pk is None or loaded != value:
                    rows.setdefault(value, []).append((row_no, obj))
            if not rows:
                continue
            mine = {obj.pk for _, obj, _ in plan if obj.pk is not None}
            values = list(rows)
            holders = [
                holder
                for i in range(0, len(values), 500)
                for holder in self.model.objects.filter(
                    town_id=town_id, **{f"{name}__in": values[i : i + 500]}
                )
                if holder.pk not in mine
            ]
            for holder in holders:
                for row_no, _obj in rows.get(getattr(holder, name), ()):
                    label = self._label_for_field(name)
                    value = getattr(holder, name)
                    report.error(row_no, label, scoping.taken_message(user, label, value, holder))

    def _assignments(self, c: Column, value) -> list[tuple[str, Any]]:
        """(attribute, value) pairs a cell sets: a person without an account sets the text
        field beside the foreign key (``leader_name``) and clears the key."""
        text_attr = self.person_text_attr(c)
        if text_attr is None:
            if value is None and c.attr in self._not_null:
                # an empty cell: text becomes "", anything else keeps the stored value (or
                # the model's default on a new record)
                return [(c.attr, "")] if self._not_null[c.attr] else []
            return [(c.attr, value)]
        if isinstance(value, UnlinkedPerson):
            return [(c.attr, None), (text_attr, str(value))]
        return [(c.attr, value), (text_attr, "")]

    def person_text_attr(self, c: Column) -> str | None:
        """The text field that keeps a person's name while they have no account."""
        if c.kind != "fk":
            return None
        attr = f"{c.attr}_name"
        try:
            self.model._meta.get_field(attr)
        except Exception:
            return None
        return attr

    def code_generator(self, user):
        """New codes for new records when the file has no code column: ``code_prefix`` +
        year + a number not yet used in the town (deleted records included)."""
        if not self.code_prefix:
            return None
        attr = self._column(self.match_on[0]).attr
        year = timezone.localdate().year
        stem = f"{self.code_prefix}-{year}-"
        manager = getattr(self.model, "all_objects", self.model._default_manager)
        qs = manager.all()
        if hasattr(self.model, "town_id"):
            qs = qs.filter(town_id=user.town_id)
        taken = set(qs.filter(**{f"{attr}__startswith": stem}).values_list(attr, flat=True))

        def codes():
            n = 0
            while True:
                n += 1
                code = f"{stem}{n:04d}"
                if code not in taken:
                    yield code

        return codes()

    def _label_for_field(self, fname):
        for c in self.columns:
            if c.attr == fname or c.key == fname:
                return c.label
        if fname in (None, "__all__"):
            return None
        try:
            return str(self.model._meta.get_field(fname).verbose_name)
        except Exception:
            return fname

    @property
    def cleaner(self):
        if self._cleaner is None:
            self._cleaner = RowCleaner(self.model, exclude=self.clean_exclude)
        return self._cleaner

    def validate(self, obj, values, user):
        """Row-level rules beyond single cells. Default: the model's own rules (field checks
        and ``clean()``), without the unique checks the natural key already covers."""
        errors = self.cleaner.clean(obj)
        if errors:
            raise ValidationError({(k or "__all__"): v for k, v in errors.items()})

    def write(self, plan, report):
        """All rows through the bulk write service (one path for every ledger)."""
        creates = [obj for _, obj, _ in plan if obj.pk is None]
        updates = [(obj, changed) for _, obj, changed in plan if obj.pk is not None and changed]
        result = bulk_save(
            self.model, create=creates, update=updates, acting_user=current_actor().user
        )
        report.created = len(result.created)
        report.updated = len(result.updated)
        report.unchanged = len(plan) - report.created - report.updated

    # --- export -------------------------------------------------------------------------------
    def export_value(self, c: Column, obj, user):
        if c.export is not None:
            return c.export(obj)
        value = getattr(obj, c.attr, None)
        if c.kind == "choice" and value is not None:
            return getattr(obj, f"get_{c.attr}_display")()
        if c.kind == "fk":
            if value is None and (text_attr := self.person_text_attr(c)):
                return getattr(obj, text_attr, "") or None  # a person without an account
            return str(value) if value is not None else None
        if c.kind in ("resident_id", "phone") and value and not may_see_personal(user):
            return mask(value, "phone" if c.kind == "phone" else "id")
        if isinstance(value, bool):
            return "是" if value else "否"
        return value

    def export_rows(self, queryset, user):
        headers = [c.label for c in self.columns]
        rows = (
            [self.export_value(c, obj, user) for c in self.columns]
            for obj in queryset.iterator(chunk_size=2000)
        )
        return headers, rows

    @in_source_language
    def template(self) -> bytes:
        return template_xlsx(self.import_columns())


class RecordIndex:
    """The records an import may match, by natural key: the keys of every record the user
    sees (read as values, no model instances), the records themselves loaded only for the
    keys the file holds (`load`, one query per 500) — a file of new rows loads none."""

    def __init__(self, queryset, pks: dict[tuple, int]):
        self.queryset = queryset
        self.pks = pks
        self.records: dict[tuple, Any] = {}

    def load(self, keys) -> None:
        wanted = {self.pks[k]: k for k in keys if k in self.pks and k not in self.records}
        ids = list(wanted)
        for i in range(0, len(ids), 500):
            for obj in self.queryset.filter(pk__in=ids[i : i + 500]):
                self.records[wanted[obj.pk]] = obj

    def get(self, key, default=None):
        if key not in self.pks:
            return default
        if key not in self.records:
            self.load([key])
        return self.records.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self.pks

    def __len__(self) -> int:
        return len(self.pks)

    def __bool__(self) -> bool:
        return bool(self.pks)


class MaskedValue(str):
    """A masked personal number in a re-imported export: keeps the stored value."""


class UnlinkedPerson(str):
    """A person named in a cell who has no account (yet): kept as text beside the key."""


def name_key(value) -> str:
    """A name as rows are matched by it: NFKC (full-width → half-width), no spaces, lower."""
    return p.normalize_text(str(value or ""))


def _choice_synonyms(model, field_name, choices) -> dict:
    """The administrators' synonym table for one choice field, limited to valid values."""
    from zhenwu.core.models import ChoiceSynonym

    valid = {str(v) for v, _ in p._flatten_choices(choices)}
    try:
        words = ChoiceSynonym.for_field(model, field_name)
    except Exception:  # the table does not exist yet (before migrate)
        return {}
    return {w: v for w, v in words.items() if v in valid}


def _write_failure(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, IntegrityError):
        return (
            "写入时发现与已有记录重复（编号或名称已被本镇其他记录使用，可能在您的管辖范围以外），"
            "未写入任何数据"
        )
    return str(exc)


def _key_part(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    return value


_NOT_CHANGES = frozenset({"version", "updated_at", "created_at"})


def _changed_fields(obj) -> list[str]:
    """Names of the fields whose values differ from those the record was loaded with."""
    loaded = getattr(obj, "_loaded_values", None) or {}
    return [
        f.name
        for f in obj._meta.concrete_fields
        if f.attname in loaded
        and f.name not in _NOT_CHANGES
        and not _same(loaded[f.attname], getattr(obj, f.attname))
    ]


def _same(a, b) -> bool:
    if isinstance(a, models.Model) or isinstance(b, models.Model):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        try:
            return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
        except (decimal.InvalidOperation, TypeError):
            return False
    if (
        isinstance(a, datetime.datetime)
        and isinstance(b, datetime.date)
        and not isinstance(b, datetime.datetime)
    ):
        return a.date() == b
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


def _error_items(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [(k, [m for e in v for m in e.messages]) for k, v in exc.error_dict.items()]
    return [(None, exc.messages)]


def default_lookup(ledger: Ledger, column: Column, user, text: str):
    """Find a related record by its name among those the user may use (villages: a cadre's own)."""
    f = ledger.model_field(column)
    related = f.related_model
    from zhenwu.core.models import User, Village

    if related is Village:
        qs = scoping.allowed_villages(user)
        candidates = [text, text + "村", text.removesuffix("村"), text + "社区"]
        obj = qs.filter(name__in=candidates).first()
        if obj is None:
            names = "、".join(qs.values_list("name", flat=True)[:20])
            raise p.CellError(f"找不到村（社区）「{text}」，或不在您的管辖范围。可选：{names}")
        return obj
    if related is User:
        from zhenwu.core import people

        kind = people.kind_for(ledger.model, f.name)
        qs = people.eligible(user, kind)
        obj = qs.filter(full_name=text).first() or qs.filter(username=text).first()
        if obj is None:
            # A name that belongs to an account of the town who cannot hold this role is an
            # error, not a person "without an account" to be kept as text.
            has_account = (
                User.objects.filter(town_id=getattr(user, "town_id", None))
                .filter(Q(full_name=text) | Q(username=text))
                .exists()
            )
            if not has_account and ledger.person_text_attr(column) is not None:
                return UnlinkedPerson(text.strip())
            raise p.CellError(
                f"找不到人员「{text}」（按姓名或用户名）：须为本镇在职的{people.KIND_LABELS[kind]}"
            )
        return obj
    qs = scoping.restrict(related.objects.all(), user)
    name_field = "name" if any(x.name == "name" for x in related._meta.fields) else None
    obj = qs.filter(**{name_field: text}).first() if name_field else None
    if obj is None:
        raise p.CellError(f"找不到{related._meta.verbose_name}「{text}」")
    return obj


# --- registry and HTTP helpers ---------------------------------------------------------------

_ledgers: dict[str, type[Ledger]] = {}


def register_ledger(cls: type[Ledger]) -> type[Ledger]:
    _ledgers[cls.key] = cls
    return cls


def get_ledger(key: str) -> type[Ledger] | None:
    return _ledgers.get(key)


def all_ledgers() -> dict[str, type[Ledger]]:
    return dict(_ledgers)


@in_source_language
def ledger_for(resource) -> Ledger:
    """The resource's ledger, or one derived from its list columns (export only)."""
    if resource.ledger is not None:
        return resource.ledger()
    cols = []
    for name in resource.list_columns:
        try:
            f = resource.model._meta.get_field(name)
            label = str(f.verbose_name)
        except Exception:
            f = None
            label = label_of(resource.model, name)
        kind = "choice" if getattr(f, "choices", None) else "text"
        export = None
        if f is None:
            export = _export_attribute(name)  # a property or method of the model
        elif f.many_to_many:
            export = _export_list(name)
        elif name in resource.personal_fields:
            # Masked unless the user may see personal numbers, as in the list.
            kind = "phone" if personal_kind(name) == "phone" else "resident_id"
        elif isinstance(f, models.JSONField):
            export = _export_list(name)
        cols.append(Column(key=name, label=label, kind=kind, export=export, export_only=True))
    cls = type(
        f"{resource.model.__name__}AutoLedger",
        (Ledger,),
        {
            "key": resource.key,
            "model": resource.model,
            "columns": cols,
            "title": resource.model._meta.verbose_name,
        },
    )
    return cls()


def _export_list(name):
    def export(obj):
        value = getattr(obj, name, None)
        if isinstance(value, models.Manager):
            value = list(value.all())
        if isinstance(value, (list, tuple)):
            return "、".join(str(v) for v in value)
        return value

    return export


def _export_attribute(name):
    def export(obj):
        value = getattr(obj, name, None)
        if callable(value):
            value = value()
        if isinstance(value, models.Model):
            return str(value)
        if isinstance(value, (list, tuple)):
            return "、".join(str(v) for v in value)
        return value

    return export


@in_source_language
def export_bytes(ledger: Ledger, queryset, user, fmt="xlsx") -> tuple[bytes, str, str]:
    headers, rows = ledger.export_rows(queryset, user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{ledger.title or ledger.model._meta.verbose_name}-{stamp}"
    if fmt == "csv":
        return write_csv(headers, rows), f"{name}.csv", "text/csv; charset=utf-8"
    return (
        write_xlsx(headers, rows, sheet_name=str(ledger.model._meta.verbose_name)[:31]),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(ledger: Ledger, queryset, user, fmt="xlsx"):
    from zhenwu.core.views.generic import export_http

    content, filename, ctype = export_bytes(ledger, queryset, user, fmt)
    return export_http(content, filename, ctype)


@in_source_language
def template_response(ledger_cls):
    from zhenwu.core.views.generic import export_http

    ledger = ledger_cls()
    return export_http(
        ledger.template(),
        f"{ledger.title or ledger.model._meta.verbose_name}-导入模板.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
