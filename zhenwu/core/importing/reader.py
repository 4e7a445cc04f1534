"""Read an uploaded ledger (.xlsx / .xls / .csv), find its header row, iterate its data rows.

Typical use::

    sheet = read_table(upload, upload.name)          # ImportFileError if not a spreadsheet
    header = find_header(sheet, columns)             # ImportFileError if required columns missing
    for row_number, raw in iter_rows(sheet, header): # row_number as Excel shows it
        ...  # raw = {column key: raw cell value or None}

Coordinates: ``Sheet.rows[i][j]`` is the cell at Excel row ``i + 1`` and column ``j + 1`` (even
when the used area starts further down/right), so ``HeaderMatch.columns`` holds 0-based column
indexes and :func:`column_letter` turns them into ``A``, ``B``, … ``AA``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "FOOTER_WORDS",
    "SKIP_WORDS",
    "SPREADSHEET_EXTENSIONS",
    "ColumnSpec",
    "DataRows",
    "HeaderMatch",
    "ImportFileError",
    "Sheet",
    "column_letter",
    "find_header",
    "header_unit",
    "iter_rows",
    "normalize_header",
    "read_table",
]

#: File name extensions ``read_table`` accepts.
SPREADSHEET_EXTENSIONS: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".csv")

#: A row whose first non-empty cell starts with one of these words ends the data
#: (``合计``, ``合 计：``, ``填表人：张三``, ``注：…``); the word must not be followed directly by
#: another Chinese character, so ``总计划投资``, ``注塑厂`` and ``说明书印刷`` are data.
FOOTER_WORDS: tuple[str, ...] = (
    "合计",
    "总计",
    "总合计",
    "累计",
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "审核",
    "负责人",
    "单位负责人",
    "分管领导",
    "联系人",
    "联系电话",
    "填表说明",
    "填表日期",
    "填报日期",
    "制表日期",
    "填表时间",
    "填报时间",
    "制表时间",
    "说明",
    "备注",
    "注",
)
#: Rows starting with these words are skipped (subtotals between groups of data rows).
SKIP_WORDS: tuple[str, ...] = ("小计", "其中")

_FILE_ERROR_PREFIX = "文件不是有效的 Excel（.xlsx）或 CSV 文件："


class ImportFileError(ValueError):
    """The upload as a whole cannot be imported; ``str(err)`` is the Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Data structures
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)  # compared and hashed by identity, so specs can be dict keys
class ColumnSpec:
    """One declared column of a ledger.

    ``label`` is the header written by exports and templates; ``synonyms`` are other headers
    accepted on import (compared after normalisation, see :func:`normalize_header`; a synonym
    may name a two-level header as parent+child, e.g. ``"计划总投资其中固定资产"``).
    ``fill_merged``: a cell merged over several data rows (e.g. 所属村) counts for each of them.
    Subclasses add parsers, model accessors etc. (fields added by subclasses need defaults).
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help_text: str = ""
    fill_merged: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.synonyms, str):
            self.synonyms = (self.synonyms,)
        else:
            self.synonyms = tuple(self.synonyms)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)

    def format_hint(self) -> str:
        """Accepted formats, for the template's 「填表说明」 (override to derive from a parser)."""
        return self.help_text

    def template_choices(self) -> Sequence[str]:
        """Labels offered as a drop-down list in the import template (none by default)."""
        return ()


