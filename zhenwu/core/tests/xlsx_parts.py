"""Hand-made .xlsx files for the import tests: the parts a workbook needs, with a worksheet
(and shared strings) written as raw XML — how hostile or program-written files look."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_CT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    + '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode()
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_TAIL = b"</sheetData></worksheet>"


def xlsx(sheet_data: Iterable[bytes], shared_strings: Iterable[bytes] = ()) -> bytes:
    """A workbook of one sheet 「台账」 whose <sheetData> is the concatenated ``sheet_data``;
    ``shared_strings`` are the <si> texts (already escaped)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for text in shared_strings:
                fh.write(b"<si><t>" + text + b"</t></si>")
            fh.write(b"</sst>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_HEAD)
            for chunk in sheet_data:
                fh.write(chunk)
            fh.write(_TAIL)
    return buf.getvalue()


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def number(ref: str, value) -> bytes:
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def row(n: int, *cells: bytes) -> bytes:
    return f'<row r="{n}">'.encode() + b"".join(cells) + b"</row>"


def far_cell() -> bytes:
    """4.7 KB-class attack: the only cell sits at XFD1048576 (issue 9.1)."""
    return xlsx([row(1_048_576, number("XFD1048576", 1))])


def zip_bomb(rows: int = 100_000, cells_per_row: int = 100) -> bytes:
    """~400 KB that inflate to ~150 MB of cells (10 million without positions; issue 9.2)."""
    one = b"<row>" + b"<c><v>1</v></c>" * cells_per_row + b"</row>"
    return xlsx(one * 1000 for _ in range(rows // 1000))
