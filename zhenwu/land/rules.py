"""Pure rules of the land-requisition module (双征), no Django: areas in 亩 and m², the
GB/T 21010-2017 land-type codes, the household stages and their dates, the statutory steps of
a campaign with their legal floors, compensation from the price tables, GeoJSON checks.
Exhaustively unit-tested in tests/test_rules.py (domain-rules.md §5)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# 1 亩 = 666.67 m² (the conversion the town's ledgers use; 1 公顷 = 15 亩).
M2_PER_MU = Decimal("666.67")
# Both areas given: they must agree to within this (rounding of a 2-decimal 亩 figure).
MU_TOLERANCE = Decimal("0.01")
CENT = Decimal("0.01")


class RuleError(ValueError):
    """A broken rule; `field` names the field, `message` is Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _dec(value, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleError(what, "应为数字") from None
    if not d.is_finite():
        raise RuleError(what, "应为有限的数")
    return d


def m2_to_mu(m2: Decimal) -> Decimal:
    return (Decimal(m2) / M2_PER_MU).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def mu_to_m2(mu: Decimal) -> Decimal:
    return (Decimal(mu) * M2_PER_MU).quantize(CENT, ROUND_HALF_UP)


def resolve_area(m2, mu) -> tuple[Decimal, Decimal]:
    """(m², 亩) from an area entered in either unit. Both given must agree (1 亩 = 666.67 m²);
    neither, a negative or zero area is an error (RuleError naming `area_m2`/`area_mu`)."""
    m2_d, mu_d = _dec(m2, "area_m2"), _dec(mu, "area_mu")
    if m2_d is None and mu_d is None:
        raise RuleError("area_mu", "请填写面积（亩或平方米，填一项即可）")
    for name, v in (("area_m2", m2_d), ("area_mu", mu_d)):
        if v is not None and v <= 0:
            raise RuleError(name, "面积应大于0")
    if m2_d is not None and mu_d is not None:
        expected = m2_to_mu(m2_d)
        if abs(expected - mu_d) > MU_TOLERANCE:
            raise RuleError(
                "area_mu",
                f"面积不一致：{m2_d.normalize():f} 平方米 = {expected.normalize():f} 亩"
                f"（1亩=666.67平方米），与填写的 {mu_d.normalize():f} 亩不符；只填一项即可",
            )
        return m2_d.quantize(CENT, ROUND_HALF_UP), mu_d.quantize(Decimal("0.0001"))
    if m2_d is not None:
        return m2_d.quantize(CENT, ROUND_HALF_UP), m2_to_mu(m2_d)
    return mu_to_m2(mu_d), mu_d.quantize(Decimal("0.0001"), ROUND_HALF_UP)


# --- GB/T 21010-2017 土地利用现状分类 (the second-level classes a requisition meets) ----------
# Names are plain strings the parser matches (gettext_noop only marks them for the English
# catalogue); the model's choices show them translated (land.models.LAND_TYPE_CHOICES).
LAND_TYPES: list[tuple[str, str]] = [
    ("0101", gettext_noop("水田")),
    ("0102", gettext_noop("水浇地")),
    ("0103", gettext_noop("旱地")),
    ("0201", gettext_noop("果园")),
    ("0202", gettext_noop("茶园")),
    ("0203", gettext_noop("橡胶园")),
    ("0204", gettext_noop("其他园地")),
    ("0301", gettext_noop("乔木林地")),
    ("0302", gettext_noop("竹林地")),
    ("0305", gettext_noop("灌木林地")),
    ("0307", gettext_noop("其他林地")),
    ("0401", gettext_noop("天然牧草地")),
    ("0403", gettext_noop("人工牧草地")),
    ("0404", gettext_noop("其他草地")),
    ("0601", gettext_noop("工业用地")),
    ("0602", gettext_noop("采矿用地")),
    ("0604", gettext_noop("仓储用地")),
    ("0701", gettext_noop("城镇住宅用地")),
    ("0702", gettext_noop("农村宅基地")),
    ("0809", gettext_noop("公用设施用地")),
    ("1001", gettext_noop("铁路用地")),
    ("1003", gettext_noop("公路用地")),
    ("1004", gettext_noop("城镇村道路用地")),
    ("1006", gettext_noop("农村道路")),
    ("1101", gettext_noop("河流水面")),
    ("1103", gettext_noop("水库水面")),
    ("1104", gettext_noop("坑塘水面")),
    ("1107", gettext_noop("沟渠")),
    ("1109", gettext_noop("水工建筑用地")),
    ("1202", gettext_noop("设施农用地")),
    ("1203", gettext_noop("田坎")),
    ("1206", gettext_noop("裸土地")),
]
LAND_TYPE_NAMES = dict(LAND_TYPES)
FARMLAND_CODES = frozenset({"0101", "0102", "0103"})  # 耕地


def land_type_code(text: str) -> str:
    """A land-type cell as offices write it: "0101", "101" (Excel dropped the zero),
    "0101 水田", "0101水田", "水田" → "0101". A code whose written name is another class's is
    an error (which one was meant?)."""
    t = str(text or "").strip().replace("\u3000", " ")
    if not t:
        raise RuleError("land_type", "请填写地类")
    m = re.match(r"^(\d{3,4})\s*(.*)$", t)
    if m:
        code, name = m.group(1).zfill(4), m.group(2).strip()
        if code not in LAND_TYPE_NAMES:
            raise RuleError(
                "land_type", f"地类编码「{m.group(1)}」不在《土地利用现状分类》(GB/T 21010-2017) 中"
            )
        if name and name != LAND_TYPE_NAMES[code]:
            raise RuleError(
                "land_type", f"地类「{t}」编码与名称不符：{code} 是「{LAND_TYPE_NAMES[code]}」"
            )
        return code
    for code, name in LAND_TYPES:
        if t == name:
            return code
    raise RuleError(
        "land_type",
        f"未知的地类「{t}」：请按《土地利用现状分类》(GB/T 21010-2017) 填写，如 0101 水田、0702 农村宅基地",
    )


# --- household stages ------------------------------------------------------------------------
# (key, label, date field)
STAGES: list[tuple[str, str, str]] = [
    ("survey", "摸底", "surveyed_on"),
    ("appraise", "测绘评估", "appraised_on"),
    ("publicize", "公示", "publicized_on"),
    ("sign", "签约", "signed_on"),
    ("vacate", "腾空", "vacated_on"),
    ("demolish", "拆除", "demolished_on"),
    ("settle", "结算", "settled_on"),
]
STAGE_KEYS = [k for k, _, _ in STAGES]
STAGE_LABELS = {k: label for k, label, _ in STAGES}
STAGE_FIELDS = {k: f for k, _, f in STAGES}
FIELD_LABELS = {f: f"{label}日期" for _, label, f in STAGES}
NOT_STARTED = "none"


def stage_of(dates: dict[str, date | None]) -> str:
    """The household's stage: the last stage dated ("none" before 摸底)."""
    current = NOT_STARTED
    for key, _label, f in STAGES:
        if dates.get(f):
            current = key
    return current


def check_stage_dates(dates: dict[str, date | None], *, appraised: bool) -> dict[str, str]:
    """Errors by field: a stage dated while an earlier one is not (skipped), a date before the
    previous stage's, 签约 before the appraisal (no 测绘评估 date or no appraised value)."""
    errors: dict[str, str] = {}
    prev_label, prev_date = None, None
    missing: str | None = None
    for _key, label, f in STAGES:
        d = dates.get(f)
        if d is None:
            if missing is None:
                missing = label
            continue
        if missing is not None:
            errors[f] = f"「{label}」前须先完成「{missing}」，阶段不能跳过"
            continue
        if prev_date is not None and d < prev_date:
            errors[f] = f"{label}日期 {d} 早于{prev_label}日期 {prev_date}，阶段日期不能倒退"
        prev_label, prev_date = label, d
    if dates.get("signed_on") and not appraised and "signed_on" not in errors:
        errors["signed_on"] = "尚未完成测绘评估（评估机构、评估额），不能签约"
    return errors


def next_stage(current: str) -> str | None:
    if current == NOT_STARTED:
        return STAGE_KEYS[0]
    i = STAGE_KEYS.index(current)
    return STAGE_KEYS[i + 1] if i + 1 < len(STAGE_KEYS) else None


# --- campaign steps (土地管理法实施条例 第26–31条) -----------------------------------------
@dataclass(frozen=True)
class Step:
    key: str
    label: str
    duration: int  # default duration
    calendar_days: bool = False
    floor: int = 0  # legal minimum (0: none)


STEPS: list[Step] = [
    Step("pre_notice", "征收预公告", 10, floor=10),  # ≥ 10 working days
    Step("survey", "土地现状调查", 15),
    Step("risk", "社会稳定风险评估", 10),
    Step("draft", "补偿安置方案拟定", 10),
    Step("publish", "补偿安置方案公告", 30, calendar_days=True, floor=30),  # ≥ 30 days
    Step("register", "补偿登记", 10),
    Step("sign", "补偿安置协议签订", 20),
    Step("approval", "报批", 20),
    Step("notice", "征收土地公告", 15),
    Step("pay", "补偿兑付", 10),
    Step("handover", "交地", 5),
]
STEP_BY_KEY = {s.key: s for s in STEPS}


def check_step_duration(key: str, duration: int) -> str | None:
    step = STEP_BY_KEY.get(key)
    if step is None:
        return f"未知的征收程序「{key}」"
    if duration < 1:
        return f"「{step.label}」工期应至少1天"
    if step.floor and duration < step.floor:
        unit = "日（自然日）" if step.calendar_days else "个工作日"
        return f"「{step.label}」依法不少于{step.floor}{unit}，不能设为{duration}"
    return None


# --- 听证 (hearing) -------------------------------------------------------------------------
#: Steps that rest on the published 方案: none may start while a requested hearing is not held.
AFTER_PUBLISH = [s.key for s in STEPS[[x.key for x in STEPS].index("publish") + 1 :]]


def hearing_window(start: date | None, duration: int | None, finish: date | None):
    """(first, last) day a hearing may be requested: the 方案公告 period (实施条例第28条: 公告
    不少于30日, 听证 when most members object), from its actual start for its duration in
    calendar days (at least the legal 30), or to its actual finish when that is later.
    None before the 方案 is published."""
    if start is None:
        return None
    days = max(duration or 0, STEP_BY_KEY["publish"].floor)
    last = start + timedelta(days=days - 1)
    if finish and finish > last:
        last = finish
    return start, last


def check_hearing(
    requested_on: date | None,
    held_on: date | None,
    outcome: str,
    window: tuple[date, date] | None,
) -> dict[str, str]:
    """Field → message for a hearing request (empty when it is valid)."""
    errors: dict[str, str] = {}
    if requested_on is not None:
        if window is None:
            errors["requested_on"] = (
                "补偿安置方案尚未公告（「补偿安置方案公告」未填实际开始），不能申请听证"
            )
        elif not window[0] <= requested_on <= window[1]:
            errors["requested_on"] = (
                f"听证申请须在补偿安置方案公告期内（{window[0]}至{window[1]}）提出，"
                f"{requested_on}不在期内"
            )
    if held_on is not None:
        if requested_on is not None and held_on < requested_on:
            errors["held_on"] = "听证日期不能早于申请日期"
        if not (outcome or "").strip():
            errors["outcome"] = "已举行的听证须填写听证结果"
    elif (outcome or "").strip():
        errors["held_on"] = "填写听证结果前请先填写听证日期"
    return errors


# --- 社保名单 (被征地农民社会保障) ------------------------------------------------------------
AGE_GROUPS = [
    ("child", _("未满16周岁")),
    ("working", _("16周岁至男未满60、女未满55周岁")),
    ("elder", _("男满60、女满55周岁及以上")),
]


def requisition_date(notice_start: date | None, campaign_start: date) -> date:
    """The day ages are counted on: the 征收土地公告's actual start, else the campaign's
    start date (until the notice is published)."""
    return notice_start or campaign_start


def age_group(resident_id: str, on: date) -> str:
    """The age group (AGE_GROUPS key) of the holder of an 18-character resident ID on `on`:
    birth date from characters 7–14, sex from the 17th (odd: male, retiring at 60; even:
    female, at 55)."""
    born = date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    male = int(resident_id[16]) % 2 == 1
    if years < 16:
        return "child"
    if years >= (60 if male else 55):
        return "elder"
    return "working"


def step_tasks(steps: list[dict]) -> list[dict]:
    """The campaign's steps as a finish-to-start chain for the projects scheduler.
    `steps`: [{key, duration, actual_start, actual_finish}] in statutory order."""
    out = []
    prev = None
    for s in steps:
        step = STEP_BY_KEY[s["key"]]
        out.append(
            {
                "key": s["key"],
                "duration": int(s["duration"]),
                "predecessors": [{"key": prev, "lag": 0}] if prev else [],
                "calendar_days": step.calendar_days,
                "actual_start": s.get("actual_start"),
                "actual_finish": s.get("actual_finish"),
            }
        )
        prev = s["key"]
    return out


# --- compensation ----------------------------------------------------------------------------
def money(x) -> Decimal:
    return Decimal(x).quantize(CENT, ROUND_HALF_UP)


def land_compensation(
    area_mu: Decimal, price_per_mu: Decimal, land_ratio: Decimal, resettle_ratio: Decimal
) -> tuple[Decimal, Decimal]:
    """(土地补偿费, 安置补助费) from the 区片综合地价: area × price × each part's share (%)."""
    base = Decimal(area_mu) * Decimal(price_per_mu)
    return money(base * Decimal(land_ratio) / 100), money(base * Decimal(resettle_ratio) / 100)


def house_compensation(
    certified_m2: Decimal, uncertified_m2: Decimal, price_per_m2: Decimal, uncertified_pct
) -> Decimal:
    """房屋补偿: certified area at the standard, uncertified area at its percentage of it."""
    c = Decimal(certified_m2 or 0) * Decimal(price_per_m2)
    u = Decimal(uncertified_m2 or 0) * Decimal(price_per_m2) * Decimal(uncertified_pct) / 100
    return money(c + u)


def pick_version(versions: list[tuple[date, object]], on: date) -> object | None:
    """The price-table row in force on `on`: the latest effective date not after it."""
    best = None
    best_d = None
    for d, row in versions:
        if d <= on and (best_d is None or d > best_d):
            best, best_d = row, d
    return best


def check_payment(paid, committed, override_reason: str) -> str | None:
    if paid is None:
        return None
    if Decimal(paid) < 0:
        return "已付金额不能为负数"
    if Decimal(paid) > Decimal(committed or 0) and not (override_reason or "").strip():
        return (
            f"已付金额 {money(paid)} 元超过核定补偿 {money(committed or 0)} 元，须填写「调整原因」"
        )
    return None


# --- progress --------------------------------------------------------------------------------
def pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rate(done, days) -> Decimal | None:
    if not days or days <= 0:
        return None
    return (Decimal(done) / Decimal(days)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- GeoJSON ---------------------------------------------------------------------------------
_GEOM_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def _walk_coords(coords, depth_path: str):
    if (
        isinstance(coords, list)
        and len(coords) >= 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2])
    ):
        yield coords
        return
    if not isinstance(coords, list):
        raise RuleError("geojson", f"{depth_path}：坐标应为数组")
    for c in coords:
        yield from _walk_coords(c, depth_path)


