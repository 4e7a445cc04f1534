"""The indicator registry: named, parameterised queries that modules register (like admin
registration) and that plan targets are bound to. A target's actual value is always computed
from the records, never typed in.

A module registers in its `indicators.py` (autodiscovered when the plan app is ready):

    from zhenwu.plan.indicators import IndicatorContext, register_indicator

    @register_indicator(
        "investment.signed_count", "签约项目数", unit="个",
        params={"year": "年度（默认：计划年度）"},
        records=lambda ctx: signed_qs(ctx),          # what the number counts (drill-down)
    )
    def signed_count(ctx: IndicatorContext) -> Decimal:
        return Decimal(signed_qs(ctx).count())

Rules for an indicator:
- Value *as of* `ctx.as_of`: count only what had happened by that date (replaying the year).
- One or a few aggregate queries; never a query per record (the board asserts its query count).
- `records(ctx)` returns the queryset behind the number, unscoped: the caller passes it through
  `scoping.restrict()` for the viewing user, so a village cadre sees only their part.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet


class IndicatorError(Exception):
    """An indicator could not be computed (bad parameters, a failing query…). The board shows
    the message instead of a number; it never breaks the page."""


@dataclass(frozen=True)
class IndicatorContext:
    town: Any  # core.models.Town
    year: int
    as_of: date
    params: dict = field(default_factory=dict)

    def param(self, name: str, default=None):
        value = self.params.get(name, default)
        return default if value in (None, "") else value

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def cutoff(self) -> date:
        """The last day that counts: as_of, but never beyond the plan year."""
        return min(self.as_of, self.year_end)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    compute: Callable[[IndicatorContext], Decimal | int | float]
    records: Callable[[IndicatorContext], QuerySet] | None = None
    params: dict[str, str] = field(default_factory=dict)  # name → description (for the UI)
    # name → {code: word} for parameters whose values are codes (shown as words on pages)
    param_values: dict[str, dict[str, str]] = field(default_factory=dict)
    description: str = ""

    @property
    def module(self) -> str:
        return self.key.split(".", 1)[0]

    def evaluate(self, ctx: IndicatorContext) -> Decimal:
        try:
            value = self.compute(ctx)
        except IndicatorError:
            raise
        except Exception as exc:  # a module's bug must not take the board down
            raise IndicatorError(f"指标「{self.label}」计算出错：{exc}") from exc
        if value is None:
            return Decimal(0)
        return value if isinstance(value, Decimal) else Decimal(str(value))

    def describe_params(self, values: dict) -> str:
        """Parameters as people read them: the parameter's name from its description (before
        its first bracket or colon), and the value's word — 是/否 for booleans, the label a
        description gives a code (``key（重点项目）``), or `param_values` when declared."""
        parts = []
        for name, value in (values or {}).items():
            desc = self.params.get(name, "")
            label = re.split(r"[（(：:]", desc, maxsplit=1)[0].strip() or "参数"
            label = label.removesuffix("代码")
            parts.append(f"{label}：{self._value_words(name, value, desc)}")
        return "；".join(parts)

    def _value_words(self, name, value, desc: str) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, (list, tuple)):
            return "、".join(self._value_words(name, v, desc) for v in value)
        known = dict(self.param_values.get(name, {}))
        known.update(dict(re.findall(r"([A-Za-z_][\w]*)（([^）]+)）", desc)))
        if str(value) in known:
            return str(known[str(value)])
        if isinstance(value, (int, float)) and "万元" in desc:
            from zhenwu.core.formats import amount

            return amount(value)
        return str(value)

    def record_queryset(self, ctx: IndicatorContext) -> QuerySet | None:
        return self.records(ctx) if self.records else None


_registry: dict[str, Indicator] = {}


def register_indicator(
    key: str,
    label: str,
    *,
    unit: str = "",
    records: Callable[[IndicatorContext], QuerySet] | None = None,
    params: dict[str, str] | None = None,
    description: str = "",
    param_values: dict[str, dict[str, str]] | None = None,
):
    """Decorator registering `compute(ctx) -> number` under `key` ("module.name")."""

    def deco(compute):
        _registry[key] = Indicator(
            key=key,
            label=label,
            unit=unit,
            compute=compute,
            records=records,
            params=params or {},
            description=description,
            param_values=param_values or {},
        )
        return compute

    return deco


def get_indicator(key: str | None) -> Indicator | None:
    return _registry.get(key) if key else None


def all_indicators() -> list[Indicator]:
    return sorted(_registry.values(), key=lambda i: i.key)


def indicator_choices() -> list[tuple[str, str]]:
    """The indicators by name (and module), for the target form."""
    return [(i.key, i.label) for i in all_indicators()]


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("indicators")


# --- the plan's own indicators ---------------------------------------------------------------


def _tasks_closed(ctx: IndicatorContext) -> QuerySet:
    from datetime import datetime, time

    from django.utils import timezone

    from zhenwu.plan.models import Task, TaskStatus

    end = timezone.make_aware(datetime.combine(ctx.cutoff, time.max))
    start = timezone.make_aware(datetime.combine(ctx.year_start, time.min))
    qs = Task.objects.filter(
        town=ctx.town, status=TaskStatus.CLOSED, closed_at__gte=start, closed_at__lte=end
    )
    source = ctx.param("source")
    if source:
        qs = qs.filter(source=source)
    return qs


@register_indicator(
    "plan.tasks_closed_count",
    "已销号督办任务数",
    unit="项",
    records=_tasks_closed,
    params={"source": "来源（plan 工作计划 / meeting 会议决定 / instruction 领导批示；默认全部）"},
    description="年度内已销号的督办任务（按销号时间计入）。",
)
def tasks_closed_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(_tasks_closed(ctx).count())
