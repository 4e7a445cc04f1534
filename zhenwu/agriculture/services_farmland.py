"""Writes of 守粮安. Each takes `acting_user`, is atomic, validates with `full_clean()` (through
`core.services`) and lands in the change log. Findings go through the shared rectification flow
(`core.rectification`): deadline in working days, after-photo, acceptance, recurrence."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.agriculture.models.farmland import (
    ChiefLevel,
    FarmlandSetting,
    FieldChief,
    Patrol,
    PatrolFinding,
    Plot,
)
from zhenwu.core import rectification, scoping, services
from zhenwu.core.models import Role, User, Village
from zhenwu.core.workcalendar import get_calendar


def setting_of(town) -> FarmlandSetting:
    """The town's 田长制 setting (the defaults until someone changes them)."""
    setting = FarmlandSetting.objects.filter(town=town).order_by("pk").first()
    if setting is None:
        setting = FarmlandSetting.objects.create(town=town)
    return setting


def chiefs_of(user):
    return FieldChief.objects.filter(user=user, is_active=True, town_id=user.town_id)


def may_record_patrols(user) -> bool:
    """Who may open 记录巡田 (the page and its menu entry): a user of a town who may write
    patrols; which villages they patrol is `patroller_village_ids`."""
    return bool(user.town_id) and scoping.can_write_model(user, Patrol)


def patroller_village_ids(user, town) -> set[int] | None:
    """Villages a user may patrol: None for everyone (a 镇级田长, the module's editors);
    else the villages of their 田长 posts and, for a village cadre, their own villages."""
    chiefs = list(chiefs_of(user).prefetch_related("villages"))
    if any(c.level == ChiefLevel.TOWN for c in chiefs):
        return None
    if user.role != Role.VILLAGE and not chiefs:
        return None
    ids = {v.pk for c in chiefs for v in c.villages.all()}
    if user.role == Role.VILLAGE:
        ids |= set(user.villages.filter(is_deleted=False).values_list("pk", flat=True))
    return ids


def level_of(user) -> str:
    """The level a user patrols at: their lowest-level post (grid before village before town)."""
    levels = set(chiefs_of(user).values_list("level", flat=True))
    for level in (ChiefLevel.GRID, ChiefLevel.VILLAGE, ChiefLevel.TOWN):
        if level in levels:
            return level
    return ChiefLevel.VILLAGE if user.role == Role.VILLAGE else ChiefLevel.TOWN