def check_geojson(text: str | bytes | dict) -> dict:
    """A village-outline GeoJSON as uploaded: valid JSON, a FeatureCollection/Feature/geometry
    of known types, every position a longitude–latitude pair (WGS 84 / CGCS2000, degrees:
    lon −180…180, lat −90…90). Projected metres (e.g. 3-degree Gauss–Krüger 38500000) are
    refused. Returns the parsed object."""
    if isinstance(text, dict):
        data = text
    else:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise RuleError("geojson", f"不是有效的 JSON 文件：{exc}") from None
    if not isinstance(data, dict) or "type" not in data:
        raise RuleError("geojson", "不是 GeoJSON：缺少 type")
    if data["type"] == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list) or not feats:
            raise RuleError("geojson", "FeatureCollection 中没有要素（features）")
    elif data["type"] == "Feature":
        feats = [data]
    elif data["type"] in _GEOM_TYPES:
        feats = [{"type": "Feature", "geometry": data, "properties": {}}]
    else:
        raise RuleError("geojson", f"不支持的 GeoJSON 类型「{data['type']}」")
    for i, f in enumerate(feats, 1):
        geom = f.get("geometry") if isinstance(f, dict) else None
        if not isinstance(geom, dict) or geom.get("type") not in _GEOM_TYPES:
            raise RuleError("geojson", f"第{i}个要素没有有效的几何（geometry）")
        for pos in _walk_coords(geom.get("coordinates"), f"第{i}个要素"):
            lon, lat = pos[0], pos[1]
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise RuleError("geojson", f"第{i}个要素：坐标不是有限数")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise RuleError(
                    "geojson",
                    f"第{i}个要素：坐标 ({lon}, {lat}) 不是经纬度；请使用 WGS 84 或 CGCS2000 "
                    "经纬度坐标（经度−180～180，纬度−90～90），不要上传投影坐标（米）",
                )
    return data
