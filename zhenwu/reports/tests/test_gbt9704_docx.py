"""The produced .docx, opened as XML: page, margins, grid, fonts, footers, the red line."""

from datetime import date

import docx
import pytest
from docx.shared import Mm

from zhenwu.reports.gbt9704 import DocNumberError, Imprint, OfficialDocument
from zhenwu.reports.tests.xml import NS, attr, body_text, parts, table_rows

ISSUER = "南口镇人居环境整治工作领导小组办公室"


def build(number="南人居办〔2025〕3号") -> bytes:
    doc = OfficialDocument(
        issuer=ISSUER,
        number=number,
        title=["关于2025年6月人居环境", "整治检查评比情况的通报"],
        recipients="各村（社区）",
    )
    doc.paragraph("为持续推进农村人居环境整治，2025年6月共开展检查3轮。")
    doc.heading(1, "检查基本情况")
    doc.heading(2, "先进")
    doc.heading(2, "后进")
    doc.heading(3, "细项")
    doc.heading(1, "整改要求")
    doc.heading(2, "立行立改")
    doc.table(["名次", "村（社区）"], [(1, "村1"), (2, "村2")])
    doc.attachments(["问题清单", "整改台账"])
    doc.signature(ISSUER, date(2025, 7, 3))
    doc.imprint(Imprint(printer=ISSUER, print_date=date(2025, 7, 3), copy_to="镇党委、政府领导"))
    return doc.to_bytes()


@pytest.fixture(scope="module")
def content():
    return build()


def mm(length) -> float:
    return length / 36000