def _responsible(village) -> User | None:
    chief = (
        FieldChief.objects.filter(
            level=ChiefLevel.VILLAGE, villages=village, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if chief is not None:
        return chief.user
    return (
        User.objects.filter(role=Role.VILLAGE, villages=village, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def record_patrol(
    *,
    town,
    village: Village,
    plots,
    acting_user,
    patrolled_on: date | None = None,
    patroller=None,
    level: str | None = None,
    gps_points=None,
    note: str = "",
    photos=(),
    findings=(),
) -> Patrol:
    """Record a patrol and the problems found on it. `findings`: dicts with plot, category,
    note, area_mu, action, photos. All or nothing: a bad finding stores no patrol."""
    patroller = patroller or acting_user
    plots = list(plots)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    patrolled_on = patrolled_on or today
    if patrolled_on > today:
        errors["patrolled_on"] = f"巡田日期 {patrolled_on:%Y-%m-%d} 晚于今天，不能登记未来的巡田。"
    if village.town_id != town.pk:
        errors["village"] = "该村（社区）不属于本镇。"
    allowed = patroller_village_ids(patroller, town)
    if allowed is not None and village.pk not in allowed:
        errors["village"] = f"{village.name}不在巡田人负责的村（社区）内。"
    if not plots:
        errors["plots"] = "请至少选择一个巡查图斑。"
    outside = [p.code for p in plots if p.village_id != village.pk]
    if outside:
        errors["plots"] = f"图斑 {'、'.join(outside)} 不属于{village.name}。"
    try:
        gps = rules.parse_gps_points(gps_points)
    except ValueError as exc:
        errors["gps_points"] = str(exc)
        gps = []
    covered = {p.pk for p in plots}
    for i, f in enumerate(findings, start=1):
        plot = f.get("plot")
        if plot is None:
            errors["findings"] = f"第{i}个问题未选择图斑。"
        elif allowed is not None and plot.village_id not in allowed:
            errors["plot"] = f"图斑 {plot.code} 不在巡田人负责的村（社区）内，不能登记问题。"
        elif plot.pk not in covered:
            errors["plot"] = f"图斑 {plot.code} 不在本次巡查的图斑中。"
        if f.get("category") not in rules.BY_CODE:
            errors["category"] = f"第{i}个问题的问题类型无效。"
    if errors:
        raise ValidationError(errors)
    patrol = services.create_object(
        Patrol,
        town=town,
        data={
            "patroller": patroller,
            "level": level or level_of(patroller),
            "patrolled_on": patrolled_on,
            "village": village,
            "gps_points": gps,
            "note": note or "",
        },
        acting_user=acting_user,
        m2m={"plots": plots},
    )
    for photo in photos:
        services.add_attachment(patrol, uploaded=photo, acting_user=acting_user, caption="巡田照片")
    for f in findings:
        record_finding(
            patrol=patrol,
            plot=f["plot"],
            category=f["category"],
            note=f.get("note", ""),
            area_mu=f.get("area_mu"),
            action=f.get("action") or "report",
            photos=f.get("photos", ()),
            acting_user=acting_user,
        )
    return patrol


@transaction.atomic
def record_finding(
    *,
    patrol: Patrol,
    plot: Plot,
    category: str,
    acting_user,
    note: str = "",
    area_mu=None,
    action: str = "report",
    photos=(),
) -> PatrolFinding:
    """A problem on a plot: its deadline from the type (working days, the town may adjust),
    a recurrence when the same plot had the same type accepted within the window."""
    town = patrol.town
    errors = {}
    if category not in rules.BY_CODE:
        errors["category"] = "问题类型无效。"
    allowed = patroller_village_ids(patrol.patroller, town)
    if allowed is not None and plot.village_id not in allowed:
        errors["plot"] = f"图斑 {plot.code} 不在巡田人负责的村（社区）内，不能登记问题。"
    if plot.town_id != town.pk:
        errors["plot"] = "该图斑不属于本镇。"
    if errors:
        raise ValidationError(errors)
    setting = setting_of(town)
    found_on = patrol.patrolled_on
    recurrence, previous = rectification.detect_recurrence(
        PatrolFinding.objects.filter(town=town, plot=plot, category=category),
        found_at=found_on,
        found_on=found_on,
        found_field="found_on",
        window_days=setting.recurrence_window_days,
    )
    days = rules.deadline_days(category, setting.deadline_overrides)
    finding = services.create_object(
        PatrolFinding,
        town=town,
        data={
            "patrol": patrol,
            "plot": plot,
            "village_id": plot.village_id,
            "category": category,
            "area_mu": area_mu,
            "action": action,
            "note": note or "",
            "found_on": found_on,
            "is_recurrence": recurrence,
            "recurrence_of": previous,
            "deadline": rectification.rectification_deadline(found_on, days, get_calendar(town)),
            "responsible": _responsible(plot.village),
        },
        acting_user=acting_user,
    )
    for photo in photos:
        services.add_attachment(finding, uploaded=photo, acting_user=acting_user, caption="整改前")
    return finding


# --------------------------------------------------------------------------- rectification


def may_verify(user) -> bool:
    """The agriculture office (and administrators) accept or return; never the village."""
    return rectification.may_verify(user, PatrolFinding)


def submit_rectification(finding, *, photo, acting_user, note="", when=None):
    return rectification.submit(
        finding,
        photo=photo,
        acting_user=acting_user,
        note=note,
        when=when,
        waiting_text="整改照片已上传，正在等待农业服务中心验收。",
    )


def accept(finding, *, acting_user, when=None):
    return rectification.accept(
        finding,
        acting_user=acting_user,
        when=when,
        who_text="只有农业服务中心可以验收销号。",
        verifier=may_verify,
    )


def send_back(finding, *, note, acting_user):
    return rectification.send_back(
        finding,
        note=note,
        acting_user=acting_user,
        who_text="只有农业服务中心可以退回整改。",
        verifier=may_verify,
    )


def escalate_overdue(today: date) -> int:
    """Job: open farmland orders past their deadline escalate to the leaders."""
    return rectification.escalate_overdue(PatrolFinding, today)
