"""Writes of the inspections module. Each takes `acting_user`, is atomic, validates with
`full_clean()` (through `core.services`) and lands in the change log."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from zhenwu.core import rectification, scoping, services
from zhenwu.core.models import Role, User, Village
from zhenwu.core.workcalendar import get_calendar
from zhenwu.inspections import rules
from zhenwu.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    FindingStatus,
    RankingPublication,
    Round,
    RoundKind,
    RoundStatus,
    Sheet,
    Spot,
)

# The default 100-point sheet (domain-rules §4): (section, points, [(code, name, deduction,
# cap, zeroes section, photo required, deadline in working days)]).
DEFAULT_SHEET = [
    ("户厕", 15, [("A1", "户厕不能正常使用（每自然村抽5户）", "2", "15", False, True, 7)]),
    (
        "垃圾与焚烧",
        15,
        [
            ("B1", "可见垃圾、死禽死畜、农药包装、废弃农膜", "1", "15", False, True, 0),
            ("B2", "露天焚烧秸秆或垃圾", "15", "15", True, True, 0),
        ],
    ),
    ("房前屋后", 15, [("C1", "房前屋后三堆两垛（柴草、粪土、杂物）", "1", "15", False, True, 3)]),
    ("道路巷道", 10, [("D1", "道路巷道泥泞、污水横流、杂物堆放", "1", "10", False, True, 3)]),
    ("垃圾收运", 10, [("E1", "垃圾桶满溢、破损或未分类", "1", "10", False, True, 0)]),
    ("沟渠河塘", 15, [("F1", "主干沟渠、河塘漂浮垃圾和杂草", "0.5", "15", False, True, 7)]),
    ("公厕", 5, [("G1", "公厕脏乱破损、露天粪缸", "1", "5", False, True, 3)]),
    ("乱贴乱画", 5, [("H1", "乱贴乱画、小广告", "0.5", "5", False, True, 3)]),
    (
        "长效机制",
        10,
        [("I1", "保洁员、村规民约、积分制、红黑榜未落实", "5", "10", False, False, 7)],
    ),
]


@transaction.atomic
def default_checklist(town, *, acting_user=None) -> Checklist:
    """The town's active checklist; the default 100-point sheet is created on first use."""
    checklist = Checklist.objects.filter(town=town, is_active=True).order_by("-edition").first()
    if checklist is not None:
        return checklist
    checklist = services.create_object(
        Checklist,
        town=town,
        data={"name": "农村人居环境整治评分细则", "edition": 1},
        acting_user=acting_user,
    )
    for order, (name, points, items) in enumerate(DEFAULT_SHEET, start=1):
        section = services.create_object(
            ChecklistSection,
            town=town,
            data={"checklist": checklist, "name": name, "points": Decimal(points), "order": order},
            acting_user=acting_user,
        )
        for i, (code, label, ded, cap, zeroes, photo, days) in enumerate(items, start=1):
            services.create_object(
                ChecklistItem,
                town=town,
                data={
                    "section": section,
                    "code": code,
                    "name": label,
                    "deduction": Decimal(ded),
                    "cap": Decimal(cap),
                    "zeroes_section": zeroes,
                    "photo_required": photo,
                    "deadline_days": days,
                    "order": i,
                },
                acting_user=acting_user,
            )
    return checklist


def checklist_rules(checklist: Checklist):
    """(sections {name: points}, items {code: ItemRule}) of a checklist, in two queries."""
    sections = {s.name: s.points for s in ChecklistSection.objects.filter(checklist=checklist)}
    items = {
        i.code: rules.ItemRule(i.code, i.section.name, i.deduction, i.cap, i.zeroes_section)
        for i in ChecklistItem.objects.filter(section__checklist=checklist).select_related(
            "section"
        )
    }
    return sections, items


