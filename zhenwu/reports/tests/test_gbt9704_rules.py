"""The pure rules of GB/T 9704-2012 the builder applies (docs/domain-rules.md §3)."""

from datetime import date

import pytest

from zhenwu.reports.gbt9704 import (
    CONDENSE_TWIPS,
    LINE_PITCH_TWIPS,
    DocNumberError,
    chinese_number,
    format_date,
    format_doc_number,
    heading_number,
    mark_size,
    parse_doc_number,
    signature_indents,
    text_width,
)


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
        (21, "二十一"), (30, "三十"), (45, "四十五"), (99, "九十九"),
    ],
)  # fmt: skip
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_every_chinese_number_up_to_99_is_distinct_and_has_no_zero():
    texts = [chinese_number(n) for n in range(1, 100)]
    assert len(set(texts)) == 99 and not any("零" in t for t in texts)


@pytest.mark.parametrize("bad", [0, -1, 100, True, 1.0, "1"])
def test_chinese_number_refuses_what_a_heading_never_is(bad):
    with pytest.raises(ValueError):
        chinese_number(bad)


def test_heading_numbers_by_level():
    assert heading_number(1, 1) == "一、"
    assert heading_number(1, 12) == "十二、"
    assert heading_number(2, 3) == "（三）"  # full-width brackets
    assert heading_number(3, 2) == "2."
    assert heading_number(4, 10) == "（10）"
    for level, n in ((0, 1), (5, 1), (3, 0)):
        with pytest.raises(ValueError):
            heading_number(level, n)


@pytest.mark.parametrize(
    "d, text",
    [
        (date(2025, 7, 3), "2025年7月3日"),
        (date(2025, 10, 10), "2025年10月10日"),
        (date(2026, 1, 1), "2026年1月1日"),
        (date(2025, 12, 31), "2025年12月31日"),
    ],
)
def test_dates_in_arabic_figures_full_year_no_leading_zeros(d, text):
    assert format_date(d) == text


def test_doc_number_is_formatted_with_hexagonal_brackets():
    assert format_doc_number("南人居办", 2025, 3) == "南人居办〔2025〕3号"
    assert format_doc_number(" 南政发 ", 2025, 120) == "南政发〔2025〕120号"


@pytest.mark.parametrize(
    "args",
    [("", 2025, 1), ("南人居办", 25, 1), ("南人居办", 2025, 0), ("南人居办", 2025, -3),
     ("南人居办", 2025, True), ("南〔办", 2025, 1), ("第办", 2025, 1), ("南2办", 2025, 1)],
)  # fmt: skip
def test_doc_number_refuses_bad_parts(args):
    with pytest.raises(DocNumberError):
        format_doc_number(*args)


@pytest.mark.parametrize(
    "text, parts",
    [
        ("南人居办〔2025〕3号", ("南人居办", 2025, 3)),
        ("南人居办〔2025〕10号", ("南人居办", 2025, 10)),
        (" 石政办发〔2024〕105号 ", ("石政办发", 2024, 105)),
    ],
)
def test_doc_numbers_read(text, parts):
    assert parse_doc_number(text) == parts


@pytest.mark.parametrize(
    "text, says",
    [
        ("南人居办〔2025〕03号", "不编虚位"),  # leading zero
        ("南人居办〔2025〕003号", "不编虚位"),
        ("南人居办〔2025〕0号", "不编虚位"),
        ("南人居办〔2025〕第3号", "第"),
        ("南人居办[2025]3号", "六角括号"),
        ("南人居办［2025］3号", "六角括号"),
        ("南人居办（2025）3号", "六角括号"),
        ("南人居办(2025)3号", "六角括号"),
        ("南人居办【2025】3号", "六角括号"),
        ("南人居办〔25〕3号", "四位数字"),
        ("南人居办〔2025〕三号", "阿拉伯数字"),
        ("南人居办〔2025〕3", "号"),
        ("南人居办2025-3号", "代字〔年份〕序号号"),
        ("〔2025〕3号", "代字"),
        ("", "不能为空"),
        ("   ", "不能为空"),
    ],
)
def test_doc_numbers_refused_with_a_chinese_reason(text, says):
    with pytest.raises(DocNumberError) as exc:
        parse_doc_number(text)
    assert says in str(exc.value)


def test_text_width_counts_ascii_as_half():
    assert text_width("2025年7月3日") == 6
    assert text_width("南口镇") == 3
    assert text_width("") == 0


def test_unsealed_signature_two_from_the_right_date_two_further_right():
    # A long signature: it sits two characters from the right; the date starts two
    # characters right of its first character.
    sig, dt = "南口镇人居环境整治工作领导小组办公室", "2025年7月3日"
    s, d = signature_indents(sig, dt)
    assert s == 2
    assert (s + text_width(sig)) - (d + text_width(dt)) == 2
    # A signature shorter than the date + 2: the date keeps two characters from the right
    # and the signature moves right to stay two characters before it.
    s, d = signature_indents("南口镇人民政府", dt)
    assert d == 2 and s == 3
    assert (s + 7) - (d + 6) == 2
    # Exactly date + 2 long: both rules agree.
    assert signature_indents("一二三四五六七八", dt) == (2, 2)


def test_the_mark_fits_one_line_of_the_text_block():
    assert mark_size("南口镇人民政府") == 36
    long = "南口镇人居环境整治工作领导小组办公室"
    assert mark_size(long) * len(long) <= 156 / 25.4 * 72


def test_the_grid_is_22_lines_of_28_characters():
    assert LINE_PITCH_TWIPS == 579  # 225 mm / 22 lines, in twentieths of a point
    assert 22 * LINE_PITCH_TWIPS / 20 <= 225 / 25.4 * 72
    # 28 condensed 16 pt characters fit 156 mm, and 29 do not
    pitch = 16 + CONDENSE_TWIPS / 20
    assert 28 * pitch <= 156 / 25.4 * 72 < 29 * pitch
