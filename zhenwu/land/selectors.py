"""Reads of the land module: a campaign's schedule (the projects module's scheduler, backward
from the 交地 deadline on the working calendar), its progress (a fixed number of aggregate
queries, whatever the number of households and parcels) and its wall board."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from zhenwu.core import asof, scoping
from zhenwu.core.workcalendar import get_calendar
from zhenwu.land import rules
from zhenwu.land.models import Campaign, CampaignStep, Household, Parcel, Stage
from zhenwu.projects.scheduling import ScheduleError, schedule

ZERO = Decimal(0)


# --- schedule --------------------------------------------------------------------------------
@dataclass
class StepRow:
    step: CampaignStep
    label: str
    floor: int
    calendar_days: bool
    late_start: date | None = None
    late_finish: date | None = None
    start: date | None = None
    finish: date | None = None
    critical: bool = False
    status: str = "not_started"


@dataclass
class CampaignSchedule:
    campaign: Campaign
    rows: list[StepRow] = field(default_factory=list)
    plan_start: date | None = None  # the latest day the first step may start
    forecast_finish: date | None = None
    days_short: int = 0  # working days the plan overruns the 交地 deadline
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def span(self) -> tuple[date, date] | None:
        dates = [d for r in self.rows for d in (r.start, r.finish, r.late_start) if d]
        if not dates:
            return None
        return min(dates), max([*dates, self.campaign.handover_deadline])


def _steps_of(campaign, steps=None):
    if steps is None:
        steps = list(CampaignStep.objects.filter(campaign=campaign).order_by("order", "pk"))
    order = {s.key: i for i, s in enumerate(rules.STEPS)}
    return sorted(steps, key=lambda s: order.get(s.key, 99))


def campaign_schedule(campaign: Campaign, *, as_of: date, steps=None, cal=None) -> CampaignSchedule:
    """The plan backward from the 交地 deadline (latest dates each step may start and finish)
    and the forecast forward from the start date (actuals honoured, nothing unstarted before
    `as_of`), measured against the deadline: `days_short` > 0 when it cannot fit."""
    cal = cal or get_calendar(campaign.town_id)
    out = CampaignSchedule(campaign=campaign)
    steps = _steps_of(campaign, steps)
    if not steps:
        out.error = "尚未设置征收程序"
        return out
    specs = [
        {
            "key": s.key,
            "duration": s.duration,
            "actual_start": s.actual_start,
            "actual_finish": s.actual_finish,
        }
        for s in steps
    ]
    try:
        plan = schedule(
            rules.step_tasks([{**x, "actual_start": None, "actual_finish": None} for x in specs]),
            mode="backward",
            anchor=campaign.handover_deadline,
            calendar=cal,
        )
        forecast = schedule(
            rules.step_tasks(specs),
            mode="forward",
            anchor=campaign.start_date,
            calendar=cal,
            today=None if campaign.handed_over_on else max(as_of, campaign.start_date),
            deadline=campaign.handover_deadline,
        )
    except ScheduleError as exc:
        out.error = exc.message
        return out
    out.plan_start = plan.project_start
    out.forecast_finish = forecast.forecast_finish
    out.days_short = forecast.days_short
    for s, p, f in zip(steps, plan.tasks, forecast.tasks, strict=True):
        step = rules.STEP_BY_KEY[s.key]
        out.rows.append(
            StepRow(
                step=s,
                label=step.label,
                floor=step.floor,
                calendar_days=step.calendar_days,
                late_start=p.late_start,
                late_finish=p.late_finish,
                start=f.early_start,
                finish=f.early_finish,
                critical=f.critical,
                status=f.status,
            )
        )
    return out


def schedules_for(campaigns, *, as_of: date) -> list[CampaignSchedule]:
    campaigns = list(campaigns)
    by = defaultdict(list)
    for s in CampaignStep.objects.filter(campaign__in=campaigns):
        by[s.campaign_id].append(s)
    cals = {}
    out = []
    for c in campaigns:
        cal = cals.setdefault(c.town_id, get_calendar(c.town_id))
        out.append(campaign_schedule(c, as_of=as_of, steps=by.get(c.pk, []), cal=cal))
    return out


# --- progress --------------------------------------------------------------------------------
def _sum(expr):
    return Coalesce(
        Sum(expr), Value(ZERO), output_field=DecimalField(max_digits=20, decimal_places=4)
    )


def _sum_if(expr, cond):
    return Coalesce(
        Sum(expr, filter=cond),
        Value(ZERO),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )


def _parcel_total():
    return (
        Coalesce(F("land_comp"), Value(ZERO))
        + Coalesce(F("resettlement_comp"), Value(ZERO))
        + Coalesce(F("crop_comp"), Value(ZERO))
        + Coalesce(F("attachment_comp"), Value(ZERO))
    )


def _household_total():
    return (
        Coalesce(F("house_comp"), Value(ZERO))
        + Coalesce(F("decoration_comp"), Value(ZERO))
        + Coalesce(F("attachment_comp"), Value(ZERO))
        + Coalesce(F("moving_fee"), Value(ZERO))
        + Coalesce(F("transition_fee"), Value(ZERO))
        + Coalesce(F("reward"), Value(ZERO))
    )


def _dated(field: str, as_of: date | None) -> Q:
    """The record reached the step dated by `field`: on or before `as_of` (None: at all)."""
    if as_of is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__lte": as_of})


def parcel_aggregates(parcels, as_of: date | None = None) -> dict:
    """Areas (亩) surveyed / agreed / handed over as they stood on `as_of` (by their dates).
    Payment carries no date (付款状态, 已付金额): 已兑付 and the money paid are the current
    figures whatever the date."""
    return parcels.aggregate(
        n=Count("pk"),
        mu=_sum("area_mu"),
        surveyed=_sum_if("area_mu", _dated("registered_on", as_of)),
        agreed=_sum_if("area_mu", _dated("agreed_on", as_of)),
        paid=_sum_if("area_mu", Q(payment_status="paid")),
        handed=_sum_if("area_mu", _dated("handed_over_on", as_of)),
        committed=_sum_if(_parcel_total(), _dated("agreed_on", as_of)),
        money_paid=_sum("paid_amount"),
    )


def household_aggregates(households, as_of: date | None = None) -> dict:
    """Households signed / vacated / demolished / settled as they stood on `as_of` (by the
    stage dates); the money committed is that of the households signed by then."""
    return households.aggregate(
        n=Count("pk"),
        signed=Count("pk", filter=_dated("signed_on", as_of)),
        vacated=Count("pk", filter=_dated("vacated_on", as_of)),
        demolished=Count("pk", filter=_dated("demolished_on", as_of)),
        settled=Count("pk", filter=_dated("settled_on", as_of)),
        committed=_sum_if(_household_total(), _dated("signed_on", as_of)),
        money_paid=_sum("paid_amount"),
    )


@dataclass
class Progress:
    target_mu: Decimal
    target_households: int
    parcels: dict
    households: dict
    working_days_left: int | None = None
    working_days_elapsed: int | None = None
    deadline: date | None = None
    as_of: date | None = None

    @property
    def past(self) -> bool:
        """Opened as of a day before today: payment (undated) is still today's figure."""
        return bool(self.as_of and self.as_of < asof.today())

    def _mu_pct(self, key):
        return rules.pct(self.parcels[key], self.target_mu or self.parcels["mu"])

    def _hh_pct(self, key):
        return rules.pct(self.households[key], self.target_households or self.households["n"])

    @property
    def area_rows(self):
        return [
            (label, self.parcels[k].quantize(Decimal("0.01")), self._mu_pct(k))
            for k, label in (
                ("surveyed", "已调查"),
                ("agreed", "已签协议"),
                ("paid", "已兑付"),
                ("handed", "已交地"),
            )
        ]

    @property
    def household_rows(self):
        return [
            (label, self.households[k], self._hh_pct(k))
            for k, label in (
                ("signed", "已签约"),
                ("vacated", "已腾空"),
                ("demolished", "已拆除"),
                ("settled", "已结算"),
            )
        ]

    @property
    def sign_rate(self):
        return self._hh_pct("signed")

    @property
    def vacate_rate(self):
        return self._hh_pct("vacated")

    @property
    def committed(self) -> Decimal:
        return self.parcels["committed"] + self.households["committed"]

    @property
    def paid(self) -> Decimal:
        return self.parcels["money_paid"] + self.households["money_paid"]

    @property
    def households_left(self) -> int:
        return max(0, (self.target_households or self.households["n"]) - self.households["vacated"])

    @property
    def mu_left(self) -> Decimal:
        return max(ZERO, (self.target_mu or self.parcels["mu"]) - self.parcels["handed"])

    @property
    def rate_needed(self):
        """Households to vacate per working day from today to the deadline."""
        if not self.households_left:
            return Decimal(0)
        return rules.rate(self.households_left, self.working_days_left)

    @property
    def rate_achieved(self):
        return rules.rate(self.households["vacated"], self.working_days_elapsed)

    @property
    def mu_rate_needed(self):
        if not self.mu_left:
            return Decimal(0)
        return rules.rate(self.mu_left, self.working_days_left)

    @property
    def mu_rate_achieved(self):
        return rules.rate(self.parcels["handed"], self.working_days_elapsed)

    @property
    def behind(self) -> bool:
        n, a = self.rate_needed, self.rate_achieved
        return bool(n and (a is None or a < n))


