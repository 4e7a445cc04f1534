"""四上企业 classification and 培育库 (cultivation pool) helpers — domain-rules §1.

Pure functions, no database. Amounts are in 万元 as ``Decimal`` (int, str and float are
accepted and converted; floats via ``repr``).

Public API
----------
* ``ThresholdRule`` — one versioned NBS rule (category, scope of GB/T 4754-2017 code prefixes,
  metric, threshold, years in force, source).
* ``DEFAULT_RULES`` — the current NBS rules of domain-rules §1.1 (+ the 2007–2010 industry rule).
* ``classify(code, revenue_wan, *, qualification=None, has_development_activity=True, year,
  rules=DEFAULT_RULES) -> Classification``.
* ``rule_for(code, *, year, rules=DEFAULT_RULES) -> ThresholdRule | None``.
* Pool helpers (domain-rules §1.2): ``gap_wan``, ``annualise``, ``forecast_crossing_month``,
  ``is_pool_candidate``, ``is_quasi_above_scale``, ``cultivation_status``.

Decisions (where domain-rules §1 is silent)
-------------------------------------------
* **Which rule applies**: the scope entry that is the longest prefix of the normalised code
  ("K7020" → "K7020"; "C2922" → "C"). Rule versions are chosen by ``year`` first.
* **Codes spanning several rules** ("F" = 批发 + 零售, "H", "Q" = Q84 tier A + Q85 tier C,
  "K" / "K70" = K7010 房地产开发 + K7020–7090 tier B) cannot be classified: the result has
  ``ambiguous=True``, ``candidates`` = the rules involved, ``above_scale=False`` and
  ``category``/``threshold_wan``/``rule``/``label`` = ``None``; ``reason`` asks for a more
  detailed code. No error is raised (the code itself is valid). A code is *not* ambiguous when
  one rule covers all of it ("G" → tier A, "C" → industry, "L" → tier B, "K701" → 房地产开发).
* **Out of scope** (A, J, S, T, …): ``above_scale=False``, every other field ``None``.
* **Years**: ``effective_from``/``effective_to`` are inclusive calendar (statistical) years;
  ``None`` means open-ended. A year before every version of a scope falls back to the
  earliest version (industry in 2005 → 500万; services before 2019 → the current revenue
  tiers, i.e. the revenue arm of the old "营业收入 or 50人" rule, which is not stored).
  A year after a version that has no successor → that scope is out of scope.
* **Thresholds** are met at exactly the threshold (≥). ``revenue_wan=None`` → not above
  scale for revenue rules; negative revenue → ``ValueError``. Revenue is ignored by the
  qualification (建筑业) and activity (房地产开发) rules but still validated.
* **建筑业**: above scale iff a 施工总承包 ("general") or 专业承包 ("specialty")
  qualification is held; "labor" (劳务分包) or ``None`` → not. A collection of
  qualifications is accepted (any qualifying one suffices); Chinese names are accepted too.
* **房地产开发经营 (K7010)**: above scale iff ``has_development_activity`` (default True).
* ``effective_from=None`` on a default rule means "start year not verified" (the doc gives
  only current sources); only industry (2007/2011) and services (2019) carry start years.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from zhenwu.enterprises.gb4754 import (
    IndustryCode,
    IndustryCodeError,
    _parse_cached,
    children,
    parse_industry_code,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "DEFAULT_RULES",
    "METRICS",
    "QUALIFICATIONS",
    "Classification",
    "CultivationStatus",
    "IndustryCodeError",
    "ThresholdRule",
    "annualise",
    "classify",
    "cultivation_status",
    "forecast_crossing_month",
    "gap_wan",
    "is_pool_candidate",
    "is_quasi_above_scale",
    "rule_for",
]

CATEGORY_LABELS: dict[str, str] = {
    "industry": "规模以上工业",
    "construction": "有资质的建筑业",
    "real_estate": "房地产开发经营业",
    "wholesale": "限额以上批发业",
    "retail": "限额以上零售业",
    "accommodation": "限额以上住宿业",
    "catering": "限额以上餐饮业",
    "services": "规模以上服务业",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_LABELS)

METRICS: dict[str, str] = {
    "main_revenue": "年主营业务收入",
    "revenue": "年营业收入",
    "qualification": "建筑业资质",
    "activity": "房地产开发经营活动",
}
_REVENUE_METRICS = frozenset({"main_revenue", "revenue"})

# Construction qualifications: canonical value → Chinese name (both spellings are accepted).
QUALIFICATIONS: dict[str, str] = {
    "general": "施工总承包",
    "specialty": "专业承包",
    "labor": "劳务分包",
}
_QUALIFYING = frozenset({"general", "specialty"})
_QUALIFICATION_ALIASES: dict[str, str] = {
    **{k: k for k in QUALIFICATIONS},
    **{v: k for k, v in QUALIFICATIONS.items()},
    "总承包": "general",
    "施工劳务": "labor",
}


def _to_decimal(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"{what}必须是数字，收到的是 {value!r}")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{what}不是有效的数字：{value!r}") from None
    else:
        raise ValueError(f"{what}必须是数字，收到的是 {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what}不是有效的数字：{value!r}")
    return result


def _to_amount(value: Any, what: str) -> Decimal | None:
    """Like ``_to_decimal`` but rejects negative amounts."""
    result = _to_decimal(value, what)
    if result is not None and result < 0:
        raise ValueError(f"{what}不能为负数：{value}")
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdRule:
    """One versioned 四上 entry rule (domain-rules §1.1).

    ``scope`` holds GB/T 4754-2017 code prefixes ("C", "F51", "K7010", "Q84"); they are
    normalised and validated on creation. ``effective_from``/``effective_to`` are inclusive
    years, ``None`` = open-ended. ``min_value_wan`` is required for revenue metrics and must
    be ``None`` for "qualification"/"activity".
    """

    category: str
    label: str
    scope: tuple[str, ...]
    metric: str
    min_value_wan: Decimal | None
    effective_from: int | None
    effective_to: int | None = None
    tier: str | None = None
    source_url: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORY_LABELS:
            raise ValueError(f"未知的四上类别：{self.category!r}")
        if self.metric not in METRICS:
            raise ValueError(f"未知的指标：{self.metric!r}")
        if isinstance(self.scope, str) or not self.scope:
            raise ValueError("scope 必须是非空的行业代码前缀列表")
        normalised = tuple(parse_industry_code(s).code for s in self.scope)
        object.__setattr__(self, "scope", normalised)
        if self.metric in _REVENUE_METRICS:
            if self.min_value_wan is None:
                raise ValueError(f"{self.label}：收入类指标必须给出门槛 min_value_wan")
            value = _to_decimal(self.min_value_wan, "门槛")
            if value is None or value <= 0:
                raise ValueError(f"{self.label}：门槛必须大于 0")
            object.__setattr__(self, "min_value_wan", value)
        elif self.min_value_wan is not None:
            raise ValueError(f"{self.label}：资质/活动类规则不设收入门槛")
        for year in (self.effective_from, self.effective_to):
            if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
                raise ValueError(f"{self.label}：起止年份必须是整数")
        if (
            self.effective_from is not None
            and self.effective_to is not None
            and self.effective_from > self.effective_to
        ):
            raise ValueError(f"{self.label}：起始年份晚于终止年份")

    def applies_in(self, year: int) -> bool:
        """True when the rule is in force in ``year`` (bounds inclusive)."""
        return (self.effective_from is None or self.effective_from <= year) and (
            self.effective_to is None or year <= self.effective_to
        )

    @property
    def metric_label(self) -> str:
        return METRICS[self.metric]


_SRC_INDUSTRY = "http://www.fujian.gov.cn/hdjl/hdjlzsk/tjj/tjzs/ny/202309/t20230920_6261695.htm"
_SRC_CONSTRUCTION = "http://zltq.gov.cn/zltq/2023-10/09/article_2024041410194465924.html"
_SRC_CHUXIONG = "http://www.cxs.gov.cn/info/egovinfo/1016/xxgkcontent/cxs006-/2023-0905017.htm"
_SRC_HANGZHOU = "https://tjj.hangzhou.gov.cn/art/2024/11/4/art_1651771_58929744.html"
_SRC_SERVICES = "https://055110.com/law/1/43598.html"

DEFAULT_RULES: tuple[ThresholdRule, ...] = (
    ThresholdRule(
        category="industry",
        label="规模以上工业",
        scope=("B", "C", "D"),
        metric="main_revenue",
        min_value_wan=Decimal("500"),
        effective_from=2007,
        effective_to=2010,
        source_url=_SRC_INDUSTRY,
        note="2007–2010 年口径：年主营业务收入 500 万元及以上",
    ),
    ThresholdRule(
        category="industry",
        label="规模以上工业",
        scope=("B", "C", "D"),
        metric="main_revenue",
        min_value_wan=Decimal("2000"),
        effective_from=2011,
        source_url=_SRC_INDUSTRY,
        note="年主营业务收入 2000 万元及以上的工业法人单位（含个体经营户）",
    ),
    ThresholdRule(
        category="construction",
        label="有资质的建筑业",
        scope=("E",),
        metric="qualification",
        min_value_wan=None,
        effective_from=None,
        source_url=_SRC_CONSTRUCTION,
        note="具有施工总承包或专业承包资质；仅有劳务分包资质的不在范围内（2022年报/2023定报）",
    ),
    ThresholdRule(
        category="real_estate",
        label="房地产开发经营业",
        scope=("K7010",),
        metric="activity",
        min_value_wan=None,
        effective_from=None,
        source_url=_SRC_HANGZHOU,
        note="有开发经营活动的全部房地产开发经营业法人单位",
    ),
    ThresholdRule(
        category="wholesale",
        label="限额以上批发业",
        scope=("F51",),
        metric="main_revenue",
        min_value_wan=Decimal("2000"),
        effective_from=None,
        source_url=_SRC_CHUXIONG,
    ),
    ThresholdRule(
        category="retail",
        label="限额以上零售业",
        scope=("F52",),
        metric="main_revenue",
        min_value_wan=Decimal("500"),
        effective_from=None,
        source_url=_SRC_CHUXIONG,
    ),
    ThresholdRule(
        category="accommodation",
        label="限额以上住宿业",
        scope=("H61",),
        metric="main_revenue",
        min_value_wan=Decimal("200"),
        effective_from=None,
        source_url=_SRC_CHUXIONG,
    ),
    ThresholdRule(
        category="catering",
        label="限额以上餐饮业",
        scope=("H62",),
        metric="main_revenue",
        min_value_wan=Decimal("200"),
        effective_from=None,
        source_url=_SRC_CHUXIONG,
    ),
    ThresholdRule(
        category="services",
        label="规模以上服务业",
        tier="A",
        scope=("G", "I", "N", "Q84"),
        metric="revenue",
        min_value_wan=Decimal("2000"),
        effective_from=2019,
        source_url=_SRC_SERVICES,
        note="2019年报/2020定报起不再以从业人员数入统",
    ),
    ThresholdRule(
        category="services",
        label="规模以上服务业",
        tier="B",
        scope=("L", "M", "P", "K7020", "K7030", "K7040", "K7090"),
        metric="revenue",
        min_value_wan=Decimal("1000"),
        effective_from=2019,
        source_url=_SRC_SERVICES,
        note="2019年报/2020定报起不再以从业人员数入统",
    ),
    ThresholdRule(
        category="services",
        label="规模以上服务业",
        tier="C",
        scope=("O", "R", "Q85"),
        metric="revenue",
        min_value_wan=Decimal("500"),
        effective_from=2019,
        source_url=_SRC_SERVICES,
        note="2019年报/2020定报起不再以从业人员数入统",
    ),
)


@dataclass(frozen=True, slots=True)
class Classification:
    """Result of ``classify``.

    ``category``/``threshold_wan``/``rule``/``label`` describe the rule that applies to the
    industry whether or not the firm meets it; all are ``None`` when the code is out of every
    四上 scope or ambiguous. ``candidates`` is non-empty only when ``ambiguous``.
    ``reason`` is a short Chinese explanation for the UI.
    """

    above_scale: bool
    category: str | None
    threshold_wan: Decimal | None
    rule: ThresholdRule | None
    label: str | None
    industry_code: str = ""
    ambiguous: bool = False
    candidates: tuple[ThresholdRule, ...] = ()
    reason: str = ""

    @property
    def tier(self) -> str | None:
        return self.rule.tier if self.rule else None

    @property
    def metric(self) -> str | None:
        return self.rule.metric if self.rule else None


# --------------------------------------------------------------------------------------
# Rule index: per rule set and year, a prefix → rule dict and a per-code resolution cache.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Resolution:
    rule: ThresholdRule | None
    candidates: tuple[ThresholdRule | None, ...] = ()


class _YearIndex:
    __slots__ = ("_order", "_resolved", "prefixes")

    def __init__(self, prefixes: dict[str, ThresholdRule], order: dict[int, int]) -> None:
        self.prefixes = prefixes
        self._order = order
        self._resolved: dict[str, _Resolution] = {}

    def resolve(self, code: str) -> _Resolution:
        hit = self._resolved.get(code)
        if hit is None:
            outcomes = self._outcomes(code)
            if len(outcomes) == 1:
                hit = _Resolution(next(iter(outcomes)))
            else:
                ranked = sorted(
                    outcomes,
                    key=lambda r: self._order[id(r)] if r is not None else len(self._order),
                )
                hit = _Resolution(None, tuple(ranked))
            self._resolved[code] = hit
        return hit

    def _own(self, code: str) -> ThresholdRule | None:
        for end in range(len(code), 0, -1):
            rule = self.prefixes.get(code[:end])
            if rule is not None:
                return rule
        return None

    def _outcomes(self, code: str) -> set[ThresholdRule | None]:
        own = self._own(code)
        deeper = [s for s in self.prefixes if len(s) > len(code) and s.startswith(code)]
        if not deeper:
            return {own}
        kids = children(code)
        if kids is None:  # levels we do not ship: approximate with the rules we know of
            return {own, *(self.prefixes[s] for s in deeper)}
        result: set[ThresholdRule | None] = set()
        for kid in kids:
            result |= self._outcomes(kid)
        return result


class _RuleIndex:
    __slots__ = ("_by_scope", "_order", "_years", "rules")

    def __init__(self, rules: tuple[ThresholdRule, ...]) -> None:
        self.rules = rules
        self._order = {id(r): i for i, r in enumerate(rules)}
        self._by_scope: dict[str, list[ThresholdRule]] = {}
        for rule in rules:
            if not isinstance(rule, ThresholdRule):
                raise TypeError(f"规则必须是 ThresholdRule，收到的是 {type(rule).__name__}")
            for prefix in rule.scope:
                self._by_scope.setdefault(prefix, []).append(rule)
        self._years: dict[int, _YearIndex] = {}

    def for_year(self, year: int) -> _YearIndex:
        index = self._years.get(year)
        if index is None:
            prefixes: dict[str, ThresholdRule] = {}
            for prefix, versions in self._by_scope.items():
                active = [r for r in versions if r.applies_in(year)]
                if len(active) > 1:
                    raise ValueError(
                        f"规则配置冲突：{year} 年行业代码 {prefix} 同时适用 "
                        + "、".join(f"{r.label}{r.tier or ''}" for r in active)
                    )
                if active:
                    prefixes[prefix] = active[0]
                elif all(
                    r.effective_from is not None and year < r.effective_from for r in versions
                ):
                    prefixes[prefix] = min(versions, key=lambda r: r.effective_from or 0)
            index = _YearIndex(prefixes, self._order)
            self._years[year] = index
        return index


_INDEXES: dict[int, tuple[Any, _RuleIndex]] = {}


def _index_for(rules: Sequence[ThresholdRule]) -> _RuleIndex:
    """Index for a rule collection, cached by identity (rule collections must not mutate)."""
    entry = _INDEXES.get(id(rules))
    if entry is not None and entry[0] is rules:
        return entry[1]
    index = _RuleIndex(tuple(rules))
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    _INDEXES[id(rules)] = (rules, index)
    return index


def _check_year(year: Any) -> int:
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValueError(f"年份必须是整数，收到的是 {year!r}")
    return year


def _normalise_qualifications(qualification: Any) -> frozenset[str]:
    if qualification is None:
        return frozenset()
    items = [qualification] if isinstance(qualification, str) else list(qualification)
    result = set()
    for item in items:
        key = _QUALIFICATION_ALIASES.get(str(item).strip().lower())
        if key is None:
            raise ValueError(
                f"未知的建筑业资质：{item!r}（应为 general 施工总承包、specialty 专业承包 或 "
                "labor 劳务分包）"
            )
        result.add(key)
    return frozenset(result)


def _fmt(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------


def rule_for(
    industry_code: str | IndustryCode,
    *,
    year: int,
    rules: Sequence[ThresholdRule] = DEFAULT_RULES,
) -> ThresholdRule | None:
    """The rule applying to ``industry_code`` in ``year``; ``None`` if out of scope or ambiguous."""
    ic = industry_code if isinstance(industry_code, IndustryCode) else _parse(industry_code)
    return _index_for(rules).for_year(_check_year(year)).resolve(ic.code).rule


def _parse(code: Any) -> IndustryCode:
    if not isinstance(code, str):
        return parse_industry_code(code)  # raises IndustryCodeError with a message
    return _parse_cached(code)


def classify(
    industry_code: str | IndustryCode,
    revenue_wan: Decimal | int | str | float | None,
    *,
    qualification: str | Iterable[str] | None = None,
    has_development_activity: bool = True,
    year: int,
    rules: Sequence[ThresholdRule] = DEFAULT_RULES,
) -> Classification:
    """Classify one unit as 四上 or not (domain-rules §1.1).

    ``revenue_wan`` is 年主营业务收入 (industry, trade) or 年营业收入 (services) in 万元.
    ``qualification`` (建筑业): "general" | "specialty" | "labor" | None, or a collection.
    ``has_development_activity`` (房地产开发经营 K7010). ``year`` selects the rule version.

    Raises ``IndustryCodeError`` for a malformed or non-existent code and ``ValueError`` for
    a negative or non-numeric revenue, an unknown qualification or a non-integer year.
    See the module docstring for the decisions on ambiguous codes and years.
    """
    ic = industry_code if isinstance(industry_code, IndustryCode) else _parse(industry_code)
    revenue = _to_amount(revenue_wan, "营业收入")
    qualifications = _normalise_qualifications(qualification)
    resolution = _index_for(rules).for_year(_check_year(year)).resolve(ic.code)
    rule = resolution.rule
    code = ic.code

    if rule is None:
        if resolution.candidates:
            names = "、".join(
                (f"{r.label}（{r.tier}档）" if r.tier else r.label) if r else "不在四上范围"
                for r in resolution.candidates
            )
            return Classification(
                False,
                None,
                None,
                None,
                None,
                industry_code=code,
                ambiguous=True,
                candidates=tuple(r for r in resolution.candidates if r is not None),
                reason=f"行业代码 {code} 跨越多个四上类别（{names}），请细化行业代码后再判定",
            )
        return Classification(
            False, None, None, None, None, industry_code=code, reason=f"{code} 不在四上统计范围"
        )

    metric = rule.metric
    if metric == "qualification":
        above = bool(qualifications & _QUALIFYING)
        reason = "具有施工总承包或专业承包资质" if above else "无施工总承包或专业承包资质"
    elif metric == "activity":
        above = bool(has_development_activity)
        reason = "有房地产开发经营活动" if above else "无房地产开发经营活动"
    else:
        threshold = rule.min_value_wan
        assert threshold is not None
        if revenue is None:
            above = False
            reason = f"缺少{rule.metric_label}数据"
        else:
            above = revenue >= threshold
            reason = (
                f"{rule.metric_label} {_fmt(revenue)} 万元"
                f"{'达到' if above else '低于'} {_fmt(threshold)} 万元门槛"
            )
    return Classification(
        above,
        rule.category,
        rule.min_value_wan,
        rule,
        rule.label,
        industry_code=code,
        reason=reason,
    )


# --------------------------------------------------------------------------------------
# 培育库 (cultivation pool) helpers — domain-rules §1.2
# --------------------------------------------------------------------------------------


def _threshold(value: Any) -> Decimal:
    threshold = _to_decimal(value, "门槛")
    if threshold is None or threshold <= 0:
        raise ValueError(f"门槛必须大于 0：{value!r}")
    return threshold


def gap_wan(threshold_wan: Decimal | int | str, revenue_wan: Decimal | int | str | None) -> Decimal:
    """万元 still missing to reach the threshold: ``max(threshold − revenue, 0)``.

    ``revenue_wan=None`` counts as 0. Used for the 培育库 "还差多少" column
    (domain-rules §1.2).
    """
    threshold = _threshold(threshold_wan)
    revenue = _to_amount(revenue_wan, "营业收入") or Decimal(0)
    return max(threshold - revenue, Decimal(0))


def annualise(ytd_revenue_wan: Decimal | int | str, months_elapsed: int) -> Decimal:
    """Annualised figure of a year-to-date cumulative revenue: ``ytd × 12 / months``.

    domain-rules §1.2 (培育库 practice: flag firms whose annualised figure is ≥ threshold).
    ``months_elapsed`` must be 1–12. Not rounded (round for display only).
    """
    if not isinstance(months_elapsed, int) or isinstance(months_elapsed, bool):
        raise ValueError(f"已过月数必须是整数：{months_elapsed!r}")
    if not 1 <= months_elapsed <= 12:
        raise ValueError(f"已过月数必须在 1–12 之间：{months_elapsed}")
    ytd = _to_amount(ytd_revenue_wan, "累计营业收入")
    if ytd is None:
        raise ValueError("累计营业收入不能为空")
    return ytd * 12 / months_elapsed


def _months_of_year(
    monthly_revenues: Iterable[tuple[int, int, Any]], year: int, upto_month: int = 12
) -> list[tuple[int, Decimal]]:
    seen: dict[int, Decimal] = {}
    for entry in monthly_revenues:
        try:
            entry_year, month, amount = entry
        except (TypeError, ValueError):
            raise ValueError(f"月度数据应为 (年, 月, 万元) 三元组：{entry!r}") from None
        if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
            raise ValueError(f"月份必须是 1–12 的整数：{month!r}")
        if entry_year != year or month > upto_month:
            continue
        if month in seen:
            raise ValueError(f"{year} 年 {month} 月的数据重复")
        value = _to_decimal(amount, f"{year} 年 {month} 月营业收入")
        seen[month] = value if value is not None else Decimal(0)
    return sorted(seen.items())


def forecast_crossing_month(
    monthly_revenues: Iterable[tuple[int, int, Decimal | int | str | float]],
    threshold_wan: Decimal | int | str,
    year: int,
) -> int | None:
    """Month (1–12) in which cumulative YTD revenue reaches ``threshold_wan`` in ``year``.

    ``monthly_revenues`` holds (year, month, 当月营业收入 in 万元) — monthly, not cumulative;
    entries of other years are ignored, duplicates for a month raise ``ValueError``. If the
    reported cumulative already reached the threshold, the month it did so is returned.
    Otherwise the rest of the year is projected at the trailing pace: the average of the last
    3 reported months of ``year`` (fewer when fewer exist). Missing months are not
    interpolated (they count as 0 in the cumulative). Returns ``None`` when there is no data
    for ``year``, when the pace is ≤ 0, or when the crossing would fall after December.
    Supports the 培育库 / 准规上 practice of domain-rules §1.2.
    """
    threshold = _threshold(threshold_wan)
    months = _months_of_year(monthly_revenues, _check_year(year))
    if not months:
        return None
    cumulative = Decimal(0)
    for month, amount in months:
        cumulative += amount
        if cumulative >= threshold:
            return month
    trailing = [amount for _, amount in months[-3:]]
    pace = sum(trailing, Decimal(0)) / len(trailing)
    if pace <= 0:
        return None
    last_month = months[-1][0]
    crossing = last_month + math.ceil((threshold - cumulative) / pace)
    return crossing if crossing <= 12 else None


def is_pool_candidate(
    last_year_revenue_wan: Decimal | int | str | None,
    ytd_annualised_wan: Decimal | int | str | None,
    threshold_wan: Decimal | int | str,
    share: Decimal | str = Decimal("0.7"),
) -> bool:
    """Whether a 规下 firm belongs in the 培育库 (domain-rules §1.2, cut-off [L]/[?]).

    True when last year's revenue is below the threshold but ≥ ``share`` × threshold
    (exactly at the share counts), or when the annualised YTD revenue is ≥ the threshold.
    ``None`` inputs are treated as "unknown" (that arm is false). ``share`` must be in (0, 1].
    """
    threshold = _threshold(threshold_wan)
    cut = _to_decimal(share, "入库比例")
    if cut is None or not Decimal(0) < cut <= 1:
        raise ValueError(f"入库比例必须在 0 到 1 之间：{share!r}")
    last_year = _to_amount(last_year_revenue_wan, "上年营业收入")
    annualised = _to_amount(ytd_annualised_wan, "年化营业收入")
    if last_year is not None and threshold * cut <= last_year < threshold:
        return True
    return annualised is not None and annualised >= threshold


def is_quasi_above_scale(
    cumulative_to_previous_month_wan: Decimal | int | str | None,
    threshold_wan: Decimal | int | str,
) -> bool:
    """准规上 (Xiamen definition, domain-rules §1.2): cumulative revenue of the year up to the
    month before filing ≥ threshold. ``None`` → False."""
    cumulative = _to_amount(cumulative_to_previous_month_wan, "累计营业收入")
    return cumulative is not None and cumulative >= _threshold(threshold_wan)


@dataclass(frozen=True, slots=True)
class CultivationStatus:
    """Snapshot of a 培育库 firm for one year (see ``cultivation_status``)."""

    threshold_wan: Decimal
    months_reported: int
    last_month: int | None
    ytd_wan: Decimal
    annualised_wan: Decimal | None
    gap_wan: Decimal
    is_candidate: bool
    is_quasi_above_scale: bool
    forecast_month: int | None
    notes: tuple[str, ...] = field(default=())


def cultivation_status(
    monthly_revenues: Iterable[tuple[int, int, Decimal | int | str | float]],
    threshold_wan: Decimal | int | str,
    year: int,
    *,
    last_year_revenue_wan: Decimal | int | str | None = None,
    share: Decimal | str = Decimal("0.7"),
    as_of_month: int = 12,
) -> CultivationStatus:
    """Combine the pool helpers for one firm and year (domain-rules §1.2).

    Only months of ``year`` up to ``as_of_month`` count; pass the month before filing to get
    Xiamen's 准规上 definition (cumulative to the month before filing ≥ threshold).
    ``annualised_wan`` = YTD × 12 / last reported month (None without data or when the YTD
    is negative); ``gap_wan`` = threshold − YTD (≥ 0).
    """
    if not isinstance(as_of_month, int) or not 1 <= as_of_month <= 12:
        raise ValueError(f"截至月份必须在 1–12 之间：{as_of_month!r}")
    threshold = _threshold(threshold_wan)
    months = _months_of_year(monthly_revenues, _check_year(year), as_of_month)
    ytd = sum((amount for _, amount in months), Decimal(0))
    last_month = months[-1][0] if months else None
    notes: list[str] = []
    annualised = None
    if last_month is not None and ytd >= 0:
        annualised = annualise(ytd, last_month)
    if last_month is not None and len(months) < last_month:
        notes.append(f"1–{last_month} 月中有 {last_month - len(months)} 个月缺少数据")
    series = [(year, m, a) for m, a in months]
    return CultivationStatus(
        threshold_wan=threshold,
        months_reported=len(months),
        last_month=last_month,
        ytd_wan=ytd,
        annualised_wan=annualised,
        gap_wan=max(threshold - ytd, Decimal(0)),
        is_candidate=is_pool_candidate(last_year_revenue_wan, annualised, threshold, share),
        is_quasi_above_scale=ytd >= threshold,
        forecast_month=forecast_crossing_month(series, threshold, year),
        notes=tuple(notes),
    )