@dataclass
class Sheet:
    """Cell values of one worksheet: ``rows[i][j]`` is Excel row ``i + 1``, column ``j + 1``.

    Values are what python-calamine gives (``str`` — ``''`` for empty cells —, ``float``,
    ``bool``, ``date``, ``datetime``, ``time``); CSV cells are all ``str``. ``merged`` holds the
    merged ranges as 0-based inclusive ``(first_row, first_col, last_row, last_col)``.
    """

    rows: list[list[Any]]
    name: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    source: str = "xlsx"  # "xlsx", "xls" or "csv"
    #: 0-based (row, column) of formula cells saved without a result (read as empty).
    uncalculated: set[tuple[int, int]] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)

    def cell(self, row: int, col: int) -> Any:
        """Value at Excel row ``row`` (1-based) and 0-based column index ``col``."""
        try:
            return self.rows[row - 1][col]
        except IndexError:
            return None


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which declared column.

    ``row``: Excel row number (1-based) of the header row — the lower row of a two-level header.
    ``columns``: column key → 0-based column index (only columns found).
    ``labels``: column key → header text as written (``计划总投资/总额`` for two-level headers).
    ``unrecognised``: ``(column index, header text)`` of non-empty header cells not used.
    ``missing``: keys of declared columns not found (required ones raise instead) — an update
    import should leave those fields alone rather than blank them.
    ``duplicates``: key → further column indexes whose header also matched that column.
    ``units``: key → unit written in the header, e.g. ``"万元"`` for ``总投资（万元）``.
    ``first_data_row``: Excel row number where data rows start.
    """

    row: int
    columns: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    unrecognised: list[tuple[int, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    first_data_row: int = 0
    specs: dict[str, ColumnSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.first_data_row:
            self.first_data_row = self.row + 1

    def letter(self, key: str) -> str:
        """Excel column letter of a found column (``"C"``)."""
        return column_letter(self.columns[key])

    def describe(self, key: str) -> str:
        """``项目名称（B列）`` — the column as a clerk finds it in the file."""
        name = self.labels.get(key) or (self.specs[key].label if key in self.specs else key)
        if key in self.columns:
            return f"{name}（{self.letter(key)}列）"
        return name


def column_letter(index: int) -> str:
    """0-based column index → Excel column letters (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", "看起来是一张图片（PNG），不是表格"),
    (b"\xff\xd8\xff", "看起来是一张图片（JPG），不是表格"),
    (b"GIF8", "看起来是一张图片（GIF），不是表格"),
    (b"BM", None),  # too short to be sure; falls through to the binary check
    (b"%PDF", "这是 PDF 文件，不是表格，请上传 Excel 文件"),
    (b"Rar!", "这是 RAR 压缩包，请解压后上传其中的 Excel 文件"),
    (b"7z\xbc\xaf", "这是 7z 压缩包，请解压后上传其中的 Excel 文件"),
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_RE = re.compile(rb"^\s*<(?:!doctype|html|table|\?xml|head|meta|body)", re.IGNORECASE)


def _file_error(reason: str) -> ImportFileError:
    return ImportFileError(_FILE_ERROR_PREFIX + reason)


def _read_bytes(file_or_path: Any, filename: str | None) -> tuple[bytes, str]:
    if isinstance(file_or_path, bytes | bytearray | memoryview):
        return bytes(file_or_path), filename or ""
    if isinstance(file_or_path, str | os.PathLike):
        path = Path(file_or_path)
        try:
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise ImportFileError(f"无法读取文件「{filename or path.name}」") from exc
    f: BinaryIO = file_or_path
    name = filename or str(getattr(f, "name", "") or "")
    try:
        if hasattr(f, "seek"):
            with contextlib.suppress(OSError, ValueError):
                f.seek(0)
        data = f.read()
    except (OSError, ValueError) as exc:
        raise ImportFileError(f"无法读取文件「{name}」") from exc
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data), name


def read_table(file_or_path: Any, filename: str | None = None) -> Sheet:
    """Read the first worksheet of an ``.xlsx``/``.xlsm``/``.xls`` file, or a ``.csv`` file.

    ``file_or_path``: a path, ``bytes``, or a binary file object (e.g. a Django
    ``UploadedFile``); ``filename`` supplies the extension (defaults to the path / ``.name``).
    The first *visible, non-empty* worksheet is read (hidden sheets holding drop-down lists and
    an empty leading "Sheet1" are passed over). Raises only :class:`ImportFileError`.
    """
    data, name = _read_bytes(file_or_path, filename)
    ext = Path(name).suffix.lower()
    if ext not in SPREADSHEET_EXTENSIONS:
        shown = f"「{ext}」" if ext else "（没有扩展名）"
        raise ImportFileError(f"不支持的文件类型{shown}：请上传 Excel（.xlsx）或 CSV（.csv）文件")
    if not data.strip():
        raise _file_error("文件是空的")
    try:
        return _read_data(data, ext)
    except ImportFileError:
        raise
    except Exception as exc:  # never let a parser library's exception escape
        raise _file_error("文件已损坏，无法读取") from exc