def campaign_progress(campaign: Campaign, *, as_of: date) -> Progress:
    """The campaign as it stood on `as_of`: two aggregate queries (+ the calendar's, cached),
    whatever the campaign's size."""
    parcels = parcel_aggregates(Parcel.objects.filter(campaign=campaign), as_of)
    households = household_aggregates(Household.objects.filter(campaign=campaign), as_of)
    p = Progress(
        target_mu=campaign.target_mu or ZERO,
        target_households=campaign.target_households or 0,
        parcels=parcels,
        households=households,
        deadline=campaign.handover_deadline,
        as_of=as_of,
    )
    cal = get_calendar(campaign.town_id)
    if not campaign.handed_over_on:
        p.working_days_left = max(
            0, cal.workdays_between(as_of, campaign.handover_deadline + timedelta(days=1))
        )
        p.working_days_elapsed = max(
            0, cal.workdays_between(campaign.start_date, as_of + timedelta(days=1))
        )
    return p


def town_progress(user, *, as_of: date) -> Progress:
    """Every campaign the user sees, as they stood on `as_of` (three aggregate queries)."""
    campaigns = scoping.restrict(Campaign.objects.all(), user)
    t = campaigns.aggregate(mu=_sum("target_mu"), hh=Coalesce(Sum("target_households"), 0))
    return Progress(
        target_mu=t["mu"],
        target_households=t["hh"],
        parcels=parcel_aggregates(Parcel.objects.filter(campaign__in=campaigns), as_of),
        households=household_aggregates(Household.objects.filter(campaign__in=campaigns), as_of),
        as_of=as_of,
    )


