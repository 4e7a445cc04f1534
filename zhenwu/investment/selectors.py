"""Reads of the 招商引资 ledger: the annotated queryset behind the list, kanban and detail
(flags computed without a query per row), the kanban columns and the follow-up reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.investment.models import (
    STAGE_ORDER,
    FollowUp,
    Investment,
    InvestmentSettings,
    Stage,
)
from zhenwu.investment.rules import (
    DEFAULT_OVERDUE_START_MONTHS,
    DEFAULT_STALE_DAYS,
    FOLLOW_UP_STAGES,
)


def with_flags(qs: QuerySet) -> QuerySet:
    """Annotate what the flags need: the last follow-up, its next date, and the town's
    thresholds — subqueries, so the number of queries does not grow with the rows."""
    latest = FollowUp.objects.filter(investment=OuterRef("pk")).order_by("-on_date", "-id")
    town_settings = InvestmentSettings.objects.filter(town=OuterRef("town"))
    return qs.annotate(
        last_follow_up_on=Subquery(latest.values("on_date")[:1]),
        next_follow_up_on=Subquery(latest.values("next_on")[:1]),
        overdue_months_setting=Coalesce(
            Subquery(town_settings.values("overdue_start_months")[:1]),
            Value(DEFAULT_OVERDUE_START_MONTHS),
            output_field=IntegerField(),
        ),
        stale_days_setting=Coalesce(
            Subquery(town_settings.values("stale_days")[:1]),
            Value(DEFAULT_STALE_DAYS),
            output_field=IntegerField(),
        ),
    )


def list_queryset(qs: QuerySet) -> QuerySet:
    return with_flags(qs.select_related("village", "leader", "department"))


def kanban_columns(user, *, today: date | None = None, filters: dict | None = None):
    """[(stage, label, [investments])] for every stage, terminated last (only recent ones)."""
    today = today or timezone.localdate()
    qs = scoping.restrict(Investment.objects.all(), user)
    if filters:
        qs = qs.filter(**filters)
    # Terminated projects stay on the board for 90 days, then leave it (still in the list).
    qs = qs.exclude(stage=Stage.TERMINATED, terminated_on__lt=today - timedelta(days=90))
    rows = list(list_queryset(qs).order_by("pk"))
    columns = {s: [] for s in (*STAGE_ORDER, Stage.TERMINATED)}
    for obj in rows:
        columns[obj.stage].append(obj)
    for items in columns.values():
        items.sort(key=lambda o: o.stage_date or date.min, reverse=True)
    return [(s, Stage(s).label, columns[s]) for s in columns]


def follow_up_reminders(user, *, today: date | None = None) -> QuerySet:
    """Live pipeline projects whose latest follow-up asks for a next one on or before today."""
    today = today or timezone.localdate()
    qs = scoping.restrict(Investment.objects.filter(stage__in=FOLLOW_UP_STAGES), user)
    return (
        list_queryset(qs)
        .filter(next_follow_up_on__isnull=False, next_follow_up_on__lte=today)
        .order_by("next_follow_up_on", "pk")
    )
