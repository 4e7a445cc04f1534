"""Bounds checked on an uploaded workbook *before* python-calamine reads it (issue 9.1, 9.2).

python-calamine builds a dense grid of the used area (`Range`: width × height cells of 32 bytes)
and `to_python(skip_empty_area=False)` pads it from A1 again, so one cell at XFD1048576 asks for
512 GiB and the process aborts (SIGABRT — no exception to catch). A shared string is copied into
every cell that refers to it, and a zip member may inflate a thousandfold, so a 200 KB upload can
grow a worker by gigabytes. Nothing of that can be caught once calamine runs; it is refused here,
from the zip's own bytes, streamed in chunks (never more than a few MB in memory):

- the zip: at most ``MAX_MEMBERS`` members, each member's *declared* size and their sum at most
  ``MAX_UNCOMPRESSED``, and the *actual* inflated size of every part calamine reads (worksheets,
  shared strings) checked while streaming — a member that inflates past what it declares fails
  its CRC in :mod:`zipfile` and is refused as damaged;
- every worksheet: its used area (the largest row and column any ``<row r>``/``<c r>`` names)
  and its number of cells at most ``MAX_CELLS``, its columns at most ``MAX_COLUMNS``;
- shared strings: the bytes every string cell would copy (number of string cells × longest
  shared string; counted exactly when that estimate is too large) at most ``MAX_STRING_BYTES``.

It also notes formula cells saved without a result (``<c><f>…</f></c>``, no ``<v>``): files
written by programs hold formulas Excel never calculated, which read as empty cells.

Legacy ``.xls`` files are checked after calamine has loaded the sheet (the BIFF grid cannot
exceed 65,536 × 256 cells), before the grid is turned into Python objects.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

#: The limits. A 50,000-row × 30-column ledger is 1.5 million cells and ~60 MB of XML.
MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # all members together, as declared
MAX_PART_BYTES = 300 * 1024 * 1024  # one worksheet or the shared strings, as inflated
MAX_CELLS = 6_000_000  # rows × columns of the used area
MAX_COLUMNS = 2_000
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_STRING_BYTES = 512 * 1024 * 1024  # text the string cells copy from the shared strings

_CHUNK = 4 * 1024 * 1024

_ROW_REF = re.compile(rb"<row\b[^>]*?\sr=\"([0-9]{1,9})\"")
_STRING_CELL = re.compile(rb"<c\b[^>]*?\st=\"s\"[^>]*>\s*<v>\s*([0-9]{1,9})\s*</v>")
_UNCALCULATED = re.compile(
    rb"<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<is>\s*</is>\s*)?</c>"
)
_R_ATTR = re.compile(rb"\sr=\"([A-Z]{1,4})([0-9]{1,9})\"")
_SI = re.compile(rb"<si[\s>]")

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class WorkbookTooLarge(ValueError):
    """The workbook exceeds a bound; ``str(err)`` is the Chinese message."""


class WorkbookDamaged(ValueError):
    """A zip member does not inflate to what it declares (or is not a zip at all)."""


@dataclass
class SheetFacts:
    path: str
    max_row: int = 0  # 1-based, 0 when no cell names its row
    max_col: int = 0  # 1-based
    cells: int = 0
    string_cells: int = 0
    uncalculated: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, col)


@dataclass
class WorkbookFacts:
    sheets: dict[str, SheetFacts] = field(default_factory=dict)  # by sheet name
    by_path: dict[str, SheetFacts] = field(default_factory=dict)


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def check_xlsx(data: bytes) -> WorkbookFacts:
    """Refuse a workbook past the bounds (:class:`WorkbookTooLarge`, with the Chinese reason);
    answer what was learnt on the way (per sheet: used area, formulas without results)."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookDamaged(str(exc)) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise WorkbookTooLarge(
                f"文件包含 {len(infos):,} 个部件，超过上限 {MAX_MEMBERS:,}，不像是普通的 Excel 表格"
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNCOMPRESSED:
            raise WorkbookTooLarge(
                f"文件解压后有 {_mb(declared)}，超过上限 {_mb(MAX_UNCOMPRESSED)}；"
                "请删除多余的工作表和内容，或分成几个文件导入"
            )
        names = {i.filename: i for i in infos}
        facts = WorkbookFacts()
        sheet_paths = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for path in sheet_paths:
            facts.by_path[path] = _scan_sheet(zf, names[path])
        longest, count = 0, 0
        if "xl/sharedStrings.xml" in names:
            longest, count = _scan_shared_strings(zf, names["xl/sharedStrings.xml"])
        string_cells = sum(f.string_cells for f in facts.by_path.values())
        if longest and string_cells * longest > MAX_STRING_BYTES:
            total = sum(_exact_string_bytes(zf, names[p], count) for p in sheet_paths)
            if total > MAX_STRING_BYTES:
                raise WorkbookTooLarge(
                    f"表格中的文字展开后有 {_mb(total)}，超过上限 {_mb(MAX_STRING_BYTES)}；"
                    "请检查是否有大量重复的超长文字"
                )
        for name, path in _sheet_paths_by_name(zf, names).items():
            if path in facts.by_path:
                facts.sheets[name] = facts.by_path[path]
    return facts


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the member's inflated bytes in chunks, refusing more than ``MAX_PART_BYTES``.

    `zipfile` never yields more than the declared size and checks the CRC at the end, so a
    member that declares less than it inflates to is refused as damaged."""
    if info.file_size > MAX_PART_BYTES:
        raise WorkbookTooLarge(
            f"工作表「{info.filename.rsplit('/', 1)[-1]}」解压后有 {_mb(info.file_size)}，"
            f"超过上限 {_mb(MAX_PART_BYTES)}；请分成几个文件导入"
        )
    seen = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                seen += len(chunk)
                if seen > MAX_PART_BYTES:  # pragma: no cover - zipfile stops at the declared size
                    raise WorkbookTooLarge(f"工作表解压后超过上限 {_mb(MAX_PART_BYTES)}")
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise WorkbookDamaged(str(exc)) from exc
    except RuntimeError as exc:  # encrypted member
        raise WorkbookDamaged(str(exc)) from exc


def _elements(zf, info, end_tag: bytes):
    """The member's bytes in pieces that each end after a complete ``end_tag`` (so no element
    the regular expressions look for is cut in two); the rest comes last."""
    carry = b""
    for chunk in _read_member(zf, info):
        buf = carry + chunk
        cut = buf.rfind(end_tag)
        if cut < 0:
            carry = buf
            if len(carry) > 2 * _CHUNK + MAX_COLUMNS * 64:
                # one element larger than this: give the regexps what there is
                yield carry
                carry = b""
            continue
        cut += len(end_tag)
        yield buf[:cut]
        carry = buf[cut:]
    if carry:
        yield carry


#: cells whose first attribute is not ``r`` (``<c>``, ``<c s="1" r="A1">``), and references
#: with two or more column letters or six or more row digits (the rest lie within A1:Z99999)
_ODD_CELL = re.compile(rb'<c(?:(?! r=")[\s>/]| r="(?:[A-Z]{2,4}[0-9]{1,9}|[A-Z][0-9]{6,9}))')


def _scan_sheet(zf, info) -> SheetFacts:
    """The sheet's used area and cell count, and its formulas without results.

    Fast path (Excel, WPS and openpyxl write ``r`` first on every ``<c>`` and ``<row>``): the
    widest column from a handful of substring searches, the largest row from the refs with six
    or more digits. Cells without a leading ``r`` (a column or row then follows the previous
    one) take the exact path: every reference read, and each row's cells counted."""
    facts = SheetFacts(path=info.filename)
    max_row = max_col = 0
    exact = False
    for piece in _elements(zf, info, b"</row>"):
        facts.cells += piece.count(b"<c")  # an upper bound (<col>, <cfRule> count too)
        facts.string_cells += piece.count(b't="s"')
        _check_area(facts, max_row, max_col)  # the cell count, before reading references
        # one pass: cells without a leading reference, and wide or deep references
        odd = [] if exact else _ODD_CELL.findall(piece)
        if not exact and any(not m.startswith(b'<c r="') for m in odd):
            exact = True
        if exact:
            r, c = _exact_area(piece)
        else:
            r, c = _fast_area(piece, odd)
        max_row, max_col = max(max_row, r), max(max_col, c)
        if b"<f" in piece:
            for m in _UNCALCULATED.finditer(piece):
                ref = _R_ATTR.search(b" " + m.group(1))
                if ref:
                    facts.uncalculated.add((int(ref.group(2)) - 1, column_number(ref.group(1)) - 1))
        _check_area(facts, max_row, max_col)
    facts.max_row, facts.max_col = max_row, max_col
    return facts