# --- wall board ------------------------------------------------------------------------------
STAGE_ORDER = [Stage.NONE, *[Stage(k) for k in rules.STAGE_KEYS]]


def board(campaign: Campaign, user) -> list[dict]:
    """Households the user may see, as tiles by stage, grouped by 包户 cadre (one query)."""
    qs = (
        scoping.restrict(Household.objects.filter(campaign=campaign), user)
        .select_related("cadre", "village")
        .order_by("cadre__full_name", "number", "pk")
    )
    groups: dict = {}
    for h in qs:
        key = h.cadre_id or 0
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "cadre": h.cadre,
                "by_stage": {s.value: 0 for s in STAGE_ORDER},
                "tiles": [],
            }
        g["tiles"].append(h)
        g["by_stage"][h.stage] += 1
    for g in groups.values():
        g["summary"] = [
            (s.label, g["by_stage"][s.value]) for s in STAGE_ORDER if g["by_stage"][s.value]
        ]
    return list(groups.values())


# --- a household's hearings ---------------------------------------------------------------------
@dataclass
class HearingRow:
    hearing: object
    collective: bool  # requested by the village/group, not by the household
    next_action: str = ""  # what is due, "" when the hearing has been held

    @property
    def who(self) -> str:
        h = self.hearing
        return f"{h.village}{h.group}集体申请" if self.collective else "本户申请"


def hearings_of(household: Household, user) -> list[HearingRow]:
    """The hearings that concern a household, as `user` may see them (`restrict()`): those it
    requested and those of its campaign requested by a collective (村、组) — the same set the
    signing rule reads (`Household._check_hearing`: a collective's request holds up every
    household of the campaign). Not yet held first, then the most recently held; one query."""
    from zhenwu.land.models import Hearing

    qs = (
        Hearing.objects.filter(campaign_id=household.campaign_id)
        .filter(Q(household_id=household.pk) | Q(household__isnull=True))
        .select_related("village", "household")
        .order_by(F("held_on").desc(nulls_first=True), "-requested_on", "-pk")
    )
    rows = []
    for h in scoping.restrict(qs, user):
        action = ""
        if not h.held_on:
            action = "举行听证，登记听证日期和结果"
            if not household.signed_on:
                action += "；听证举行前本户不能签约"
        rows.append(HearingRow(hearing=h, collective=h.household_id is None, next_action=action))
    return rows