def _read_data(data: bytes, ext: str) -> Sheet:
    head = data[:8]
    if head.startswith(_ZIP_MAGIC):
        return _read_workbook(data, "xlsx")
    if head.startswith(_OLE_MAGIC):
        return _read_workbook(data, "xls")
    for magic, message in _MAGIC:
        if message and head.startswith(magic):
            raise _file_error(message)
    if _HTML_RE.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        raise _file_error(
            "它实际是网页（HTML）格式（常见于从其他系统导出的 .xls），"
            "请用 Excel 打开后「另存为」.xlsx 再导入"
        )
    # Plain text: a CSV — or a tab-separated "xls" as many web systems export.
    return _read_csv(data)


def _read_workbook(data: bytes, source: str) -> Sheet:
    import python_calamine as pc

    from zhenwu.core.importing import guard

    facts = None
    if source == "xlsx":
        try:
            facts = guard.check_xlsx(data)  # before calamine: it cannot be stopped once it runs
        except guard.WorkbookTooLarge as exc:
            raise ImportFileError(f"文件过大，无法导入：{exc}") from exc
        except guard.WorkbookDamaged as exc:
            raise _file_error(_explain_bad_workbook(data, source)) from exc
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise _file_error("文件设置了打开密码，请取消密码后再导入") from exc
    except Exception as exc:
        raise _file_error(_explain_bad_workbook(data, source)) from exc
    try:
        first_name = None
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != pc.SheetVisibleEnum.Visible:
                continue
            if first_name is None:
                first_name = meta.name
            sheet = wb.get_sheet_by_name(meta.name)
            _check_grid(sheet)  # the grid to_python pads from A1, before it is built
            rows = sheet.to_python(skip_empty_area=False)
            if not any(any(v != "" for v in row) for row in rows):
                continue
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
            sheet_facts = facts.sheets.get(meta.name) if facts else None
            return Sheet(
                rows=rows,
                name=meta.name,
                merged=merged,
                source=source,
                uncalculated=sheet_facts.uncalculated if sheet_facts else set(),
            )
    except ImportFileError:
        raise
    except pc.PasswordError as exc:
        raise _file_error("文件设置了打开密码，请取消密码后再导入") from exc
    except Exception as exc:
        raise _file_error("文件已损坏，无法读取工作表") from exc
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    if first_name is None:
        raise ImportFileError("Excel 文件中没有可见的工作表")
    raise ImportFileError(f"工作表「{first_name}」是空的，没有任何内容")


def _check_grid(sheet) -> None:
    """Refuse a used area past ``guard.MAX_CELLS`` before ``to_python`` pads it from A1."""
    from zhenwu.core.importing import guard

    end = sheet.end
    if not end:
        return
    rows, cols = end[0] + 1, end[1] + 1
    if cols > guard.MAX_COLUMNS or rows * cols > guard.MAX_CELLS:
        raise ImportFileError(
            f"文件过大，无法导入：工作表的使用区域过大（用到第 {rows:,} 行、第 {cols:,} 列），"
            f"超过上限 {guard.MAX_CELLS:,} 个单元格；请删除表格下方和右侧多余的单元格（含格式），"
            "或分成几个文件导入"
        )


def _explain_bad_workbook(data: bytes, source: str) -> str:
    if source == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return "文件已损坏（可能没有上传完整），请重新保存后再导入"
        if any(n.startswith("word/") for n in names):
            return "这是 Word 文档，不是 Excel 表格"
        if any(n.startswith("ppt/") for n in names):
            return "这是 PowerPoint 文件，不是 Excel 表格"
        if not any(n.startswith("xl/") for n in names):
            return "这是一个压缩包，不是 Excel 文件，请解压后上传其中的表格"
        return "文件已损坏，无法读取"
    return "文件已损坏或不是 Excel 格式（如设置了密码，请取消后再导入）"


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)  # Excel "Unicode text" (tab-separated)
    else:
        if b"\x00" in data[:8192]:
            raise _file_error("文件内容不是文本表格，也不是 Excel 格式")
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text[:8192]:
            break
        return text
    raise _file_error("无法识别文件的文字编码，请在 Excel 中另存为 .xlsx 后再导入")


def _sniff_delimiter(text: str) -> str:
    sample = [line for line in text[:65536].splitlines()[:20] if line.strip()][:10]
    if not sample:
        return ","
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    if counts["\t"] and counts["\t"] >= counts[","]:
        return "\t"
    if counts[","]:
        return ","
    if counts[";"]:
        return ";"
    return ","


