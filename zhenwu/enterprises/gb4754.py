"""GB/T 4754-2017《国民经济行业分类》: the part of the structure Zhenwu needs.

We ship the 20 sections (门类 A–T) and all 97 divisions (大类 01–97; the numbers are
contiguous, none is unused). Groups (中类, 3 digits) and classes (小类, 4 digits) are *not*
shipped in full (the standard has about 1,380 classes): below the division level any digits
are accepted, except in division 70 房地产业, whose five groups/classes decide between
房地产开发经营业 and 规上服务业 (domain-rules §1.1) and are therefore validated strictly.

Public API:

* ``SECTIONS`` — ``{"A": "农、林、牧、渔业", …}``
* ``DIVISIONS`` — ``{"01": Division("01", "A", "农业"), …}``
* ``STRICT_GROUPS`` / ``STRICT_CLASSES`` — the fully enumerated groups/classes (K70 only)
* ``parse_industry_code(code) -> IndustryCode`` (cached), raising ``IndustryCodeError``
* ``children(code) -> tuple[str, ...] | None`` — the next level down, where it is known
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DIVISIONS",
    "SECTIONS",
    "STRICT_CLASSES",
    "STRICT_GROUPS",
    "Division",
    "IndustryCode",
    "IndustryCodeError",
    "children",
    "parse_industry_code",
    "section_divisions",
]

SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}


@dataclass(frozen=True, slots=True)
class Division:
    """A 大类 (2-digit division) of GB/T 4754-2017."""

    code: str
    section: str
    name: str


_DIVISION_TABLE: tuple[tuple[str, str, str], ...] = (
    # A 农、林、牧、渔业 (01–05)
    ("01", "A", "农业"),
    ("02", "A", "林业"),
    ("03", "A", "畜牧业"),
    ("04", "A", "渔业"),
    ("05", "A", "农、林、牧、渔专业及辅助性活动"),
    # B 采矿业 (06–12)
    ("06", "B", "煤炭开采和洗选业"),
    ("07", "B", "石油和天然气开采业"),
    ("08", "B", "黑色金属矿采选业"),
    ("09", "B", "有色金属矿采选业"),
    ("10", "B", "非金属矿采选业"),
    ("11", "B", "开采专业及辅助性活动"),
    ("12", "B", "其他采矿业"),
    # C 制造业 (13–43)
    ("13", "C", "农副食品加工业"),
    ("14", "C", "食品制造业"),
    ("15", "C", "酒、饮料和精制茶制造业"),
    ("16", "C", "烟草制品业"),
    ("17", "C", "纺织业"),
    ("18", "C", "纺织服装、服饰业"),
    ("19", "C", "皮革、毛皮、羽毛及其制品和制鞋业"),
    ("20", "C", "木材加工和木、竹、藤、棕、草制品业"),
    ("21", "C", "家具制造业"),
    ("22", "C", "造纸和纸制品业"),
    ("23", "C", "印刷和记录媒介复制业"),
    ("24", "C", "文教、工美、体育和娱乐用品制造业"),
    ("25", "C", "石油、煤炭及其他燃料加工业"),
    ("26", "C", "化学原料和化学制品制造业"),
    ("27", "C", "医药制造业"),
    ("28", "C", "化学纤维制造业"),
    ("29", "C", "橡胶和塑料制品业"),
    ("30", "C", "非金属矿物制品业"),
    ("31", "C", "黑色金属冶炼和压延加工业"),
    ("32", "C", "有色金属冶炼和压延加工业"),
    ("33", "C", "金属制品业"),
    ("34", "C", "通用设备制造业"),
    ("35", "C", "专用设备制造业"),
    ("36", "C", "汽车制造业"),
    ("37", "C", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("38", "C", "电气机械和器材制造业"),
    ("39", "C", "计算机、通信和其他电子设备制造业"),
    ("40", "C", "仪器仪表制造业"),
    ("41", "C", "其他制造业"),
    ("42", "C", "废弃资源综合利用业"),
    ("43", "C", "金属制品、机械和设备修理业"),
    # D 电力、热力、燃气及水生产和供应业 (44–46)
    ("44", "D", "电力、热力生产和供应业"),
    ("45", "D", "燃气生产和供应业"),
    ("46", "D", "水的生产和供应业"),
    # E 建筑业 (47–50)
    ("47", "E", "房屋建筑业"),
    ("48", "E", "土木工程建筑业"),
    ("49", "E", "建筑安装业"),
    ("50", "E", "建筑装饰、装修和其他建筑业"),
    # F 批发和零售业 (51–52)
    ("51", "F", "批发业"),
    ("52", "F", "零售业"),
    # G 交通运输、仓储和邮政业 (53–60)
    ("53", "G", "铁路运输业"),
    ("54", "G", "道路运输业"),
    ("55", "G", "水上运输业"),
    ("56", "G", "航空运输业"),
    ("57", "G", "管道运输业"),
    ("58", "G", "多式联运和运输代理业"),
    ("59", "G", "装卸搬运和仓储业"),
    ("60", "G", "邮政业"),
    # H 住宿和餐饮业 (61–62)
    ("61", "H", "住宿业"),
    ("62", "H", "餐饮业"),
    # I 信息传输、软件和信息技术服务业 (63–65)
    ("63", "I", "电信、广播电视和卫星传输服务"),
    ("64", "I", "互联网和相关服务"),
    ("65", "I", "软件和信息技术服务业"),
    # J 金融业 (66–69)
    ("66", "J", "货币金融服务"),
    ("67", "J", "资本市场服务"),
    ("68", "J", "保险业"),
    ("69", "J", "其他金融业"),
    # K 房地产业 (70)
    ("70", "K", "房地产业"),
    # L 租赁和商务服务业 (71–72)
    ("71", "L", "租赁业"),
    ("72", "L", "商务服务业"),
    # M 科学研究和技术服务业 (73–75)
    ("73", "M", "研究和试验发展"),
    ("74", "M", "专业技术服务业"),
    ("75", "M", "科技推广和应用服务业"),
    # N 水利、环境和公共设施管理业 (76–79)
    ("76", "N", "水利管理业"),
    ("77", "N", "生态保护和环境治理业"),
    ("78", "N", "公共设施管理业"),
    ("79", "N", "土地管理业"),
    # O 居民服务、修理和其他服务业 (80–82)
    ("80", "O", "居民服务业"),
    ("81", "O", "机动车、电子产品和日用产品修理业"),
    ("82", "O", "其他服务业"),
    # P 教育 (83)
    ("83", "P", "教育"),
    # Q 卫生和社会工作 (84–85)
    ("84", "Q", "卫生"),
    ("85", "Q", "社会工作"),
    # R 文化、体育和娱乐业 (86–90)
    ("86", "R", "新闻和出版业"),
    ("87", "R", "广播、电视、电影和录音制作业"),
    ("88", "R", "文化艺术业"),
    ("89", "R", "体育"),
    ("90", "R", "娱乐业"),
    # S 公共管理、社会保障和社会组织 (91–96)
    ("91", "S", "中国共产党机关"),
    ("92", "S", "国家机构"),
    ("93", "S", "人民政协、民主党派"),
    ("94", "S", "社会保障"),
    ("95", "S", "群众团体、社会团体和其他成员组织"),
    ("96", "S", "基层群众自治组织及其他组织"),
    # T 国际组织 (97)
    ("97", "T", "国际组织"),
)

DIVISIONS: dict[str, Division] = {
    code: Division(code, section, name) for code, section, name in _DIVISION_TABLE
}

# Divisions whose groups and classes are fully enumerated and validated strictly. Only K70
# matters for 四上 classification (7010 is 房地产开发经营业, 7020–7090 are 规上服务业 tier B).
STRICT_GROUPS: dict[str, dict[str, str]] = {
    "70": {
        "701": "房地产开发经营",
        "702": "物业管理",
        "703": "房地产中介服务",
        "704": "房地产租赁经营",
        "709": "其他房地产业",
    },
}
STRICT_CLASSES: dict[str, dict[str, str]] = {
    "70": {
        "7010": "房地产开发经营",
        "7020": "物业管理",
        "7030": "房地产中介服务",
        "7040": "房地产租赁经营",
        "7090": "其他房地产业",
    },
}

_SECTION_DIVISIONS: dict[str, tuple[str, ...]] = {
    letter: tuple(d.code for d in DIVISIONS.values() if d.section == letter) for letter in SECTIONS
}

# Section letter A–T (optional) followed by 2–4 digits, or a bare section letter.
_CODE_RE = re.compile(r"([A-T])?(\d{2,4})|([A-T])")


class IndustryCodeError(ValueError):
    """A 行业代码 that is malformed or does not exist in GB/T 4754-2017 (message in Chinese)."""


@dataclass(frozen=True, slots=True)
class IndustryCode:
    """A parsed, normalised GB/T 4754-2017 code.

    ``division``/``group``/``class_code`` are the 2-, 3- and 4-digit codes (``None`` below
    the level that was given): "C2922" → section "C", division "29", group "292",
    class_code "2922".
    """

    section: str
    division: str | None = None
    group: str | None = None
    class_code: str | None = None

    @property
    def digits(self) -> str:
        return self.class_code or self.group or self.division or ""

    @property
    def code(self) -> str:
        """Normalised form: section letter + digits, e.g. "C2922", "F52", "C"."""
        return self.section + self.digits

    @property
    def level(self) -> str:
        """ "section" | "division" | "group" | "class"."""
        if self.class_code:
            return "class"
        if self.group:
            return "group"
        if self.division:
            return "division"
        return "section"

    @property
    def section_name(self) -> str:
        return SECTIONS[self.section]

    @property
    def division_name(self) -> str | None:
        return DIVISIONS[self.division].name if self.division else None

    @property
    def name(self) -> str:
        """Most specific Chinese name we know for the code."""
        if self.division in STRICT_CLASSES:
            if self.class_code:
                return STRICT_CLASSES[self.division][self.class_code]
            if self.group:
                return STRICT_GROUPS[self.division][self.group]
        return self.division_name or self.section_name

    def __str__(self) -> str:
        return self.code


def section_divisions(section: str) -> tuple[str, ...]:
    """The division codes of a section letter, e.g. "H" → ("61", "62")."""
    return _SECTION_DIVISIONS[section]


def parse_industry_code(code: str) -> IndustryCode:
    """Parse and validate a GB/T 4754-2017 code.

    Accepts "C2922", "C29", "C292", "C" (section level), "c2922", full-width characters,
    surrounding blanks, and codes without the letter ("2922": the section is inferred from
    the division). Raises ``IndustryCodeError`` (Chinese message) for a malformed code, a
    division that does not exist, a division outside the given section (e.g. "A29"), or a
    K70 group/class other than 701/702/703/704/709 (7010/7020/7030/7040/7090).
    Results are cached.
    """
    if not isinstance(code, str):
        raise IndustryCodeError(f"行业代码必须是字符串，收到的是 {type(code).__name__}")
    return _parse_cached(code)


@lru_cache(maxsize=8192)
def _parse_cached(raw: str) -> IndustryCode:
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    if not text:
        raise IndustryCodeError("行业代码不能为空")
    m = _CODE_RE.fullmatch(text)
    if m is None:
        raise IndustryCodeError(
            f"行业代码“{raw}”格式不正确：应为门类字母（A–T）加 2–4 位数字，例如 C2922、F52"
        )
    letter, digits, bare_section = m.groups()
    if bare_section:
        return IndustryCode(section=bare_section)
    division = DIVISIONS.get(digits[:2])
    if division is None:
        raise IndustryCodeError(f"行业代码“{raw}”不存在：GB/T 4754-2017 中没有大类“{digits[:2]}”")
    if letter and letter != division.section:
        raise IndustryCodeError(
            f"行业代码“{raw}”有误：大类 {division.code}（{division.name}）属于门类 "
            f"{division.section}（{SECTIONS[division.section]}），不属于门类 {letter}"
            f"（{SECTIONS[letter]}）"
        )
    group = digits[:3] if len(digits) >= 3 else None
    class_code = digits if len(digits) == 4 else None
    strict_groups = STRICT_GROUPS.get(division.code)
    if strict_groups is not None and (
        (group is not None and group not in strict_groups)
        or (class_code is not None and class_code not in STRICT_CLASSES[division.code])
    ):
        allowed = "、".join(STRICT_CLASSES[division.code])
        raise IndustryCodeError(
            f"行业代码“{raw}”不存在：大类 {division.code}（{division.name}）只有小类 {allowed}"
        )
    return IndustryCode(
        section=division.section, division=division.code, group=group, class_code=class_code
    )


def children(code: IndustryCode | str) -> tuple[str, ...] | None:
    """Normalised codes one level below ``code``, or ``None`` where we do not ship them.

    Known: section → its divisions; K70 → its groups; a K70 group → its class.
    """
    ic = code if isinstance(code, IndustryCode) else parse_industry_code(code)
    level = ic.level
    if level == "section":
        return tuple(ic.section + d for d in _SECTION_DIVISIONS[ic.section])
    if ic.division not in STRICT_GROUPS:
        return None
    if level == "division":
        return tuple(ic.section + g for g in STRICT_GROUPS[ic.division])
    if level == "group":
        return tuple(
            ic.section + c for c in STRICT_CLASSES[ic.division] if c.startswith(ic.group or "")
        )
    return ()