def rescore(sheet: Sheet, *, acting_user=None, cache=None) -> Sheet:
    """Recompute a sheet's score from its findings (recurrences weigh the multiplier)."""
    checklist = sheet.round.checklist
    sections, items = cache if cache is not None else checklist_rules(checklist)
    hits = [
        rules.Hit(code, count, checklist.recurrence_multiplier if rec else Decimal(1))
        for code, count, rec in Finding.objects.filter(sheet=sheet).values_list(
            "item__code", "count", "is_recurrence"
        )
    ]
    result = rules.score_sheet(sections, items, hits, sheet.not_applicable or [])
    if sheet.score != result.score or sheet.rescaled != result.rescaled:
        sheet.score = result.score
        sheet.rescaled = result.rescaled
        with services.attributed(acting_user):
            sheet.save()
    return sheet


# --------------------------------------------------------------------------- rounds


def _village_spots(town) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {
        v: [] for v in Village.objects.filter(town=town).values_list("pk", flat=True)
    }
    for vid, sid in Spot.objects.filter(town=town, is_active=True).values_list("village", "pk"):
        out.setdefault(vid, []).append(sid)
    return out


@transaction.atomic
def draw_round(
    *,
    town,
    starts_at: datetime,
    acting_user,
    inspectors=(),
    kind: str = RoundKind.UNANNOUNCED,
    title: str = "",
    rng: random.Random | None = None,
    days: int = 1,
    ends_on: date | None = None,
    checklist: Checklist | None = None,
    note: str = "",
    revisit_from: date | None = None,
    revisit_to: date | None = None,
) -> Round:
    """Create a round and draw its units and spots (`rules.draw`): units short of the month's
    minimum first, no spot twice in a row for a unit. Secret until `starts_at`.

    `checklist` (an active checklist of the town; default: the town's latest active edition)
    sets the round's scoring and its draw rules (units per round, spots per unit, visits a
    month); `ends_on` (default: `days` days from the start) and `note` are stored as given."""
    start_day = timezone.localtime(starts_at).date()
    if checklist is None:
        checklist = default_checklist(town, acting_user=acting_user)
    elif checklist.town_id != town.pk or checklist.is_deleted or not checklist.is_active:
        raise ValidationError({"checklist": f"评分细则「{checklist}」不是本镇启用的细则。"})
    if ends_on is None:
        ends_on = start_day + timedelta(days=max(days, 1) - 1)
    elif ends_on < start_day:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    if kind == RoundKind.REINSPECTION:
        return _draw_reinspection(
            town=town,
            starts_at=starts_at,
            ends_on=ends_on,
            checklist=checklist,
            title=title,
            note=note,
            inspectors=inspectors,
            revisit_from=revisit_from,
            revisit_to=revisit_to,
            acting_user=acting_user,
        )
    if revisit_from or revisit_to:
        raise ValidationError({"revisit_from": "只有复查轮次有复查期间。"})
    month = start_day.replace(day=1)
    rng = rng or random.SystemRandom()
    spots = _village_spots(town)
    visits = dict(
        Sheet.objects.filter(town=town, month=month)
        .values_list("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    )
    last: dict[int, list[int]] = {}
    for vid, spot_ids in (
        Sheet.objects.filter(town=town, round__starts_at__lt=starts_at)
        .order_by("village", "-round__starts_at")
        .values_list("village", "spot_ids")
    ):
        last.setdefault(vid, spot_ids or [])
    units = len(spots) if kind != RoundKind.UNANNOUNCED else checklist.units_per_round
    drawn = rules.draw(
        spots,
        units_per_round=units,
        spots_per_unit=checklist.spots_per_unit,
        visits_this_month=visits,
        min_visits=checklist.min_visits_per_month,
        last_spots=last,
        rng=rng,
    )
    label = dict(RoundKind.choices)[kind]
    rnd = services.create_object(
        Round,
        town=town,
        data={
            "title": title or f"{start_day:%Y年%m月%d日}{label}",
            "kind": kind,
            "starts_at": starts_at,
            "ends_on": ends_on,
            "checklist": checklist,
            "note": (note or "").strip(),
        },
        acting_user=acting_user,
        m2m={"inspectors": list(inspectors)},
    )
    full = rules.score_sheet(*checklist_rules(checklist), []).score  # no findings: 100
    for vid in sorted(drawn):
        services.create_object(
            Sheet,
            town=town,
            data={
                "round": rnd,
                "village_id": vid,
                "spot_ids": drawn[vid],
                "month": month,
                "score": full,
            },
            acting_user=acting_user,
        )
    return rnd


def may_close(user, rnd: Round) -> bool:
    """Who closes a round: its inspectors, and those who verify without being an inspector
    (the module's staff, administrators). Another inspector's round is not theirs to close."""
    if not may_verify(user):
        return False
    if user.is_superuser or user.role != Role.INSPECTOR:
        return True
    return rnd.inspectors.filter(pk=user.pk).exists()


def rectified_in(town, first: date, last: date):
    """Findings whose after-photo was uploaded between `first` and `last` (local days) and
    that stand rectified (已整改待验收 or 已销号): what a 复查 revisits. Only rounds already
    started count (a secret round has nothing to revisit)."""
    return (
        Finding.objects.filter(
            town=town,
            status__in=(FindingStatus.SUBMITTED, FindingStatus.ACCEPTED),
            rectified_at__isnull=False,
            round__starts_at__lte=timezone.now(),
        )
        .filter(
            rectified_at__gte=timezone.make_aware(datetime.combine(first, datetime.min.time())),
            rectified_at__lt=timezone.make_aware(
                datetime.combine(last + timedelta(days=1), datetime.min.time())
            ),
        )
        .order_by("village__order", "village", "found_at", "pk")
    )


def default_revisit_window(town, start_day: date) -> tuple[date, date]:
    """Since the last 复查 (the day after its period ended), else the 30 days before; up to
    the day before the new round starts."""
    last = (
        Round.objects.filter(
            town=town,
            kind=RoundKind.REINSPECTION,
            revisit_to__isnull=False,
            revisit_to__lt=start_day,
        )
        .order_by("-revisit_to")
        .values_list("revisit_to", flat=True)
        .first()
    )
    first = last + timedelta(days=1) if last else start_day - timedelta(days=30)
    return first, start_day - timedelta(days=1)


def _draw_reinspection(
    *,
    town,
    starts_at,
    ends_on,
    checklist,
    title,
    note,
    inspectors,
    revisit_from,
    revisit_to,
    acting_user,
) -> Round:
    start_day = timezone.localtime(starts_at).date()
    first, last = default_revisit_window(town, start_day)
    first, last = revisit_from or first, revisit_to or last
    if first > last:
        raise ValidationError({"revisit_to": "复查截止日不能早于起始日。"})
    if last >= start_day:
        raise ValidationError({"revisit_to": "复查截止日应早于本轮开始日期。"})
    findings = list(rectified_in(town, first, last).values_list("pk", "village", "spot"))
    if not findings:
        raise ValidationError(
            {"revisit_from": f"{first:%Y-%m-%d}至{last:%Y-%m-%d}没有已整改的问题可复查。"}
        )
    rnd = services.create_object(
        Round,
        town=town,
        data={
            "title": title or f"{start_day:%Y年%m月%d日}复查",
            "kind": RoundKind.REINSPECTION,
            "starts_at": starts_at,
            "ends_on": ends_on,
            "checklist": checklist,
            "note": (note or "").strip(),
            "revisit_from": first,
            "revisit_to": last,
        },
        acting_user=acting_user,
        m2m={"inspectors": list(inspectors)},
    )
    by_village: dict[int, list[tuple[int, int | None]]] = {}
    for pk, vid, spot in findings:
        by_village.setdefault(vid, []).append((pk, spot))
    full = rules.score_sheet(*checklist_rules(checklist), []).score
    for vid, rows in by_village.items():
        services.create_object(
            Sheet,
            town=town,
            data={
                "round": rnd,
                "village_id": vid,
                "spot_ids": sorted({s for _, s in rows if s}),
                "month": rnd.month,
                "score": full,
                "revisits": [{"finding": pk, "outcome": REVISIT_PENDING} for pk, _ in rows],
            },
            acting_user=acting_user,
        )
    return rnd


REVISIT_PENDING = "pending"
REVISIT_FIXED = "fixed"
REVISIT_STILL = "still"
REVISIT_OUTCOMES = {REVISIT_FIXED: "整改到位", REVISIT_STILL: "问题仍在"}


@transaction.atomic
def confirm_revisit(
    sheet: Sheet,
    *,
    finding_id: int,
    outcome: str,
    acting_user,
    count: int | None = None,
    note: str = "",
    photos=(),
    photo_taken_at: datetime | None = None,
    lat=None,
    lng=None,
    found_at: datetime | None = None,
):
    """The 复查 inspector's verdict on one revisited problem.

    - 整改到位 (`fixed`): an order still waiting for acceptance is accepted (销号) on the spot
      (`accept`); an accepted one stays as it is.
    - 问题仍在 (`still`): if the order was only submitted (after-photo, not yet accepted) it
      is returned to the village (`send_back`), the same order continuing; if it had been
      accepted, the problem is recorded anew in the 复查 round through `record_finding` — same
      village, spot and problem type (by code, in the round's checklist), the count given
      (default the original's), photos as the item requires — and the recurrence rule decides
      whether it is a 反弹.
    Each problem is decided once; the verdict is kept on the sheet (change log)."""
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    rnd = sheet.round
    if rnd.kind != RoundKind.REINSPECTION:
        raise ValidationError({"round": "只有复查轮次可以核查整改结果。"})
    if not may_verify(acting_user):
        raise ValidationError({"round": "只有督查员或人居办可以复查。"})
    if not rnd.started:
        raise ValidationError({"round": "本轮复查尚未开始。"})
    if outcome not in REVISIT_OUTCOMES:
        raise ValidationError({"outcome": "请选择“整改到位”或“问题仍在”。"})
    revisits = [dict(r) for r in (sheet.revisits or [])]
    entry = next((r for r in revisits if r.get("finding") == finding_id), None)
    if entry is None:
        raise ValidationError({"finding": "该问题不在本轮复查名单中。"})
    if entry.get("outcome") != REVISIT_PENDING:
        label = REVISIT_OUTCOMES.get(entry.get("outcome"), entry.get("outcome"))
        raise ValidationError({"finding": f"该问题已复查（{label}），不能重复核查。"})
    original = Finding.objects.select_related("item", "spot", "village").get(pk=finding_id)
    new = None
    if outcome == REVISIT_FIXED:
        if original.status == FindingStatus.SUBMITTED:
            accept(original, acting_user=acting_user)
    elif original.status == FindingStatus.SUBMITTED:
        send_back(
            original,
            note=(note or "").strip() or f"{rnd}：复查时问题仍在，请重新整改。",
            acting_user=acting_user,
        )
    elif original.status == FindingStatus.ACCEPTED:
        item = ChecklistItem.objects.filter(
            section__checklist=rnd.checklist, code=original.item.code
        ).first()
        if item is None:
            raise ValidationError(
                {"finding": f"本轮评分细则中没有问题类型「{original.item.code}」，无法登记。"}
            )
        new, _ = record_finding(
            rnd=rnd,
            village=original.village,
            item=item,
            spot=original.spot,
            count=count if count not in (None, "") else original.count,
            note=(note or "").strip() or f"复查：{original.item.name}问题仍在",
            photos=photos,
            photo_taken_at=photo_taken_at,
            lat=lat,
            lng=lng,
            found_at=found_at,
            acting_user=acting_user,
        )
    else:
        raise ValidationError({"finding": "该问题已不在整改完成状态，无需复查。"})
    entry.update(
        {
            "outcome": outcome,
            "by": getattr(acting_user, "pk", None),
            "at": timezone.now().isoformat(),
            "new_finding": new.pk if new else None,
        }
    )
    sheet = Sheet.objects.get(pk=sheet.pk)  # rescored if a finding was recorded
    services.update_object(sheet, data={"revisits": revisits}, acting_user=acting_user)
    return entry, new


@transaction.atomic
def close_round(rnd: Round, *, acting_user, expected_version=None) -> Round:
    """End a round (status 已结束). Findings still queued offline are taken afterwards and
    flagged for the inspector (`record_finding`), never dropped."""
    if rnd.status == RoundStatus.CLOSED:
        raise ValidationError({"status": "本轮检查已结束。"})
    return services.update_object(
        rnd,
        data={"status": RoundStatus.CLOSED},
        acting_user=acting_user,
        expected_version=expected_version,
    )


@transaction.atomic
def set_not_applicable(sheet: Sheet, *, codes: list[str], acting_user) -> Sheet:
    _, items = checklist_rules(sheet.round.checklist)
    unknown = [c for c in codes if c not in items]
    if unknown:
        raise ValidationError({"not_applicable": f"未知的评分项：{'、'.join(unknown)}"})
    services.update_object(
        sheet, data={"not_applicable": sorted(set(codes))}, acting_user=acting_user
    )
    return rescore(sheet, acting_user=acting_user)


# --------------------------------------------------------------------------- findings


def max_count(item: ChecklistItem) -> int:
    """How many occurrences one finding of the item may record (its cap reached)."""
    return max(1, math.ceil(item.cap / item.deduction))


def _responsible(village) -> User | None:
    return (
        User.objects.filter(role=Role.VILLAGE, villages=village, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def record_finding(
    *,
    rnd: Round,
    village,
    item: ChecklistItem,
    acting_user,
    count: int = 1,
    spot: Spot | None = None,
    note: str = "",
    found_at: datetime | None = None,
    lat=None,
    lng=None,
    photos=(),
    photo_taken_at: datetime | None = None,
    client_key: str = "",
) -> tuple[Finding, bool]:
    """Record a finding (and its rectification order). Returns (finding, created): a re-sent
    `client_key` returns the finding already stored, never a duplicate."""
    town = rnd.town
    client_key = (client_key or "")[:64]
    if client_key:
        existing = Finding.all_objects.filter(town=town, client_key=client_key).first()
        if existing is not None:
            return existing, False
    errors: dict[str, str] = {}
    if item.section.checklist_id != rnd.checklist_id:
        errors["item"] = "该评分项不属于本轮使用的评分细则。"
    if village.town_id != town.pk:
        errors["village"] = "该村（社区）不属于本镇。"
    if spot is not None and spot.village_id != village.pk:
        errors["spot"] = f"点位「{spot.name}」不属于{village.name}。"
    try:
        count = int(count)
    except (TypeError, ValueError):
        errors["count"] = "处数必须是整数。"
        count = 0
    if not errors.get("count"):
        if count < 1:
            errors["count"] = "处数至少为1。"
        elif count > max_count(item):
            errors["count"] = (
                f"处数 {count} 超过「{item.name}」的扣分上限"
                f"（每处扣{item.deduction:g}分，最多扣{item.cap:g}分，即最多{max_count(item)}处）。"
            )
    if item.photo_required and not photos:
        errors["photos"] = f"「{item.name}」必须上传现场照片。"
    now = timezone.now()
    found_at = found_at or now
    if not rnd.started and found_at < rnd.starts_at:
        errors["round"] = "本轮检查尚未开始，不能登记问题。"
    if errors:
        raise ValidationError(errors)
    flags = rules.photo_flags(
        taken_at=photo_taken_at,
        round_start=rnd.starts_at,
        position=(float(lat), float(lng)) if lat is not None and lng is not None else None,
        spot_position=(float(spot.lat), float(spot.lng)) if spot and spot.lat is not None else None,
    )
    if rnd.status == RoundStatus.CLOSED:
        flags.append("本轮结束后才送达（离线登记），请督查员核实")
    checklist = rnd.checklist
    sheet = Sheet.objects.filter(round=rnd, village=village).first()
    if sheet is None:
        sheet = services.create_object(
            Sheet,
            town=town,
            data={"round": rnd, "village": village, "spot_ids": [spot.pk] if spot else []},
            acting_user=acting_user,
        )
    found_on = timezone.localtime(found_at).date()
    recurrence, previous = False, None
    if spot is not None:
        recurrence, previous = rectification.detect_recurrence(
            Finding.objects.filter(town=town, spot=spot, item__code=item.code),
            found_at=found_at,
            found_on=found_on,
            found_field="found_at",
            window_days=checklist.recurrence_window_days,
        )
    rule = rules.ItemRule(item.code, "", item.deduction, item.cap, item.zeroes_section)
    weight = rectification.recurrence_weight(recurrence, checklist.recurrence_multiplier)
    data = {
        "round": rnd,
        "sheet": sheet,
        "village": village,
        "spot": spot,
        "item": item,
        "count": count,
        "note": note or "",
        "found_at": found_at,
        "lat": lat,
        "lng": lng,
        "inspector": acting_user if getattr(acting_user, "pk", None) else None,
        "client_key": client_key,
        "flags": flags,
        "is_recurrence": recurrence,
        "recurrence_of": previous,
        "deduction": rules.item_deduction(rule, count, weight),
        "deadline": rectification.rectification_deadline(
            found_on, item.deadline_days, get_calendar(town)
        ),
        "responsible": _responsible(village),
    }
    try:
        with transaction.atomic():
            finding = services.create_object(Finding, town=town, data=data, acting_user=acting_user)
    except IntegrityError:
        # The same key sent twice at the same moment: the other request stored it.
        existing = Finding.all_objects.filter(town=town, client_key=client_key).first()
        if existing is None:
            raise
        return existing, False
    for photo in photos:
        services.add_attachment(finding, uploaded=photo, acting_user=acting_user, caption="整改前")
    rescore(sheet, acting_user=acting_user)
    return finding, True


@transaction.atomic
def update_finding(finding: Finding, *, data: dict, acting_user, expected_version=None) -> Finding:
    """Edit a finding's count, item, note or spot (a stale version is refused: 409)."""
    allowed = {"count", "note", "spot", "item", "responsible", "deadline"}
    data = {k: v for k, v in data.items() if k in allowed}
    if getattr(acting_user, "role", None) == Role.VILLAGE:
        changed = [
            k
            for k in ("count", "item", "spot", "deadline")
            if k in data and data[k] != getattr(finding, k)
        ]
        if changed:
            label = Finding._meta.get_field(changed[0]).verbose_name
            raise ValidationError({changed[0]: f"村干部不能修改检查问题的「{label}」。"})
    item = data.get("item", finding.item)
    count = data.get("count", finding.count)
    if count is not None and int(count) > max_count(item):
        raise ValidationError(
            {"count": f"处数 {count} 超过「{item.name}」的扣分上限（最多{max_count(item)}处）。"}
        )
    weight = finding.round.checklist.recurrence_multiplier if finding.is_recurrence else Decimal(1)
    rule = rules.ItemRule(item.code, "", item.deduction, item.cap, item.zeroes_section)
    data["deduction"] = rules.item_deduction(rule, int(count), weight)
    finding = services.update_object(
        finding, data=data, acting_user=acting_user, expected_version=expected_version
    )
    rescore(finding.sheet, acting_user=acting_user)
    return finding


def submit_rectification(
    finding: Finding, *, photo, acting_user, note: str = "", when: datetime | None = None
) -> Finding:
    """The village uploads the after-photo from the same spot (the shared flow)."""
    return rectification.submit(
        finding,
        photo=photo,
        acting_user=acting_user,
        note=note,
        when=when,
        waiting_text="整改照片已上传，正在等待督查员验收。",
    )


def may_verify(user) -> bool:
    """Inspectors, the module's editors and administrators accept or return; never the
    village that did the work."""
    return rectification.may_verify(user, Finding)


def accept(finding: Finding, *, acting_user, when: datetime | None = None) -> Finding:
    return rectification.accept(
        finding,
        acting_user=acting_user,
        when=when,
        who_text="只有督查员或人居办可以验收销号。",
        verifier=may_verify,
    )


def send_back(finding: Finding, *, note: str, acting_user) -> Finding:
    return rectification.send_back(
        finding,
        note=note,
        acting_user=acting_user,
        who_text="只有督查员或人居办可以退回整改。",
        verifier=may_verify,
    )


def escalate_overdue(today: date) -> int:
    """Job: mark open orders past their deadline as escalated (shown to the leaders)."""
    return rectification.escalate_overdue(Finding, today)


@transaction.atomic
def publish_ranking(*, town, month: date, acting_user, when: datetime | None = None):
    month = month.replace(day=1)
    if RankingPublication.objects.filter(town=town, month=month).exists():
        raise ValidationError({"month": f"{month:%Y年%m月}的评比已发布。"})
    return services.create_object(
        RankingPublication,
        town=town,
        data={"month": month, "published_at": when or timezone.now()},
        acting_user=acting_user,
    )


open_q = rectification.open_q


# --------------------------------------------------------------------------- checklist editing

RULE_FIELDS = (
    "name",
    "units_per_round",
    "spots_per_unit",
    "min_visits_per_month",
    "recurrence_window_days",
    "recurrence_multiplier",
    "flag_scheme",
    "note",
)
SECTION_FIELDS = ("name", "points", "order")
ITEM_FIELDS = (
    "code",
    "name",
    "deduction",
    "cap",
    "zeroes_section",
    "photo_required",
    "deadline_days",
    "order",
)


def may_edit_checklists(user) -> bool:
    """Administrators and the inspections module's staff edit checklists; inspectors apply
    them and village cadres are scored by them, so neither edits them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.STAFF and "inspections" in scoping.editable_modules(user)


def checklist_in_use(checklist: Checklist) -> int:
    """How many rounds (deleted ones included) were drawn under the checklist; a checklist
    in use is never changed in place — a new edition is made instead."""
    return Round.all_objects.filter(checklist=checklist).count()


def _editable(checklist: Checklist, acting_user):
    if acting_user is not None and not may_edit_checklists(acting_user):
        raise ValidationError({"checklist": "只有管理员或人居办可以修改评分细则。"})
    used = checklist_in_use(checklist)
    if used:
        raise ValidationError(
            {
                "checklist": f"「{checklist}」已被{used}轮检查使用，不能直接修改；"
                "请建立新版次后在新版次上修改。"
            }
        )


@transaction.atomic
def new_checklist_edition(
    base: Checklist, *, acting_user, data: dict | None = None, activate: bool = True
) -> Checklist:
    """A copy of `base` (rules, sections and items) as the next edition of the same name.
    With `activate` the new edition is put in use at once (the older editions of the name are
    retired, their rounds keep them); otherwise it is a draft to be edited, then activated."""
    if acting_user is not None and not may_edit_checklists(acting_user):
        raise ValidationError({"checklist": "只有管理员或人居办可以建立评分细则的新版次。"})
    town = base.town
    data = {k: v for k, v in (data or {}).items() if k in RULE_FIELDS}
    name = data.get("name") or base.name
    last = (
        Checklist.all_objects.filter(town=town, name=name)
        .order_by("-edition")
        .values_list("edition", flat=True)
        .first()
    )
    fields = {f: getattr(base, f) for f in RULE_FIELDS}
    fields.update(data)
    fields.update({"name": name, "edition": (last or 0) + 1, "is_active": False})
    new = services.create_object(Checklist, town=town, data=fields, acting_user=acting_user)
    for section in ChecklistSection.objects.filter(checklist=base).order_by("order", "pk"):
        copy = services.create_object(
            ChecklistSection,
            town=town,
            data={"checklist": new, **{f: getattr(section, f) for f in SECTION_FIELDS}},
            acting_user=acting_user,
        )
        for it in ChecklistItem.objects.filter(section=section).order_by("order", "pk"):
            services.create_object(
                ChecklistItem,
                town=town,
                data={"section": copy, **{f: getattr(it, f) for f in ITEM_FIELDS}},
                acting_user=acting_user,
            )
    if activate:
        activate_checklist(new, acting_user=acting_user)
        new.refresh_from_db()
    return new


def _num(d) -> str:
    """95.00 → 95, 0.50 → 0.5 (how points are read aloud)."""
    return format(Decimal(d).normalize(), "f")


def checklist_problems(checklist: Checklist) -> list[str]:
    """Why a checklist cannot be put in use: its sections must add up to 100 points and each
    section needs at least one item."""
    sections = list(ChecklistSection.objects.filter(checklist=checklist))
    problems = []
    if not sections:
        return ["评分细则还没有板块。"]
    total = sum((s.points for s in sections), Decimal(0))
    if total != rules.FULL_MARKS:
        problems.append(f"各板块分值合计 {_num(total)} 分，应为 100 分。")
    with_items = set(
        ChecklistItem.objects.filter(section__checklist=checklist).values_list("section", flat=True)
    )
    empty = [s.name for s in sections if s.pk not in with_items]
    if empty:
        problems.append(f"板块「{'、'.join(empty)}」没有评分项。")
    return problems


@transaction.atomic
def activate_checklist(checklist: Checklist, *, acting_user, expected_version=None) -> Checklist:
    """Put an edition in use; the other editions of the same name are retired."""
    if acting_user is not None and not may_edit_checklists(acting_user):
        raise ValidationError({"checklist": "只有管理员或人居办可以启用评分细则。"})
    problems = checklist_problems(checklist)
    if problems:
        raise ValidationError({"checklist": problems})
    for older in Checklist.objects.filter(
        town=checklist.town, name=checklist.name, is_active=True
    ).exclude(pk=checklist.pk):
        services.update_object(older, data={"is_active": False}, acting_user=acting_user)
    if not checklist.is_active:
        checklist = services.update_object(
            checklist,
            data={"is_active": True},
            acting_user=acting_user,
            expected_version=expected_version,
        )
    return checklist


@transaction.atomic
def update_checklist(checklist: Checklist, *, data: dict, acting_user, expected_version=None):
    """Change a checklist's rules (draw, recurrence, flags) — only while no round uses it."""
    _editable(checklist, acting_user)
    data = {k: v for k, v in data.items() if k in RULE_FIELDS}
    return services.update_object(
        checklist, data=data, acting_user=acting_user, expected_version=expected_version
    )


def _check_item_codes(checklist: Checklist, code: str, exclude_pk=None):
    clash = ChecklistItem.objects.filter(section__checklist=checklist, code=code)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": f"编码「{code}」在本细则中已被使用。"})


@transaction.atomic
def save_section(
    checklist: Checklist, *, data: dict, acting_user, section=None, expected_version=None
) -> ChecklistSection:
    """Add a section to a checklist not in use, or change one (name, points, order). The
    points may not fall below an item's cap."""
    _editable(checklist, acting_user)
    data = {k: v for k, v in data.items() if k in SECTION_FIELDS}
    if section is None:
        return services.create_object(
            ChecklistSection,
            town=checklist.town,
            data={"checklist": checklist, **data},
            acting_user=acting_user,
        )
    points = data.get("points", section.points)
    too_big = [
        i.code
        for i in ChecklistItem.objects.filter(section=section)
        if points is not None and i.cap > points
    ]
    if too_big:
        raise ValidationError(
            {"points": f"分值 {_num(points)} 小于评分项{'、'.join(too_big)}的最多扣分。"}
        )
    return services.update_object(
        section, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def delete_section(section: ChecklistSection, *, acting_user) -> None:
    _editable(section.checklist, acting_user)
    for it in ChecklistItem.objects.filter(section=section):
        services.soft_delete(it, acting_user=acting_user)
    services.soft_delete(section, acting_user=acting_user)


@transaction.atomic
def save_item(
    section: ChecklistSection, *, data: dict, acting_user, item=None, expected_version=None
) -> ChecklistItem:
    """Add an item to a section of a checklist not in use, or change one: points deducted per
    occurrence (> 0), cap (≤ the section's points), zeroing the section, photo required,
    rectification working days."""
    checklist = section.checklist
    _editable(checklist, acting_user)
    data = {k: v for k, v in data.items() if k in ITEM_FIELDS}
    if "code" in data:
        data["code"] = (data["code"] or "").strip().upper()
        _check_item_codes(checklist, data["code"], exclude_pk=item.pk if item else None)
    if item is None:
        return services.create_object(
            ChecklistItem,
            town=checklist.town,
            data={"section": section, **data},
            acting_user=acting_user,
        )
    return services.update_object(
        item, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def delete_item(item: ChecklistItem, *, acting_user) -> None:
    _editable(item.section.checklist, acting_user)
    services.soft_delete(item, acting_user=acting_user)