def _read_csv(data: bytes) -> Sheet:
    text = _decode_text(data)
    delimiter = _sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _file_error("CSV 文件格式有误（引号不配对？）") from exc
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    if not rows:
        raise _file_error("文件是空的")
    return Sheet(rows=rows, name="", merged=[], source="csv")


# ---------------------------------------------------------------------------------------------
# Header detection
# ---------------------------------------------------------------------------------------------

_WS_RE = re.compile(r"\s+")
_BRACKETS_RE = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|〈[^〈〉]*〉"
)
_EDGE_MARKS = "*※★☆▲△●◆■:;,.、·-_"
#: Sub-headers under a merged parent that stand for the parent itself (计划总投资 / 总额).
_TOTAL_WORDS = frozenset({"总额", "总计", "合计", "小计", "总数", "总量", "金额", "计", "总"})
_UNIT_IN_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^【】]*)】|单位[:：]?(\S+)")
_UNIT_WORDS = (
    ("亿元", "亿元"),
    ("万元", "万元"),
    ("千元", "千元"),
    ("万亩", "万亩"),
    ("平方米", "平方米"),
    ("m2", "平方米"),
    ("公顷", "公顷"),
    ("亩", "亩"),
    ("元", "元"),
    ("%", "%"),
    ("万人", "万人"),
    ("人", "人"),
    ("户", "户"),
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, str):
        return _WS_RE.sub(" ", value).strip()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def normalize_header(text: Any) -> str:
    """Header text as compared: NFKC (full-width → half-width), no whitespace, lower case,
    without leading/trailing markers such as ``*`` or ``：``."""
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", _cell_text(text))).lower()
    return s.strip(_EDGE_MARKS)


def _bare(normalized: str) -> str:
    """Normalised header without bracketed parts (units, notes): ``总投资(万元)`` → ``总投资``."""
    if not any(c in normalized for c in "([【〔<〈"):
        return normalized
    bare = _BRACKETS_RE.sub("", normalized).strip(_EDGE_MARKS)
    return bare or normalized


def header_unit(text: Any) -> str | None:
    """The unit written in a header: ``总投资（万元）`` → ``"万元"``, ``面积(㎡)`` → ``"平方米"``,
    ``单位：亿元`` → ``"亿元"``; ``None`` when there is none."""
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", _cell_text(text))).lower()
    for m in _UNIT_IN_BRACKETS.finditer(s):
        inner = next(g for g in m.groups() if g is not None)
        inner = inner.removeprefix("单位").lstrip(":：")
        for word, unit in _UNIT_WORDS:
            if inner == word or (inner.endswith(word) and len(inner) <= len(word) + 1):
                return unit
    return None


