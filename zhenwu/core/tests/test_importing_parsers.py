"""Cell parsers of the spreadsheet import (pure Python, no database)."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from zhenwu.core.importing.parsers import (
    CellError,
    choice_parser,
    excel_serial_to_date,
    is_blank,
    parse_amount,
    parse_amount_with_unit,
    parse_area_mu,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_month,
    parse_percent,
    parse_text,
)

BLANKS = [None, "", "   ", "\u3000", "-", "—", "/", "无", " - "]
ALL_PARSERS = [
    parse_amount,
    parse_decimal,
    parse_int,
    parse_area_mu,
    parse_percent,
    parse_date,
    parse_month,
    parse_text,
    lambda v: parse_choice(v, [("a", "甲")]),
]


@pytest.mark.parametrize("parser", ALL_PARSERS)
@pytest.mark.parametrize("value", BLANKS)
def test_blank_is_none_for_every_parser(parser, value):
    assert parser(value) is None


def test_is_blank():
    assert is_blank(None) and is_blank(" — ") and is_blank("无")
    assert not is_blank(0) and not is_blank("0") and not is_blank("无锡")


def test_cell_error_is_value_error_with_message():
    with pytest.raises(ValueError) as exc:
        parse_amount("abc")
    assert isinstance(exc.value, CellError)
    assert str(exc.value).startswith("无法识别的金额「abc」")


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "unit"),
    [
        ("1.2亿元", Decimal("12000"), "亿元"),
        ("1.2亿", Decimal("12000"), "亿元"),
        ("8000万", Decimal("8000"), "万元"),
        ("8000万元", Decimal("8000"), "万元"),
        ("3,500", Decimal("3500"), None),
        ("3，500", Decimal("3500"), None),
        ("３５００", Decimal("3500"), None),
        ("3 500", Decimal("3500"), None),
        ("3500元", Decimal("0.35"), "元"),
        ("¥3,500元", Decimal("0.35"), "元"),
        ("三千", Decimal("3000"), None),
        ("一千二百万", Decimal("1200"), "万元"),
        ("1.5万", Decimal("1.5"), "万元"),
        ("（约）200万元", Decimal("200"), "万元"),
        ("约200万元", Decimal("200"), "万元"),
        ("200万元左右", Decimal("200"), "万元"),
        ("200余万元", Decimal("200"), "万元"),
        ("1亿2000万", Decimal("12000"), "万元"),
        ("一亿二千万元", Decimal("12000"), "万元"),
        ("1亿", Decimal("10000"), "亿元"),
        ("壹仟贰佰万元", Decimal("1200"), "万元"),
        ("三万五", Decimal("3.5"), "万元"),
        ("5千元", Decimal("0.5"), "元"),
        ("两百", Decimal("200"), None),
        ("三点五亿", Decimal("35000"), "亿元"),
        ("0", Decimal("0"), None),
        (3500.0, Decimal("3500"), None),
        (3500, Decimal("3500"), None),
        (0.1 + 0.2, Decimal("0.3"), None),
        (1200.0000000000002, Decimal("1200"), None),
        (Decimal("12.50"), Decimal("12.5"), None),
    ],
)
def test_parse_amount_in_wan(raw, expected, unit):
    assert parse_amount_with_unit(raw, "万元") == (Decimal(expected), unit)
    assert parse_amount(raw) == Decimal(expected)


def test_parse_amount_other_column_units():
    assert parse_amount("1.2亿元", unit="元") == Decimal("120000000")
    assert parse_amount("8000万", unit="亿元") == Decimal("0.8")
    assert parse_amount("3500", unit="元") == Decimal("3500")
    assert parse_amount("3", unit="千元") == Decimal("3")
    assert parse_amount("3500元", unit="千元") == Decimal("3.5")
    with pytest.raises(ValueError):
        parse_amount("1", unit="美元")


def test_parse_amount_result_has_no_exponent():
    d = parse_amount("1.2亿元")
    assert str(d) == "12000"
    assert str(parse_amount("3500元")) == "0.35"


def test_parse_amount_negative():
    with pytest.raises(CellError, match="不能为负数"):
        parse_amount("-5")
    with pytest.raises(CellError, match="不能为负数"):
        parse_amount(-5.0)
    assert parse_amount("-5", allow_negative=True) == Decimal("-5")
    assert parse_amount("－5万", allow_negative=True) == Decimal("-5")
    assert parse_amount("负五万", allow_negative=True) == Decimal("-5")


@pytest.mark.parametrize(
    "raw", ["abc", "1,23", "12..3", "万", "元", "1.2.3亿", "十百", True, date(2025, 1, 1), "nan"]
)
def test_parse_amount_garbage(raw):
    with pytest.raises(CellError, match="无法识别的金额"):
        parse_amount(raw)


def test_parse_amount_non_finite_float():
    with pytest.raises(CellError):
        parse_amount(float("nan"))
    with pytest.raises(CellError):
        parse_amount(float("inf"))


# --- numbers ---------------------------------------------------------------------------------


def test_parse_decimal():
    assert parse_decimal("3,500.5") == Decimal("3500.5")
    assert parse_decimal("1.5万") == Decimal("15000")
    assert parse_decimal("三千") == Decimal("3000")
    assert parse_decimal(" 12 ") == Decimal("12")
    assert parse_decimal("12吨", suffixes=("吨",)) == Decimal("12")
    assert parse_decimal(-1.5, allow_negative=True) == Decimal("-1.5")
    with pytest.raises(CellError, match="不能为负数"):
        parse_decimal("-1")
    with pytest.raises(CellError, match="无法识别的数字"):
        parse_decimal("12吨")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12人", 12),
        ("12户", 12),
        ("12", 12),
        (12, 12),
        (12.0, 12),
        ("十二", 12),
        ("二十五人", 25),
        ("一百零二", 102),
        ("3,000", 3000),
        ("１２", 12),
        (Decimal("7"), 7),
    ],
)
def test_parse_int(raw, expected):
    value = parse_int(raw)
    assert value == expected and type(value) is int


def test_parse_int_errors():
    with pytest.raises(CellError, match="不是整数"):
        parse_int(12.5)
    with pytest.raises(CellError, match="不是整数"):
        parse_int("12.5人")
    with pytest.raises(CellError, match="不能为负数"):
        parse_int("-3")
    assert parse_int("-3", allow_negative=True) == -3
    with pytest.raises(CellError, match="无法识别的数字"):
        parse_int("十二个半")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, Decimal("12")),
        ("12亩", Decimal("12")),
        ("12.5 亩", Decimal("12.5")),
        ("1.2万亩", Decimal("12000")),
        ("1000平方米", Decimal("1.5")),
        ("1000㎡", Decimal("1.5")),
        ("1000m²", Decimal("1.5")),
        ("1000平米", Decimal("1.5")),
        ("2公顷", Decimal("30")),
        ("666.67平方米", Decimal("1.000005")),
    ],
)
def test_parse_area_mu(raw, expected):
    assert parse_area_mu(raw) == expected


def test_parse_area_errors():
    with pytest.raises(CellError, match="无法识别的面积"):
        parse_area_mu("12吨")
    with pytest.raises(CellError, match="不能为负数"):
        parse_area_mu("-1亩")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85%", Decimal("85")),
        ("85 %", Decimal("85")),
        ("８５％", Decimal("85")),
        ("0.85", Decimal("85")),
        ("85", Decimal("85")),
        (0.85, Decimal("85")),
        (1, Decimal("100")),
        (1.0, Decimal("100")),
        ("0.5%", Decimal("0.5")),
        ("百分之八十五", Decimal("85")),
        (0, Decimal("0")),
    ],
)
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == expected


def test_parse_percent_range():
    with pytest.raises(CellError, match="不能大于100%"):
        parse_percent("120%")
    assert parse_percent("120%", max_value=None) == Decimal("120")
    with pytest.raises(CellError, match="不能为负数"):
        parse_percent("-5%")
    with pytest.raises(CellError, match="无法识别的百分比"):
        parse_percent("很高")


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2025年3月5日",
        "2025年03月05日",
        "2025年3月5号",
        "2025 年 3 月 5 日",
        "２０２５年３月５日",
        "2025.3.5",
        "2025/3/5",
        "2025-03-05",
        "2025-3-5",
        "20250305",
        "2025-03-05 10:30:00",
        "2025/3/5 10:30",
        "2025-03-05T10:30:00",
        "二〇二五年三月五日",
        "二○二五年三月五日",
        45721,
        45721.0,
        45721.75,
        "45721",
        20250305,
        date(2025, 3, 5),
        datetime(2025, 3, 5, 14, 0),
    ],
)
def test_parse_date(raw):
    assert parse_date(raw) == date(2025, 3, 5)


def test_parse_date_returns_plain_date():
    assert type(parse_date(datetime(2025, 3, 5, 14, 0))) is date


@pytest.mark.parametrize(
    "raw", ["2025-03", "2025年3月", "2025.3", "2025/03", "2025年3月份", 2025.3, 2025.03]
)
def test_month_forms_give_first_day(raw):
    assert parse_date(raw) == date(2025, 3, 1)
    assert parse_month(raw) == date(2025, 3, 1)


def test_parse_month_of_full_date():
    assert parse_month("2025-03-17") == date(2025, 3, 1)
    assert parse_month(datetime(2025, 12, 31, 23, 59)) == date(2025, 12, 1)
    assert parse_month(2025.12) == date(2025, 12, 1)


def test_excel_serial_numbers():
    assert excel_serial_to_date(45721) == date(2025, 3, 5)
    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(59) == date(1900, 2, 28)
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert excel_serial_to_date(2958465) == date(9999, 12, 31)
    for bad in (0, -1, 2958466):
        with pytest.raises(CellError):
            excel_serial_to_date(bad)
    with pytest.raises(CellError, match="1900年2月只有28天"):
        parse_date(60)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2025年13月1日", "日期「2025年13月1日」无效：月份应为1–12"),
        ("2025-00-10", "月份应为1–12"),
        ("2025-02-30", "日期「2025-02-30」无效：2025年2月只有28天"),
        ("2024-02-30", "2024年2月只有29天"),
        ("2025-04-31", "2025年4月只有30天"),
        ("2025-13", "月份应为1–12"),
        ("0025-03-05", "年份应在1900–2100之间"),
        ("明天", "无法识别的日期「明天」"),
        ("3/5/2025", "无法识别的日期"),
        (2025, "只有年份"),
        ("2025", "只有年份"),
        (2025.1, "无法区分1月和10月"),
        (True, "无法识别的日期"),
        (time(10, 30), "是时间，不是日期"),
        (float("nan"), "无法识别的日期"),
    ],
)
def test_parse_date_errors(raw, message):
    with pytest.raises(CellError) as exc:
        parse_date(raw)
    assert message in str(exc.value)


# --- booleans, choices, text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["是", "√", "✓", "有", "Y", "y", "yes", "TRUE", "true", "1", 1, 1.0, True, "Ｙ"]
)
def test_parse_bool_true(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "×", "无", "N", "no", "false", "FALSE", "0", 0, 0.0, False])
def test_parse_bool_false(raw):
    assert parse_bool(raw) is False


def test_parse_bool_blank_and_error():
    assert parse_bool(None) is None
    assert parse_bool(" ") is None
    assert parse_bool("-") is None
    with pytest.raises(CellError, match="无法识别为是/否"):
        parse_bool("也许")
    with pytest.raises(CellError):
        parse_bool(2)


STATUS = [("planned", "谋划中"), ("building", "在建"), ("done", "已竣工"), ("none", "无")]


def test_parse_choice_by_label_value_and_synonym():
    syn = {"竣工": "done", "完工": "done"}
    assert parse_choice("在建", STATUS) == "building"
    assert parse_choice(" 已 竣工 ", STATUS) == "done"
    assert parse_choice("BUILDING", STATUS) == "building"
    assert parse_choice("完工", STATUS, syn) == "done"
    assert parse_choice("无", STATUS) == "none"  # a real choice wins over the blank token
    assert parse_choice("-", STATUS) is None


def test_parse_choice_error_lists_labels():
    with pytest.raises(CellError) as exc:
        parse_choice("停工", STATUS)
    assert str(exc.value) == "「停工」不是有效选项，可选：「谋划中」、「在建」、「已竣工」、「无」"


def test_choice_parser_numeric_values_and_groups():
    parse = choice_parser([(1, "一级"), ("组", [(2, "二级"), (3, "三级")])])
    assert parse(1.0) == 1
    assert parse("2") == 2
    assert parse("三级") == 3
    with pytest.raises(ValueError):
        choice_parser(STATUS, {"x": "missing"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  项目A  ", "项目A"),
        (12.0, "12"),
        (12.5, "12.5"),
        (13800138000.0, "13800138000"),
        (12, "12"),
        (Decimal("3.50"), "3.50"),
        (True, "是"),
        (date(2025, 3, 5), "2025-03-05"),
        (datetime(2025, 3, 5), "2025-03-05"),
        (datetime(2025, 3, 5, 8, 30), "2025-03-05 08:30:00"),
        ("第一行\n第二行", "第一行\n第二行"),
    ],
)
def test_parse_text(raw, expected):
    assert parse_text(raw) == expected


def test_parse_text_max_length():
    assert parse_text("一二三四五", max_length=5) == "一二三四五"
    with pytest.raises(CellError) as exc:
        parse_text("一二三四五六", max_length=5)
    assert str(exc.value) == "内容过长：最多5个字，当前6个字"


def test_parsers_fast_enough():
    """Per-cell parsing of typical Excel values stays far below a microsecond-scale budget."""
    import time as _time

    values = [3500.0, 45721.0, "在建", "项目名称", 12.0, None, "", date(2025, 3, 5)] * 5000
    parse_status = choice_parser(STATUS)
    start = _time.perf_counter()
    for v in values:
        t = type(v)
        if t is float:
            parse_amount(v)
            parse_date(v)
            parse_int(v)
        elif t is str:
            parse_text(v)
            if v == "在建":
                parse_status(v)
        elif v is None:
            parse_amount(v)
        else:
            parse_date(v)
    assert _time.perf_counter() - start < 1.0