def test_a4_margins_and_the_text_block(content, tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(content)
    s = docx.Document(str(path)).sections[0]
    assert round(mm(s.page_width)) == 210 and round(mm(s.page_height)) == 297
    assert round(mm(s.top_margin)) == 37 and round(mm(s.left_margin)) == 28
    assert round(mm(s.bottom_margin)) == 35 and round(mm(s.right_margin)) == 26
    assert round(mm(s.page_width - s.left_margin - s.right_margin)) == 156
    assert round(mm(s.page_height - s.top_margin - s.bottom_margin)) == 225
    assert s.footer_distance < Mm(35 - 7)  # the number sits ≈7 mm below the text block


def test_grid_of_22_lines_and_fixed_line_spacing(content):
    doc = parts(content)["word/document.xml"]
    grid = doc.xpath("//w:sectPr/w:docGrid", namespaces=NS)[0]
    assert attr(grid, "type") == "lines" and attr(grid, "linePitch") == "579"
    assert attr(grid, "charSpace") is None  # LibreOffice doubles a negative one
    styles = parts(content)["word/styles.xml"]
    # 28 characters a line: 16 pt characters condensed by 0.25 pt, from the document defaults.
    defaults = styles.xpath("//w:docDefaults/w:rPrDefault/w:rPr", namespaces=NS)[0]
    assert attr(defaults.xpath("w:spacing", namespaces=NS)[0], "val") == "-5"
    assert attr(defaults.xpath("w:sz", namespaces=NS)[0], "val") == "32"
    assert attr(defaults.xpath("w:rFonts", namespaces=NS)[0], "eastAsia") == "仿宋_GB2312"
    normal = styles.xpath("//w:style[@w:styleId='Normal']", namespaces=NS)[0]
    spacing = normal.xpath(".//w:spacing", namespaces=NS)[0]
    assert attr(spacing, "lineRule") == "exact" and attr(spacing, "line") == "578"  # 28.9 pt


def test_body_fonts_are_fangsong_east_asian_and_times_for_figures(content):
    styles = parts(content)["word/styles.xml"]
    normal = styles.xpath("//w:style[@w:styleId='Normal']", namespaces=NS)[0]
    fonts = normal.xpath(".//w:rFonts", namespaces=NS)[0]
    assert attr(fonts, "eastAsia") == "仿宋_GB2312"
    assert attr(fonts, "ascii") == attr(fonts, "hAnsi") == "Times New Roman"
    assert normal.xpath(".//w:sz/@w:val", namespaces=NS) == ["32"]  # 3号 = 16 pt
    doc = parts(content)["word/document.xml"]
    for run in doc.xpath("//w:body/w:p/w:r[w:t]", namespaces=NS):
        assert attr(run.xpath("./w:rPr/w:rFonts", namespaces=NS)[0], "eastAsia")


def run_of(content, text):
    doc = parts(content)["word/document.xml"]
    runs = doc.xpath(f"//w:r[w:t[contains(., '{text}')]]", namespaces=NS)
    assert runs, text
    return runs[0]


def test_headings_by_level(content):
    def east(text):
        return attr(run_of(content, text).xpath("./w:rPr/w:rFonts", namespaces=NS)[0], "eastAsia")

    assert east("一、检查基本情况") == "黑体"
    assert east("二、整改要求") == "黑体"
    assert east("（一）先进") == "楷体_GB2312"
    assert east("（二）后进") == "楷体_GB2312"
    assert east("1.细项") == "仿宋_GB2312"
    assert east("（一）立行立改") == "楷体_GB2312"  # restarts under a new level-1 heading


def test_the_mark_is_red_and_the_title_2hao_xiaobiaosong(content):
    mark = run_of(content, ISSUER)
    assert mark.xpath("./w:rPr/w:color/@w:val", namespaces=NS) == ["FF0000"]
    title = run_of(content, "关于2025年6月人居环境")
    assert title.xpath("./w:rPr/w:sz/@w:val", namespaces=NS) == ["44"]  # 2号 = 22 pt
    assert attr(title.xpath("./w:rPr/w:rFonts", namespaces=NS)[0], "eastAsia") == "华文中宋"
    assert title.xpath("./w:br", namespaces=NS)  # the line break the caller chose


def test_the_number_and_the_red_separator_under_it(content):
    doc = parts(content)["word/document.xml"]
    (p,) = doc.xpath("//w:p[w:pPr/w:pBdr/w:bottom[@w:color='FF0000']]", namespaces=NS)
    assert "".join(p.xpath(".//w:t/text()", namespaces=NS)) == "南人居办〔2025〕3号"
    assert p.xpath("./w:pPr/w:jc/@w:val", namespaces=NS) == ["center"]
    assert not p.xpath("./w:pPr/w:ind", namespaces=NS)  # no indent: as wide as the text block
    bottom = p.xpath("./w:pPr/w:pBdr/w:bottom", namespaces=NS)[0]
    assert attr(bottom, "val") == "single" and int(attr(bottom, "space")) == 11  # ≈4 mm


def test_recipients_end_with_a_full_width_colon_and_the_signature_date(content):
    text = body_text(content)
    lines = text.split("\n")
    assert "各村（社区）：" in lines
    assert lines.index(ISSUER) < lines.index("2025年7月3日")
    assert "附件：1.问题清单" in lines and "2.整改台账" in lines
    assert "抄送：镇党委、政府领导。" in text
    assert f"{ISSUER}2025年7月3日印发" in lines  # the organ left, the date right (a tab)
    printed = run_of(content, "印发")
    assert printed.xpath("./w:tab", namespaces=NS)
    # The signature is kept with its date: never the last line of a page without it.
    doc = parts(content)["word/document.xml"]
    (name,) = doc.xpath(
        f"//w:body/w:p[w:r/w:t='{ISSUER}'][w:pPr/w:jc/@w:val='right']", namespaces=NS
    )
    assert name.xpath("./w:pPr/w:keepNext", namespaces=NS)


def test_odd_and_even_footers_carry_the_page_number(content):
    p = parts(content)
    assert p["word/settings.xml"].xpath("//w:evenAndOddHeaders", namespaces=NS)
    refs = p["word/document.xml"].xpath("//w:sectPr/w:footerReference", namespaces=NS)
    rels = {attr(r, "type") for r in refs}
    assert rels == {"default", "even"}
    footers = {name: root for name, root in p.items() if name.startswith("word/footer")}
    aligns = set()
    for root in footers.values():
        para = root.xpath("//w:p", namespaces=NS)[0]
        assert "".join(para.xpath(".//w:instrText/text()", namespaces=NS)).strip() == "PAGE"
        texts = para.xpath(".//w:t/text()", namespaces=NS)
        assert texts[0] == "— " and texts[-1] == " —"
        fonts = para.xpath(".//w:rFonts", namespaces=NS)[0]
        assert attr(fonts, "eastAsia") == attr(fonts, "ascii") == "宋体"
        assert para.xpath(".//w:sz/@w:val", namespaces=NS)[0] == "28"  # 4号
        aligns.add(para.xpath("./w:pPr/w:jc/@w:val", namespaces=NS)[0])
    assert aligns == {"right", "left"}


def test_the_imprint_sits_on_the_bottom_of_the_text_block_between_rules(content):
    doc = parts(content)["word/document.xml"]
    table = doc.xpath("//w:tbl[w:tblPr/w:tblpPr]", namespaces=NS)[0]
    pos = table.xpath("./w:tblPr/w:tblpPr", namespaces=NS)[0]
    assert attr(pos, "tblpYSpec") == "bottom" and attr(pos, "vertAnchor") == "margin"
    borders = table.xpath("./w:tblPr/w:tblBorders", namespaces=NS)[0]
    size = {el.tag.rsplit("}", 1)[1]: int(attr(el, "sz")) for el in borders}
    assert size["top"] == size["bottom"] > size["insideH"]


def test_the_ranking_table_reads_back(content):
    assert table_rows(content, 0) == [["名次", "村（社区）"], ["1", "村1"], ["2", "村2"]]


def test_a_document_without_a_number_keeps_the_red_line():
    content = build(number=None)
    doc = parts(content)["word/document.xml"]
    assert doc.xpath("//w:p[w:pPr/w:pBdr/w:bottom[@w:color='FF0000']]", namespaces=NS)
    assert "〔" not in body_text(content)


@pytest.mark.parametrize(
    "bad", ["南人居办〔2025〕03号", "南人居办〔2025〕第3号", "南人居办[2025]3号"]
)
def test_a_malformed_number_is_refused(bad):
    with pytest.raises(DocNumberError):
        build(number=bad)


def test_a_fifth_heading_level_is_refused():
    doc = OfficialDocument(issuer=ISSUER, title="标题")
    with pytest.raises(ValueError):
        doc.heading(5, "太深")