def _fill_merged(
    grid: list[list[str]], merged: Sequence[tuple[int, int, int, int]], n_rows: int
) -> set[tuple[int, int]]:
    """Copy each merged range's value into all its cells; returns the cells filled sideways
    (right of the range's first column), which belong to the column on their left."""
    sideways: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in merged:
        if r0 >= n_rows:
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        if not value:
            continue
        for r in range(r0, min(r1, n_rows - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
                if c != c0:
                    sideways.add((r, c))
    return sideways


@dataclass
class _RowMatch:
    index: int
    columns: dict[str, int]
    tiers: dict[str, int]
    labels: dict[str, str]
    duplicates: dict[str, list[int]]
    required: int
    uses_parent: bool

    @property
    def score(self) -> tuple[int, int]:
        return (self.required, len(self.columns))


def _match_row(
    grid: list[list[str]],
    i: int,
    specs: Sequence[ColumnSpec],
    full: dict[str, list[int]],
    bare: dict[str, list[int]],
    has_merges: bool,
    sideways: set[tuple[int, int]],
) -> _RowMatch:
    row = grid[i]
    parent_row = grid[i - 1] if i > 0 else []
    candidates: list[tuple[int, int, int, str]] = []  # (tier, column, spec index, label)
    last_parent = ""
    for j, child in enumerate(row):
        parent = parent_row[j] if j < len(parent_row) else ""
        if parent:
            last_parent = parent
        elif not has_merges and child:
            parent = last_parent  # CSV: a "merged" parent only appears above its first child
        if not child and not parent:
            continue
        nchild = normalize_header(child) if child else ""
        if nchild:
            for k in full.get(nchild, ()):
                candidates.append((0, j, k, child))
            bchild = _bare(nchild)
            for k in bare.get(bchild, ()):
                candidates.append((1, j, k, child))
        if parent and parent != child:
            nparent = normalize_header(parent)
            if nchild:
                label = f"{parent}/{child}"
                combined = nparent + nchild
                for k in full.get(combined, ()):
                    candidates.append((2, j, k, label))
                for k in bare.get(_bare(nparent) + _bare(nchild), ()):
                    candidates.append((2, j, k, label))
            if not nchild or _bare(nchild) in _TOTAL_WORDS:
                label = f"{parent}/{child}" if child else parent
                for k in full.get(nparent, ()):
                    candidates.append((3, j, k, label))
                for k in bare.get(_bare(nparent), ()):
                    candidates.append((3, j, k, label))
    candidates.sort()
    columns: dict[str, int] = {}
    tiers: dict[str, int] = {}
    labels: dict[str, str] = {}
    duplicates: dict[str, list[int]] = {}
    used: set[int] = set()
    for tier, j, k, label in candidates:
        key = specs[k].key
        if key in columns:
            if tiers[key] == tier and j not in used and (i, j) not in sideways:
                duplicates.setdefault(key, []).append(j)
            continue
        if j in used:
            continue
        columns[key] = j
        tiers[key] = tier
        labels[key] = label
        used.add(j)
    for key, cols in list(duplicates.items()):
        cols[:] = [c for c in dict.fromkeys(cols) if c not in used]
        if not cols:
            del duplicates[key]
    required = sum(1 for s in specs if s.required and s.key in columns)
    uses_parent = any(t >= 2 for t in tiers.values())
    return _RowMatch(i, columns, tiers, labels, duplicates, required, uses_parent)


def find_header(
    rows: Sheet | Sequence[Sequence[Any]],
    columns: Sequence[ColumnSpec],
    scan_rows: int = 20,
    *,
    merged: Sequence[tuple[int, int, int, int]] | None = None,
) -> HeaderMatch:
    """Find the header row among the first ``scan_rows`` rows.

    The row matching the most declared columns wins (required columns first). Header cells are
    compared by :func:`normalize_header`; a bracketed unit or note is ignored when the full text
    does not match (``总投资（万元）`` matches ``总投资``). Merged cells are filled into every
    cell they cover, and for two-level headers a sub-header is tried as ``parent+child``, as
    ``child`` alone, and — when it is empty or a word like ``总额``/``合计`` — as ``parent``.
    Raises :class:`ImportFileError` naming the required columns not found.
    """
    if isinstance(rows, Sheet):
        if merged is None:
            merged = rows.merged
        rows = rows.rows
    merged = list(merged or ())
    specs = list(columns)
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate column keys in the ledger declaration")
    full: dict[str, list[int]] = {}
    bare: dict[str, list[int]] = {}
    for k, spec in enumerate(specs):
        for name in spec.names:
            n = normalize_header(name)
            if not n:
                continue
            if k not in full.setdefault(n, []):
                full[n].append(k)
            b = _bare(n)
            if k not in bare.setdefault(b, []):
                bare[b].append(k)

    n_scan = min(scan_rows, len(rows))
    grid = [[_cell_text(v) for v in rows[i]] for i in range(n_scan)]
    sideways = _fill_merged(grid, merged, n_scan)

    best: _RowMatch | None = None
    for i in range(n_scan):
        if not any(grid[i]):
            continue
        filled = [t for t in grid[i] if t]
        if len(filled) == 1 and _SECTION_RE.match(filled[0]) and i > 0:
            continue  # 「一、工业项目」 under the header: a section title, not a sub-header
        m = _match_row(grid, i, specs, full, bare, bool(merged), sideways)
        if not m.columns:
            continue
        if (
            best is None
            or m.score > best.score
            or (m.score == best.score and m.uses_parent and m.index == best.index + 1)
        ):
            best = m

    required_specs = [s for s in specs if s.required]
    if best is None or best.required < len(required_specs):
        found = best.columns if best else {}
        missing = [s.label for s in required_specs if s.key not in found]
        if missing:
            names = "".join(f"「{label}」" for label in missing)
            raise ImportFileError(
                f"未找到表头：缺少必填列{names}。请确认表头在前{scan_rows}行内，"
                "且列名与导入模板一致"
            )
        expected = "".join(f"「{s.label}」" for s in specs[:6])
        raise ImportFileError(
            f"未找到表头：前{scan_rows}行中没有任何一行包含所需的列（如{expected}）"
        )

    i = best.index
    # Data starts below every merged header cell that reaches into the header row.
    data_start = i + 1
    for r0, _c0, r1, _c1 in merged:
        if r0 <= i <= r1 and r1 + 1 > data_start and r1 - i <= 3:
            data_start = r1 + 1
    if _is_column_number_row(rows, data_start):
        data_start += 1

    header_cells = grid[i]
    used = set(best.columns.values())
    parent_row = grid[i - 1] if i > 0 else []
    unrecognised: list[tuple[int, str]] = []
    for j, text in enumerate(header_cells):
        if j in used or not text or (i, j) in sideways:
            continue
        parent = parent_row[j] if j < len(parent_row) else ""
        label = f"{parent}/{text}" if best.uses_parent and parent and parent != text else text
        unrecognised.append((j, label))

    units: dict[str, str] = {}
    for key, label in best.labels.items():
        unit = header_unit(label.rsplit("/", 1)[-1]) or header_unit(label)
        if unit:
            units[key] = unit

    return HeaderMatch(
        row=i + 1,
        columns=dict(sorted(best.columns.items(), key=lambda kv: kv[1])),
        labels=best.labels,
        unrecognised=unrecognised,
        missing=[s.key for s in specs if s.key not in best.columns],
        duplicates=best.duplicates,
        units=units,
        first_data_row=data_start + 1,
        specs={s.key: s for s in specs},
    )


_COLUMN_NUMBER_LETTERS = "甲乙丙丁戊己庚辛壬癸"


def _is_column_number_row(rows: Sequence[Sequence[Any]], i: int) -> bool:
    """The row of column numbers many official forms have under the header (甲 乙 1 2 3 …)."""
    if i >= len(rows):
        return False
    numbers: list[int] = []
    for v in rows[i]:
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            if not float(v).is_integer():
                return False
            numbers.append(int(v))
        elif isinstance(v, str):
            s = v.strip()
            if not s:
                continue
            if s in _COLUMN_NUMBER_LETTERS:
                continue
            if not s.isdigit():
                return False
            numbers.append(int(s))
        else:
            return False
    if len(numbers) < 3:
        return False
    return all(b == a + 1 for a, b in itertools.pairwise(numbers))


# ---------------------------------------------------------------------------------------------
# Data rows
# ---------------------------------------------------------------------------------------------

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SECTION_RE = re.compile(r"[(（]?[一二三四五六七八九十]+[)）、.．]")


def _starts_with_word(text: str, words: Sequence[str]) -> str | None:
    """The word ``text`` starts with (spaces inside the word allowed), if it is not directly
    followed by another Chinese character."""
    compact = _WS_RE.sub("", text)
    for word in words:
        if not compact.startswith(word):
            continue
        rest = compact[len(word) :]
        if not rest or not _CJK_RE.match(rest):
            return word
        # "填表人 张三": the word is followed by whitespace in the original text.
        pos = 0
        n = len(text)
        for _ch in word:
            while pos < n and text[pos].isspace():
                pos += 1
            pos += 1
        if pos < n and text[pos].isspace():
            return word
    return None


class DataRows:
    """Iterable of ``(excel_row_number, {key: raw value})`` for the rows below the header.

    Skips completely blank rows (all found columns empty — pre-numbered empty template rows
    count as blank), copies of the header row (tables pasted together), subtotal rows (``SKIP_WORDS``) and section heading rows (first non-empty
    cell like ``一、续建项目`` / ``（二）工业项目``), and stops at the first footer row (``FOOTER_WORDS``).
    Empty cells come through as ``None``. After iterating, ``footer_row`` is the Excel row of the
    footer that ended the data (or ``None``) and ``skipped`` lists ``(row, reason)`` for the
    non-blank rows that were passed over.
    """

    def __init__(
        self,
        sheet: Sheet,
        header: HeaderMatch,
        *,
        footer_words: Sequence[str] = FOOTER_WORDS,
        skip_words: Sequence[str] = SKIP_WORDS,
        skip_sections: bool = True,
    ):
        self.sheet = sheet
        self.header = header
        self.footer_words = tuple(footer_words)
        self.skip_words = tuple(skip_words)
        self.skip_sections = skip_sections
        self.footer_row: int | None = None
        self.skipped: list[tuple[int, str]] = []

    def _merged_fill(self) -> dict[tuple[int, int], Any]:
        fill_cols = {
            self.header.columns[key]
            for key, spec in self.header.specs.items()
            if spec.fill_merged and key in self.header.columns
        }
        fill: dict[tuple[int, int], Any] = {}
        if not fill_cols:
            return fill
        rows = self.sheet.rows
        for r0, c0, r1, c1 in self.sheet.merged:
            cols = fill_cols.intersection(range(c0, c1 + 1))
            if not cols or r1 == r0 or r0 >= len(rows):
                continue
            value = rows[r0][c0] if c0 < len(rows[r0]) else None
            for r in range(r0 + 1, r1 + 1):
                for c in cols:
                    fill[(r, c)] = value
        return fill

    def _repeated_header_check(self, items: list[tuple[str, int]]) -> Any:
        """A test for copies of the header row among the data (tables pasted together)."""
        if not items:
            return None
        first_key, first_col = min(items, key=lambda kv: kv[1])
        rows = self.sheet.rows
        header_rows = [rows[r] for r in (self.header.row - 1, self.header.row - 2) if r >= 0]
        texts: dict[str, set[str]] = {key: set() for key, _ in items}
        for row in header_rows:
            for key, j in items:
                if j < len(row) and isinstance(row[j], str) and row[j].strip():
                    texts[key].add(normalize_header(row[j]))
        if not texts[first_key]:
            return None
        first_texts = {row[first_col] for row in header_rows if first_col < len(row)}

        def check(record: dict[str, Any]) -> bool:
            v = record[first_key]
            if type(v) is not str or v not in first_texts:
                return False
            return all(
                v is None or (isinstance(v, str) and normalize_header(v) in texts[key])
                for key, v in record.items()
            )

        return check

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self.footer_row = None
        self.skipped = []
        items = list(self.header.columns.items())
        width = max((j for _, j in items), default=-1) + 1
        fill = self._merged_fill()
        fill_cols = {j for (_, j) in fill}
        fill_items = [(k, j) for k, j in items if j in fill_cols]
        footer_words = self.footer_words
        skip_words = self.skip_words
        skip_sections = self.skip_sections
        first_chars = {w[0] for w in (*footer_words, *skip_words) if w}
        if skip_sections:
            first_chars.update("（(一二三四五六七八九十")
        rows = self.sheet.rows
        repeat_check = self._repeated_header_check(items)
        for i in range(self.header.first_data_row - 1, len(rows)):
            row = rows[i]
            first = None
            for v in row:
                if v != "" and v is not None:
                    first = v
                    break
            if first is None:
                continue
            if type(first) is str:
                text = first.strip()
                if text and text[0] in first_chars:
                    if _starts_with_word(text, footer_words):
                        self.footer_row = i + 1
                        return
                    word = _starts_with_word(text, skip_words)
                    if word:
                        self.skipped.append((i + 1, f"{word}行"))
                        continue
                    if skip_sections and _SECTION_RE.match(text):
                        self.skipped.append((i + 1, "分类标题行"))
                        continue
            if len(row) >= width:
                record = {key: row[j] for key, j in items}
            else:
                n = len(row)
                record = {key: (row[j] if j < n else None) for key, j in items}
            blank = True
            for key, v in record.items():
                if v == "":
                    record[key] = None
                elif blank and v is not None and (type(v) is not str or v.strip()):
                    blank = False
            for key, j in fill_items:
                if record[key] is None and (i, j) in fill:
                    v = fill[(i, j)]
                    record[key] = None if v == "" else v
                    blank = blank and record[key] is None
            if blank:
                continue
            if repeat_check is not None and repeat_check(record):
                self.skipped.append((i + 1, "重复的表头行"))
                continue
            yield i + 1, record


def iter_rows(
    sheet: Sheet,
    header: HeaderMatch,
    *,
    footer_words: Sequence[str] = FOOTER_WORDS,
    skip_words: Sequence[str] = SKIP_WORDS,
    skip_sections: bool = True,
) -> DataRows:
    """Data rows below the header: ``for excel_row, raw in iter_rows(sheet, header)``.

    See :class:`DataRows`; keep the returned object to inspect ``footer_row``/``skipped``.
    """
    return DataRows(
        sheet,
        header,
        footer_words=footer_words,
        skip_words=skip_words,
        skip_sections=skip_sections,
    )
