"""Official documents laid out by GB/T 9704-2012 《党政机关公文格式》 (docs/domain-rules.md §3),
written with python-docx. Pure: it knows nothing of the database; `documents.py` fills it.

What it lays out (docs/reports.md lists the rules one by one):
A4, margins top 37 mm / left 28 mm / bottom 35 mm / right 26 mm (text block 156×225 mm), a grid of
22 lines × 28 characters (a line grid with fixed line spacing 28.9 pt; characters condensed 0.25 pt); body 3号 (16 pt) 仿宋_GB2312
with digits and Latin in Times New Roman; red 发文机关标志; 发文字号 `代字〔2025〕N号`; the red
separator line under it, as wide as the text block; title 2号 小标宋 centred; 主送机关 ending with a
full-width colon; headings 一、黑体 / （一）楷体 / 1. 仿宋; tables; 附件说明; signature and date
(unsealed variant); 版记 at the foot of the last page's text block; page numbers `— 1 —`,
4号 宋体, odd pages right and even pages left.

Fonts are named, never embedded: the reader's Word substitutes what it lacks. 方正小标宋简体 is
commercial, so 小标宋 is written as its common stand-in 华文中宋 (`FONT_XBS`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# --------------------------------------------------------------------------- the page

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
BLOCK_WIDTH_MM, BLOCK_HEIGHT_MM = 156, 225
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - BLOCK_WIDTH_MM  # 26
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - BLOCK_HEIGHT_MM  # 35
LINES, CHARS = 22, 28
PAGE_NUMBER_GAP_MM = 7  # the page number sits 7 mm below the text block

TWIPS_PER_MM = 1440 / 25.4
# 225 mm / 22 lines = 28.99 pt; Word's grid pitch is in twentieths of a point, rounded down so
# that 22 lines always fit.
LINE_PITCH_TWIPS = math.floor(BLOCK_HEIGHT_MM * TWIPS_PER_MM / LINES)  # 579
LINE_SPACING = Pt(28.9)

# --------------------------------------------------------------------------- type

SIZE_2 = 22  # 2号
SIZE_3 = 16  # 3号
SIZE_4 = 14  # 4号
BODY_SIZE = SIZE_3
# 156 mm / 28 characters = 15.79 pt per character against a 16 pt font. The characters are
# condensed by the difference, rounded down to Word's unit (1/20 pt): -0.25 pt, so that 28
# fit a line (28 × 15.75 pt = 441 pt of the block's 442.2). Not by the docGrid's charSpace
# (-848/4096 pt): LibreOffice lays a negative charSpace out as two cells per character — 14 a
# line — while condensed spacing reads the same in Word, WPS and LibreOffice.
CHAR_PITCH_PT = BLOCK_WIDTH_MM / 25.4 * 72 / CHARS
CONDENSE_TWIPS = math.floor((CHAR_PITCH_PT - BODY_SIZE) * 20)  # -5

FONT_FS = "仿宋_GB2312"  # 仿宋: the body
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_XBS = "华文中宋"  # stands in for 方正小标宋简体 (commercial)
FONT_SONG = "宋体"
FONT_LATIN = "Times New Roman"  # digits and Latin letters in the body
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

# --------------------------------------------------------------------------- pure helpers

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (headings never reach 100)."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 99:
        raise ValueError(f"序号应为 1—99 的整数，不能是 {n!r}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The number of the n-th heading of a level: 一、 / （一） / 1. / （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if n < 1:
        raise ValueError(f"序号应为正整数，不能是 {n!r}")
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"标题层次应为 1—4，不能是 {level!r}")


def format_date(d: date) -> str:
    """成文日期: Arabic figures, the full year, no leading zeros — 2025年7月3日."""
    return f"{d.year}年{d.month}月{d.day}日"


class DocNumberError(ValueError):
    """A 发文字号 that does not follow GB/T 9704-2012 7.2.4; `str()` is the Chinese message."""


_NUMBER = re.compile(r"^(?P<code>.+?)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")


def format_doc_number(code: str, year: int, serial: int) -> str:
    """代字〔2025〕N号 — 六角括号, the year in full, the serial without leading zeros or 第."""
    code = (code or "").strip()
    if not code:
        raise DocNumberError("发文字号缺少机关代字")
    if any(c in code for c in "〔〕[]［］()（）【】{}0123456789") or "第" in code:
        raise DocNumberError(f"机关代字「{code}」不应含括号、数字或“第”字")
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise DocNumberError(f"发文字号的年份应为四位数字，不能是「{year}」")
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        raise DocNumberError(f"发文顺序号应为正整数，不能是「{serial}」")
    return f"{code}〔{year}〕{serial}号"


def parse_doc_number(text: str) -> tuple[str, int, int]:
    """(代字, year, serial) of a 发文字号 written by the rules; DocNumberError saying what is
    wrong otherwise (brackets other than 〔〕, a 第, a leading zero, a short year, no 号)."""
    raw = (text or "").strip()
    if not raw:
        raise DocNumberError("发文字号不能为空")
    if "第" in raw:
        raise DocNumberError(f"发文字号「{raw}」不应含“第”字（应为 代字〔2025〕3号）")
    for wrong in ("[", "［", "【", "(", "（", "{", "〈", "《"):
        if wrong in raw:
            raise DocNumberError(
                f"发文字号「{raw}」的年份应使用六角括号〔〕，不能用「{wrong}」（应为 代字〔2025〕3号）"
            )
    if raw.startswith("〔"):
        raise DocNumberError(f"发文字号「{raw}」缺少机关代字（应为 代字〔2025〕3号）")
    m = _NUMBER.match(raw)
    if m is None:
        if "〔" not in raw or "〕" not in raw:
            raise DocNumberError(
                f"发文字号「{raw}」应为 代字〔年份〕序号号，如 南人居办〔2025〕3号"
            )
        if not raw.endswith("号"):
            raise DocNumberError(f"发文字号「{raw}」应以“号”字结尾")
        raise DocNumberError(
            f"发文字号「{raw}」无法识别：年份应为四位数字，序号为阿拉伯数字（如 南人居办〔2025〕3号）"
        )
    serial_text = m["serial"]
    if serial_text.startswith("0"):
        raise DocNumberError(
            f"发文字号「{raw}」的序号不编虚位（不加“0”），应为 {m['code']}〔{m['year']}〕"
            f"{int(serial_text) or '序号'}号"
        )
    code, year, serial = m["code"], int(m["year"]), int(serial_text)
    format_doc_number(code, year, serial)  # the code's own rules
    return code, year, serial


def text_width(text: str) -> float:
    """Width in characters of the body font: ASCII (digits, Latin) is half a character."""
    return sum(0.5 if ord(c) < 0x80 else 1.0 for c in text)


def signature_indents(signature: str, date_text: str) -> tuple[float, float]:
    """Right indents, in characters, of the signature and the date of an unsealed document
    (GB/T 9704-2012 7.3.5.2): the signature two characters from the right, the date on the
    next line starting two characters further right than the signature; when the date is
    longer than that allows, the date keeps two characters from the right and the signature
    moves right to stay two characters before it."""
    ws, wd = text_width(signature), text_width(date_text)
    if ws >= wd + 2:
        return 2.0, ws - wd
    return 2.0 + wd + 2 - ws, 2.0


def mark_size(text: str, *, largest: float = 36) -> float:
    """Point size of the 发文机关标志: as large as `largest` while it fits one line of the text
    block, in whole half points."""
    width_pt = BLOCK_WIDTH_MM / 25.4 * 72
    fit = width_pt / max(text_width(text), 1)
    return min(largest, math.floor(fit * 2) / 2)


# --------------------------------------------------------------------------- XML helpers


def set_run_fonts(run, east_asia: str, latin: str = FONT_LATIN, size: float | None = None):
    """Name the fonts of a run (or a style's font): `w:eastAsia` for the Chinese, `latin`
    for ASCII and the rest. python-docx's `font.name` alone leaves `w:eastAsia` unset."""
    font = run.font
    font.name = latin
    rpr = run.element.get_or_add_rPr()  # a run's or a style's
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        font.size = Pt(size)


def _border(tag: str, *, size_eighths: int, color: str = "000000", space: int = 0):
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    return el


def _paragraph_bottom_rule(paragraph, *, size_eighths: int, color: str, space_pt: int):
    borders = OxmlElement("w:pBdr")
    borders.append(_border("bottom", size_eighths=size_eighths, color=color, space=space_pt))
    _put_in_order(paragraph._p.get_or_add_pPr(), borders, PPR_ORDER)


PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip


def _put_in_order(parent, el, order):
    """Put `el` into `parent` where the schema's sequence wants it, replacing its namesake."""
    name = el.tag.rsplit("}", 1)[1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    later = order[order.index(name) + 1 :]
    for child in parent:
        if child.tag.rsplit("}", 1)[1] in later:
            child.addprevious(el)
            return
    parent.append(el)


def _add_page_field(paragraph, font_size: float):
    """`— PAGE —` with the number as a field Word updates on every page."""

    def run(text=None):
        r = paragraph.add_run(text)
        set_run_fonts(r, FONT_SONG, FONT_SONG, font_size)
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    instr_run = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._r.append(instr)
    sep = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    sep._r.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


# --------------------------------------------------------------------------- the builder


@dataclass
class Imprint:
    """版记: 抄送 (optional), 印发机关 and 印发日期."""

    printer: str
    print_date: date
    copy_to: str = ""


class OfficialDocument:
    """One document, element by element in the standard's order:

    ``doc = OfficialDocument(issuer="…办公室", number="南人居办〔2025〕3号", title=[…],
    recipients="各村（社区）")`` then ``heading``/``paragraph``/``table`` for the body,
    ``attachments([...])``, ``signature(name, date)``, ``imprint(Imprint(...))`` and
    ``to_bytes()``. `number` None leaves the 发文字号 out (the red line stays): a 发文字号 is
    assigned by the issuing office's register, not invented here."""

    def __init__(
        self,
        *,
        issuer: str,
        title: str | Sequence[str],
        recipients: str = "",
        number: str | None = None,
        mark: str | None = None,
    ):
        if number is not None:
            parse_doc_number(number)  # refuses a malformed number with a Chinese message
        self.doc = Document()
        self.issuer = issuer
        self.number = number
        self._counters = [0, 0, 0, 0]
        self._setup_page()
        self._setup_styles()
        self._page_numbers()
        self._head(mark or issuer, number)
        self._title(title)
        if recipients:
            self._recipients(recipients)

    # ------------------------------------------------------------------ page and styles

    def _setup_page(self):
        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        s.top_margin, s.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        s.left_margin, s.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        s.gutter = Mm(0)
        s.header_distance = Mm(15)
        # The number's line (4号, ≈5 mm) starts 7 mm below the text block.
        s.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM - 5)
        sect = s._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "lines")  # 22 lines; the 28 characters: CONDENSE_TWIPS
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.attrib.pop(qn("w:charSpace"), None)

    def _setup_styles(self):
        # The document defaults carry the body's size, fonts and condensed spacing, so that
        # every paragraph — headers, footers and tables included — starts from the body's
        # (python-docx's template says 11 pt Calibri).
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for tag in ("w:sz", "w:szCs"):
            el = default_rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                default_rpr.append(el)
            el.set(qn("w:val"), str(BODY_SIZE * 2))
        fonts = default_rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            default_rpr.insert(0, fonts)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:ascii"), FONT_LATIN)
        fonts.set(qn("w:hAnsi"), FONT_LATIN)
        fonts.set(qn("w:eastAsia"), FONT_FS)
        condensed = default_rpr.find(qn("w:spacing"))
        if condensed is None:
            condensed = OxmlElement("w:spacing")
            default_rpr.append(condensed)
        condensed.set(qn("w:val"), str(CONDENSE_TWIPS))
        normal = self.doc.styles["Normal"]
        set_run_fonts(normal, FONT_FS, FONT_LATIN, BODY_SIZE)
        normal.font.color.rgb = RGBColor(0, 0, 0)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_SPACING
        pf.space_before = pf.space_after = Pt(0)
        rpr = normal.element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)

    def _page_numbers(self):
        """Separate odd and even footers (`w:evenAndOddHeaders`): odd pages right, even pages
        left, each one character (4号) in from the edge of the text block."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            pf = p.paragraph_format
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                pf.right_indent = Pt(SIZE_4)
            else:
                pf.left_indent = Pt(SIZE_4)
            _add_page_field(p, SIZE_4)

    def _p(self, text: str = "", *, font=FONT_FS, size=BODY_SIZE, align=None, indent=0.0):
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * indent)
        if text:
            set_run_fonts(p.add_run(text), font, FONT_LATIN, size)
        return p

    def blank(self, n: int = 1):
        for _ in range(n):
            self._p()

    # ------------------------------------------------------------------ 版头

    def _head(self, mark: str, number: str | None):
        size = mark_size(mark)
        p = self._p(align=WD_ALIGN_PARAGRAPH.CENTER)
        pf = p.paragraph_format
        pf.space_before = Mm(35)  # the mark's top edge 35 mm below the top of the text block
        pf.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        pf.line_spacing = Pt(size * 1.2)
        run = p.add_run(mark)
        set_run_fonts(run, FONT_XBS, FONT_XBS, size)
        run.font.color.rgb = RED
        self.blank(2)  # 发文字号: two blank lines below the mark
        p = self._p(number or "", align=WD_ALIGN_PARAGRAPH.CENTER)
        # the red separator: 4 mm (≈11 pt) below the 发文字号, as wide as the text block
        _paragraph_bottom_rule(p, size_eighths=12, color=RED_HEX, space_pt=11)
        self.separator = p

    def _title(self, title):
        lines = [title] if isinstance(title, str) else list(title)
        self.title_text = "".join(lines)
        self.blank(2)  # two blank lines below the red line
        p = self._p(align=WD_ALIGN_PARAGRAPH.CENTER)
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(SIZE_2 * 1.6)
        for i, line in enumerate(lines):
            run = p.add_run(line)
            set_run_fonts(run, FONT_XBS, FONT_LATIN, SIZE_2)
            if i < len(lines) - 1:
                run.add_break()

    def _recipients(self, recipients: str):
        recipients = recipients.rstrip(":：")
        self.blank()  # one blank line below the title
        self._p(recipients + "：")

    # ------------------------------------------------------------------ body

    def paragraph(self, text: str, *, lead: str = ""):
        """A body paragraph, indented two characters; `lead` is set in 黑体 before it (a
        run-in heading such as 「一是」)."""
        p = self._p(align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=2)
        if lead:
            set_run_fonts(p.add_run(lead), FONT_HEI, FONT_LATIN, BODY_SIZE)
        set_run_fonts(p.add_run(text), FONT_FS, FONT_LATIN, BODY_SIZE)
        return p

    def heading(self, level: int, text: str):
        """一、 黑体 / （一） 楷体 / 1. 仿宋 / （1） 仿宋; numbered in order, a level restarting
        under each heading above it."""
        if level not in (1, 2, 3, 4):
            raise ValueError(f"标题层次应为 1—4，不能是 {level!r}")
        self._counters[level - 1] += 1
        for deeper in range(level, len(self._counters)):
            self._counters[deeper] = 0
        number = heading_number(level, self._counters[level - 1])
        font = {1: FONT_HEI, 2: FONT_KAI}.get(level, FONT_FS)
        return self._p(number + text, font=font, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=2)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence], *, widths_mm=None):
        """A ruled table as wide as the text block, in 4号 仿宋, the header row in 黑体."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = widths_mm or [BLOCK_WIDTH_MM / len(headers)] * len(headers)

        def fill(cells, values, font):
            for cell, value, width in zip(cells, values, widths, strict=True):
                cell.width = Mm(width)
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                pf = p.paragraph_format
                pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                pf.line_spacing = Pt(22)
                set_run_fonts(p.add_run("" if value is None else str(value)), font, FONT_LATIN)
                p.runs[0].font.size = Pt(SIZE_4)

        fill(table.rows[0].cells, headers, FONT_HEI)
        for values in rows:
            fill(table.add_row().cells, values, FONT_FS)
        return table

    def attachments(self, names: Sequence[str]):
        """附件说明: one blank line below the body, two characters in; 「附件：1.xxx」, later
        lines aligned under the first name; no closing punctuation."""
        if not names:
            return
        self.blank()
        for i, name in enumerate(names, start=1):
            label = f"{i}.{name}" if len(names) > 1 else name
            p = self._p(("附件：" if i == 1 else "") + label.rstrip("。.，,；;"), indent=2)
            if i > 1:  # hanging under the first name: 2 + 3 characters
                p.paragraph_format.first_line_indent = Pt(BODY_SIZE * 5)

    def signature(self, name: str, on: date):
        """Unsealed signature: one blank line below the body, the name two characters from the
        right, the date on the next line (see `signature_indents`)."""
        date_text = format_date(on)
        sig_right, date_right = signature_indents(name, date_text)
        self.blank()
        for text, right in ((name, sig_right), (date_text, date_right)):
            p = self._p(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(BODY_SIZE * right)
            # The name never ends a page without its date (keep with next).
            p.paragraph_format.keep_with_next = text == name
        self.signed_on = date_text

    def imprint(self, imprint: Imprint):
        """版记 in 4号 仿宋, one character in from each side: 抄送, then 印发机关 and 「…印发」;
        thick rules (0.35 mm) first and last, thin (0.25 mm) between. It is a table anchored to
        the bottom of the text block, so its last rule sits on the block's bottom edge."""
        rows = []
        if imprint.copy_to:
            rows.append(("抄送：" + imprint.copy_to.rstrip("。") + "。", None))
        rows.append((imprint.printer, format_date(imprint.print_date) + "印发"))
        table = self.doc.add_table(rows=len(rows), cols=1)
        tblpr = table._tbl.tblPr
        pos = OxmlElement("w:tblpPr")
        for attr, value in (
            ("w:vertAnchor", "margin"),
            ("w:horzAnchor", "margin"),
            ("w:tblpYSpec", "bottom"),
            ("w:tblpXSpec", "center"),
        ):
            pos.set(qn(attr), value)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(round(BLOCK_WIDTH_MM * TWIPS_PER_MM)))
        width.set(qn("w:type"), "dxa")
        borders = OxmlElement("w:tblBorders")
        borders.append(_border("top", size_eighths=8))  # 0.35 mm ≈ 1 pt
        borders.append(_border("bottom", size_eighths=8))
        borders.append(_border("insideH", size_eighths=6))  # 0.25 mm ≈ 0.75 pt
        for el in (pos, width, borders):
            _put_in_order(tblpr, el, TBLPR_ORDER)
        for row, (left, right) in zip(table.rows, rows, strict=True):
            cell = row.cells[0]
            cell.width = Mm(BLOCK_WIDTH_MM)
            p = cell.paragraphs[0]
            pf = p.paragraph_format
            pf.left_indent = pf.right_indent = Pt(SIZE_4)
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(28)
            text = left if right is None else f"{left}\t{right}"
            if right is not None:
                pf.tab_stops.add_tab_stop(
                    Mm(BLOCK_WIDTH_MM) - Pt(SIZE_4 * 2), WD_TAB_ALIGNMENT.RIGHT
                )
            set_run_fonts(p.add_run(text), FONT_FS, FONT_LATIN, SIZE_4)
        self.doc.add_paragraph()  # a document cannot end with a table
        return table

    # ------------------------------------------------------------------ output

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