def _fast_area(piece: bytes, odd: list[bytes]) -> tuple[int, int]:
    """Upper bounds of the used area when every cell starts with its reference: only the
    references with two or more column letters, or six or more row digits, are read."""
    max_col, max_row = 26, 0
    for ref in odd:
        m = _R_ATTR.search(ref + b'"')
        if m is None:
            continue
        max_col = max(max_col, column_number(m.group(1)))
        max_row = max(max_row, int(m.group(2)))
    if max_row >= 100_000:
        return max_row, max_col
    if 99_999 * max_col > MAX_CELLS:  # wide sheet: read every row reference
        return _exact_area(piece)[0], max_col
    m = piece.rfind(b'<row r="')  # every reference is below 100,000: report the last row
    end = piece.find(b'"', m + 8) if m >= 0 else -1
    digits = piece[m + 8 : end] if m >= 0 else b""
    return (int(digits) if digits.isdigit() else 0), max_col


def _exact_area(piece: bytes) -> tuple[int, int]:
    """Largest row and column calamine would place a cell at, references or not."""
    max_row = max_col = 0
    row = 0
    for row_xml in piece.split(b"</row>"):
        m = _ROW_REF.search(row_xml)
        row = int(m.group(1)) if m else row + 1
        col = 0
        if row_xml.count(b' r="') <= 1:  # no cell names its place: one after the other
            max_col = max(max_col, row_xml.count(b"<c"))
            if row_xml.strip():
                max_row = max(max_row, row)
            continue
        for cell in _CELL_ANY.finditer(row_xml):
            ref = _R_ATTR.search(cell.group(0))
            if ref:
                col = column_number(ref.group(1))
                row_of_cell = int(ref.group(2))
                max_row = max(max_row, row_of_cell)
            else:
                col += 1
            max_col = max(max_col, col)
        if row_xml.strip():
            max_row = max(max_row, row)
    return max_row, max_col


