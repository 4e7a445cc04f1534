"""Pure rules of 守粮安 (domain-rules §6): the problem types of a patrol finding as data (非农化
"六严禁", 乱占耕地建房 "八不准", 非粮化, 撂荒 and 非法取土) with their default rectification
deadlines, the patrol intervals of the three 田长 levels, plot coverage and GPS validation.
No database here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# --------------------------------------------------------------------------- levels

TOWN, VILLAGE, GRID = "town", "village", "grid"
LEVELS = [(TOWN, "镇级田长"), (VILLAGE, "村级田长"), (GRID, "网格田管员")]

# 田长制: 网格田管员 walk their plots weekly, the 村田长 monthly (月调度), the 镇田长 quarterly
# (季督查). Days; the town may change them (FarmlandSetting).
DEFAULT_INTERVALS = {GRID: 7, VILLAGE: 30, TOWN: 90}

# --------------------------------------------------------------------------- problem types


@dataclass(frozen=True)
class Category:
    code: str
    group: str
    name: str
    deadline_days: int  # default rectification deadline, working days


# Names are plain strings the rules and ledgers use (gettext_noop only marks them for the English
# catalogue); CATEGORY_CHOICES composes the translated label.
GROUPS = [
    ("fnh", gettext_noop("非农化“六严禁”")),
    ("bbz", gettext_noop("乱占耕地建房“八不准”")),
    ("flh", gettext_noop("非粮化")),
    ("lh", gettext_noop("撂荒")),
    ("qt", gettext_noop("其他")),
]

CATEGORIES = [
    # 非农化 "六严禁" (国办发明电〔2020〕24号)
    Category("FNH1", "fnh", gettext_noop("严禁违规占用耕地绿化造林"), 20),
    Category("FNH2", "fnh", gettext_noop("严禁超标准建设绿色通道"), 20),
    Category("FNH3", "fnh", gettext_noop("严禁违规占用耕地挖湖造景"), 20),
    Category("FNH4", "fnh", gettext_noop("严禁占用永久基本农田扩大自然保护地"), 20),
    Category("FNH5", "fnh", gettext_noop("严禁违规占用耕地从事非农建设"), 10),
    Category("FNH6", "fnh", gettext_noop("严禁违法违规批地用地"), 10),
    # 农村乱占耕地建房 "八不准" (自然资发〔2020〕127号)
    Category("BBZ1", "bbz", gettext_noop("不准占用永久基本农田建房"), 10),
    Category("BBZ2", "bbz", gettext_noop("不准强占多占耕地建房"), 10),
    Category("BBZ3", "bbz", gettext_noop("不准买卖、流转耕地违法建房"), 10),
    Category("BBZ4", "bbz", gettext_noop("不准在承包耕地上违法建房"), 10),
    Category("BBZ5", "bbz", gettext_noop("不准巧立名目违法占用耕地建房"), 10),
    Category("BBZ6", "bbz", gettext_noop("不准违反“一户一宅”规定占用耕地建房"), 10),
    Category("BBZ7", "bbz", gettext_noop("不准非法出售占用耕地建的房屋"), 10),
    Category("BBZ8", "bbz", gettext_noop("不准违法审批占用耕地建房"), 10),
    # 非粮化 (国办发〔2020〕44号): permanent basic farmland not for these
    Category("FLH1", "flh", gettext_noop("永久基本农田种植果树等林果业"), 20),
    Category("FLH2", "flh", gettext_noop("永久基本农田挖塘养鱼"), 20),
    Category("FLH3", "flh", gettext_noop("永久基本农田种植苗木、草皮"), 20),
    Category("FLH4", "flh", gettext_noop("其他非粮化种植"), 20),
    # 撂荒 and the rest of the patrol record's list
    Category("LH1", "lh", gettext_noop("耕地撂荒"), 30),
    Category("QT1", "qt", gettext_noop("非法取土"), 5),
]

BY_CODE = {c.code: c for c in CATEGORIES}
GROUP_NAMES = dict(GROUPS)
# 「非粮化：其他非粮化种植」, composed lazily in the reader's language (names marked above).
CATEGORY_CHOICES = [
    (c.code, format_lazy(_("{group}：{name}"), group=_(GROUP_NAMES[c.group]), name=_(c.name)))
    for c in CATEGORIES
]

ACTIONS = [
    ("dissuade", _("劝阻")),
    ("report", _("上报")),
    ("case", _("立案")),
    ("restore", _("复耕")),
]


def deadline_days(code: str, overrides: Mapping[str, int] | None = None) -> int:
    """Working days to rectify a problem of type `code`: the town's override, else the
    default of its type."""
    if overrides and code in overrides:
        return int(overrides[code])
    return BY_CODE[code].deadline_days


def interval_days(level: str, overrides: Mapping[str, int] | None = None) -> int:
    if overrides and overrides.get(level):
        return int(overrides[level])
    return DEFAULT_INTERVALS[level]


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Due:
    plot_id: int
    last: date | None  # the chief's last patrol of the plot (None: never)
    days_since: int | None
    overdue_days: int  # days past the interval (0 when never patrolled and the interval is new)


def due_plots(
    plot_ids: Iterable[int], last_patrols: Mapping[int, date], *, interval: int, today: date
) -> list[Due]:
    """Plots whose last patrol is more than `interval` days before `today` (or that were never
    patrolled), longest-waiting first. Patrolled exactly `interval` days ago is still on time."""
    out = []
    for pid in plot_ids:
        last = last_patrols.get(pid)
        if last is None:
            out.append(Due(pid, None, None, 0))
            continue
        since = (today - last).days
        if since > interval:
            out.append(Due(pid, last, since, since - interval))
    out.sort(key=lambda d: (d.last is not None, d.last or date.min, d.plot_id))
    return out


def coverage(plot_ids: Iterable[int], last_patrols: Mapping[int, date], *, interval: int, today):
    """Share (0–100) of the plots patrolled within the interval; None without plots."""
    ids = list(plot_ids)
    if not ids:
        return None
    due = len(due_plots(ids, last_patrols, interval=interval, today=today))
    return round(100 * (len(ids) - due) / len(ids), 1)


# --------------------------------------------------------------------------- GPS


def parse_gps_points(value) -> list[list[float]]:
    """A patrol's track: a list of [lat, lng] pairs (or {"lat":…, "lng":…}) inside the valid
    ranges. Raises ValueError with a Chinese message naming the bad point."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("GPS轨迹格式不正确，应为 [[纬度, 经度], …]。") from None
    if not isinstance(value, list):
        raise ValueError("GPS轨迹格式不正确，应为 [[纬度, 经度], …]。")
    if len(value) > 2000:
        raise ValueError("GPS轨迹点过多（最多2000个）。")
    out = []
    for i, point in enumerate(value, start=1):
        if isinstance(point, dict):
            point = [point.get("lat"), point.get("lng")]
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise ValueError(f"GPS轨迹第{i}个点格式不正确，应为 [纬度, 经度]。")
        try:
            if any(isinstance(x, bool) for x in point):
                raise TypeError
            lat, lng = float(point[0]), float(point[1])
        except (TypeError, ValueError):
            raise ValueError(f"GPS轨迹第{i}个点不是数字。") from None
        if lat != lat or lng != lng:  # NaN
            raise ValueError(f"GPS轨迹第{i}个点不是数字。")
        if not -90 <= lat <= 90:
            raise ValueError(f"GPS轨迹第{i}个点的纬度 {lat:g} 超出范围（-90～90）。")
        if not -180 <= lng <= 180:
            raise ValueError(f"GPS轨迹第{i}个点的经度 {lng:g} 超出范围（-180～180）。")
        out.append([round(lat, 6), round(lng, 6)])
    return out
