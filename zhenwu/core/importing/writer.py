"""Write ledgers back out (.xlsx / .csv) and build import templates.

An export written with the ledger's column labels as ``headers`` is read back by
``reader.read_table`` + ``reader.find_header`` unchanged: dates are real Excel dates,
``Decimal``/``int``/``float`` are numbers, ``bool`` is written as ``是``/``否``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .reader import ColumnSpec

__all__ = ["template_xlsx", "write_csv", "write_xlsx"]

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_WIDTH_SAMPLE = 200
_MIN_WIDTH = 8
_MAX_WIDTH = 50


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    text = text.split("\n", 1)[0]
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _column_widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[float]:
    widths = []
    for j, header in enumerate(headers):
        w = _display_width(header)
        for row in sample:
            if j < len(row):
                w = max(w, _display_width(row[j]))
        widths.append(min(max(w + 2, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _styled(ws: Any, value: Any, font: Font, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.font = font
    if fill is not None:
        cell.fill = fill
        cell.border = _HEADER_BORDER
        cell.alignment = _CENTER
    return cell


def _xlsx_value(ws: Any, value: Any) -> Any:
    t = type(value)
    if value is None or t is int or t is float or t is Decimal:
        return value
    if t is str:
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):  # text, not a formula
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            return cell
        return value
    if t is bool:
        return "是" if value else "否"
    if t is date:
        return value  # openpyxl gives dates the yyyy-mm-dd number format
    if t is datetime:
        # Excel has no time zones: pass local (e.g. django.utils.timezone.localtime) values.
        cell = WriteOnlyCell(ws, value.replace(tzinfo=None) if value.tzinfo else value)
        cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, time):
        return value
    return _xlsx_value(ws, str(value))


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    sheet_name: str = "Sheet1",
) -> bytes:
    """One-sheet .xlsx: optional ``title`` merged across row 1, bold header row, data below.

    Uses openpyxl's write-only mode, so ``rows`` may be a generator over a large queryset.
    Column widths are estimated from the header and the first rows; panes are frozen below
    the header.
    """
    rows_iter = iter(rows)
    sample = list(itertools.islice(rows_iter, _WIDTH_SAMPLE))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(sheet_name))
    ncols = max(len(headers), 1)
    for j, width in enumerate(_column_widths(headers, sample), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    header_row = 2 if title else 1
    ws.freeze_panes = f"A{header_row + 1}"
    if title:
        if ncols > 1:
            ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
        title_cell = _styled(ws, title, _TITLE_FONT)
        title_cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 28
        ws.append([title_cell])
    ws.append([_styled(ws, h, _HEADER_FONT, _HEADER_FILL) for h in headers])
    append = ws.append
    for row in itertools.chain(sample, rows_iter):
        append([_xlsx_value(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet1"


def _csv_value(value: Any) -> Any:
    t = type(value)
    if value is None:
        return ""
    if t is str:
        # Keep Excel from running a cell as a formula (CSV injection); the leading tab is
        # stripped again by the parsers on re-import.
        first = value[:1]
        if first in ("=", "+", "@") or (first == "-" and value != "-" and not _is_number(value)):
            return "\t" + value
        return value
    if t is int:
        return str(value)
    if t is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}"
    if t is Decimal:
        return format(value, "f")
    if t is bool:
        return "是" if value else "否"
    if t is datetime:
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        return text.removesuffix(" 00:00:00")
    if t is date:
        return value.isoformat()
    return _csv_value(str(value))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with BOM (so Excel opens it correctly), CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------

_GENERAL_NOTES = (
    "1. 请在「{sheet}」工作表中填写，每行一条记录；表头（第一行）的列名请勿修改。",
    "2. 表头上方可以有标题行；列的顺序可以调整，不需要的非必填列可以删除。",
    "3. 红色列名为必填列，其余为选填。",
    "4. 日期可填写为 2025-03-05、2025/3/5、2025.3.5 或 2025年3月5日；"
    "月份可填写为 2025-03 或 2025年3月。",
    "5. 金额可填写为数字（单位以列名为准），也可带单位，如 1.2亿元、8000万、3500元。",
    "6. 表格末尾的「合计」「填表人」等行会被自动忽略。",
    "7. 导入时如有任何一处错误，整张表都不会导入，系统会列出每个错误所在的行和列。",
)


def template_xlsx(
    columns: Sequence[ColumnSpec],
    sheet_name: str = "数据",
    notes: Sequence[str] = (),
) -> bytes:
    """An empty import template: the header row holds the column labels (required ones in
    red, with their format hint as a cell comment); a second sheet 「填表说明」 lists every
    column with whether it is required, its accepted formats (``ColumnSpec.help_text``) and the
    other column names accepted. Columns whose ``template_choices()`` is non-empty get a
    drop-down list. ``notes`` are extra lines appended to the general instructions.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_name)
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=col.label)
        cell.font = _REQUIRED_FONT if col.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _CENTER
        hint = _format_hint(col)
        if hint:
            cell.comment = Comment(hint, "镇务")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = min(max(_display_width(col.label) + 4, 12), _MAX_WIDTH)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet("填表说明")
    help_ws.append(["填表说明"])
    help_ws["A1"].font = _TITLE_FONT
    for line in (*_GENERAL_NOTES, *notes):
        help_ws.append([line.format(sheet=ws.title)])
    help_ws.append([])
    header_row = help_ws.max_row + 1
    help_ws.append(["列名", "是否必填", "填写说明", "也可使用的列名"])
    for cell in help_ws[header_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _CENTER
    for col in columns:
        help_ws.append(
            [
                col.label,
                "必填" if col.required else "选填",
                _format_hint(col),
                "、".join(col.synonyms),
            ]
        )
        for cell in help_ws[help_ws.max_row]:
            cell.alignment = _WRAP
    for letter, width in zip("ABCD", (24, 10, 60, 40), strict=True):
        help_ws.column_dimensions[letter].width = width

    choice_cols = [(j, col) for j, col in enumerate(columns, start=1) if col.template_choices()]
    if choice_cols:
        lists_ws = wb.create_sheet("选项")
        lists_ws.sheet_state = "hidden"
        for n, (j, col) in enumerate(choice_cols, start=1):
            options = [str(o) for o in col.template_choices()]
            for r, option in enumerate(options, start=1):
                lists_ws.cell(row=r, column=n, value=option)
            src = get_column_letter(n)
            dv = DataValidation(
                type="list",
                formula1=f"'选项'!${src}$1:${src}${len(options)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请选择",
                error=f"「{col.label}」请从下拉列表中选择",
            )
            letter = get_column_letter(j)
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _format_hint(col: ColumnSpec) -> str:
    return str(col.format_hint() or "")