_CELL_ANY = re.compile(rb"<c(?:\s[^>]*)?/?>")


def _check_area(facts: SheetFacts, max_row: int, max_col: int) -> None:
    where = f"（用到第 {max_row:,} 行、第 {max_col:,} 列）" if max_row and max_col else ""
    if max_row > MAX_ROWS or max_col > 16_384:
        raise WorkbookTooLarge(f"工作表的单元格位置超出了 Excel 的范围{where}，文件可能已损坏")
    if max_col > MAX_COLUMNS:
        raise WorkbookTooLarge(
            f"工作表用到了第 {max_col:,} 列，超过上限 {MAX_COLUMNS:,} 列；"
            "请删除右侧多余的单元格（含格式）后再导入"
        )
    if max_row * max_col > MAX_CELLS or facts.cells > MAX_CELLS:
        count = f"（{facts.cells:,} 个以上单元格）" if facts.cells > MAX_CELLS else where
        raise WorkbookTooLarge(
            f"工作表的使用区域过大{count}，超过上限 {MAX_CELLS:,} 个单元格；"
            "请删除表格下方和右侧多余的单元格（含格式），或分成几个文件导入"
        )


def _scan_shared_strings(zf, info) -> tuple[int, int]:
    """(bytes of the longest shared string, number of shared strings)."""
    longest = 0
    count = 0
    last = None
    offset = 0
    for piece in _elements(zf, info, b"</si>"):
        for m in _SI.finditer(piece):
            pos = offset + m.start()
            if last is not None:
                longest = max(longest, pos - last)
            last = pos
            count += 1
        offset += len(piece)
    if last is not None:
        longest = max(longest, offset - last)
    return longest, count


def _exact_string_bytes(zf, info, count) -> int:
    """The bytes the sheet's string cells copy, string by string (only for suspicious files)."""
    lengths: list[int] = []
    shared = zf.getinfo("xl/sharedStrings.xml")
    last = None
    offset = 0
    for piece in _elements(zf, shared, b"</si>"):
        for m in _SI.finditer(piece):
            pos = offset + m.start()
            if last is not None:
                lengths.append(pos - last)
            last = pos
        offset += len(piece)
    if last is not None:
        lengths.append(offset - last)
    total = 0
    for piece in _elements(zf, info, b"</row>"):
        for m in _STRING_CELL.finditer(piece):
            i = int(m.group(1))
            if i < len(lengths):
                total += lengths[i]
        if total > MAX_STRING_BYTES:
            break
    return total


def _sheet_paths_by_name(zf, names) -> dict[str, str]:
    """Sheet name → worksheet part, from workbook.xml and its relationships (small parts)."""
    try:
        if names["xl/workbook.xml"].file_size > 16 * 1024 * 1024:
            return {}
        rels_info = names.get("xl/_rels/workbook.xml.rels")
        if rels_info is None or rels_info.file_size > 16 * 1024 * 1024:
            return {}
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read(rels_info))
    except Exception:
        return {}
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        targets[rel.get("Id")] = target
    out = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        rid = sheet.get(f"{_NS_REL}id")
        if rid in targets:
            out[sheet.get("name", "")] = targets[rid]
    return out
