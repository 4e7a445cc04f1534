"""Writes of the enterprise module. Each takes `acting_user`, is atomic, validates with
`full_clean()` and lands in the change log (model signals); entry-status moves are one
function per event, each recording an `EntryEvent` on the firm's timeline (STYLE.md habit 8)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.core import services
from zhenwu.core.bulk import new_record
from zhenwu.core.services import attributed
from zhenwu.enterprises.models import (
    ENTRY_ORDER,
    ChecklistItem,
    Enterprise,
    EntryEvent,
    EntryStatus,
    MonthlyFigure,
    checklist_keys_for,
    entry_event_kind,
)


@transaction.atomic
def create_enterprise(*, town, data: dict, acting_user) -> Enterprise:
    ent = services.create_object(Enterprise, town=town, data=data, acting_user=acting_user)
    ensure_checklist(ent, acting_user=acting_user)
    return ent


@transaction.atomic
def update_enterprise(ent: Enterprise, *, data: dict, acting_user, expected_version=None):
    ent = services.update_object(
        ent, data=data, acting_user=acting_user, expected_version=expected_version
    )
    ensure_checklist(ent, acting_user=acting_user)
    return ent


@transaction.atomic
def ensure_checklist(ent: Enterprise, *, acting_user) -> list[ChecklistItem]:
    """Create the missing checklist items for the firm's entry route (never deletes: an item
    ticked for another route keeps its history)."""
    have = set(ChecklistItem.objects.filter(enterprise=ent).values_list("key", flat=True))
    new = [
        ChecklistItem(town_id=ent.town_id, enterprise=ent, key=k)
        for k in checklist_keys_for(ent.entry_route)
        if k not in have
    ]
    with attributed(acting_user):
        for item in new:
            item.save()
    return new


def checklist_items_missing(firms) -> list[ChecklistItem]:
    """Unsaved checklist items the firms lack for their entry routes (one query for all;
    the import writes them through `core.bulk`)."""
    firms = [f for f in firms if f.pk is not None]
    have: set[tuple[int, str]] = set(
        ChecklistItem.objects.filter(enterprise__in=[f.pk for f in firms]).values_list(
            "enterprise_id", "key"
        )
    )
    return [
        new_record(ChecklistItem, town_id=f.town_id, enterprise=f, key=k)
        for f in firms
        for k in checklist_keys_for(f.entry_route)
        if (f.pk, k) not in have
    ]


@transaction.atomic
def set_checklist_item(
    item: ChecklistItem, *, done: bool, acting_user, on: datetime.date | None = None, note=None
):
    data = {"done": done, "done_on": (on or timezone.localdate()) if done else None}
    if note is not None:
        data["note"] = note  # the model's own length rule answers a longer one, by name
    return services.update_object(item, data=data, acting_user=acting_user)


# --- entry status: one function per event ---------------------------------------------------


#: The longest note a step of the entry process takes (the page's field says the same).
STEP_NOTE_MAX = 500


def _move(ent: Enterprise, to: str, *, on, acting_user, note: str = "") -> EntryEvent:
    if len(note) > STEP_NOTE_MAX:
        # Refused, not cut: a reason typed through the API used to lose its end silently.
        raise ValidationError(
            {"note": f"说明最多 {STEP_NOTE_MAX} 字，现有 {len(note)} 字，请精简后再提交。"}
        )
    ent = Enterprise.objects.select_for_update().get(pk=ent.pk)
    current = ent.entry_status
    on = on or timezone.localdate()
    label = EntryStatus(to).label
    if to == EntryStatus.WITHDRAWN:
        if current not in (EntryStatus.APPROVED, EntryStatus.REPORTING):
            raise ValidationError(
                {
                    "entry_status": f"只有已入库的企业才能退库（当前状态：{EntryStatus(current).label}）。"
                }
            )
        if not note.strip():
            raise ValidationError({"note": "退库须填写原因。"})
    elif current == EntryStatus.WITHDRAWN:
        if to != EntryStatus.CANDIDATE:
            raise ValidationError(
                {"entry_status": "已退库的企业须先重新纳入培育（培育中），再按顺序推进。"}
            )
    else:
        old_i, new_i = ENTRY_ORDER.index(current), ENTRY_ORDER.index(to)
        if new_i <= old_i:
            raise ValidationError(
                {
                    "entry_status": f"入库状态不能倒退或重复：当前为「{EntryStatus(current).label}」，"
                    f"不能改为「{label}」。"
                }
            )
        if new_i != old_i + 1:
            raise ValidationError(
                {
                    "entry_status": f"入库状态须逐级推进：当前为「{EntryStatus(current).label}」，"
                    f"下一步是「{ENTRY_ORDER[old_i + 1].label}」。"
                }
            )
    if ent.status_since and on < ent.status_since:
        raise ValidationError({"date": f"日期 {on} 早于上一步的日期 {ent.status_since}，请检查。"})
    if on > timezone.localdate():
        raise ValidationError({"date": f"日期 {on} 晚于今天，不能预先登记。"})
    event = EntryEvent.record(
        ent,
        entry_event_kind(current, to),
        actor=acting_user,
        on_date=on,
        note=note,
        save=False,
        from_status=current,
        to_status=to,
    )
    event.full_clean()
    data = {"entry_status": to, "status_since": on}
    if to == EntryStatus.APPROVED:
        data["approved_on"] = on
    if to == EntryStatus.CANDIDATE:
        data["approved_on"] = None
    with attributed(acting_user):
        event.save()
    services.update_object(ent, data=data, acting_user=acting_user)
    return event


@transaction.atomic
def mark_papers_ready(ent, *, acting_user, on=None, note=""):
    """材料齐备: every checklist item of the firm must be done (domain-rules §1.2)."""
    missing = [
        str(i)
        for i in ChecklistItem.objects.filter(enterprise=ent, done=False).order_by("pk")
        if i.key in checklist_keys_for(ent.entry_route)
    ]
    if missing:
        raise ValidationError({"entry_status": f"入库材料尚未齐备，还缺：{'、'.join(missing)}。"})
    return _move(ent, EntryStatus.PAPERS_READY, on=on, acting_user=acting_user, note=note)


@transaction.atomic
def submit_entry(ent, *, acting_user, on=None, note=""):
    """已申报: papers handed to the county statistics bureau."""
    return _move(ent, EntryStatus.SUBMITTED, on=on, acting_user=acting_user, note=note)


@transaction.atomic
def approve_entry(ent, *, acting_user, on=None, note=""):
    """已入库 (approved into the 一套表 register, 先入库后有数): the date counts for
    "new 四上 this year" (indicator `enterprises.new_above_scale_count`)."""
    return _move(ent, EntryStatus.APPROVED, on=on, acting_user=acting_user, note=note)


@transaction.atomic
def start_reporting(ent, *, acting_user, on=None, note=""):
    """在库报数: the firm files its first periodic report as a 四上 unit."""
    return _move(ent, EntryStatus.REPORTING, on=on, acting_user=acting_user, note=note)


@transaction.atomic
def withdraw_entry(ent, *, acting_user, note: str, on=None):
    """退库 [?]: domain-rules §1.2 found no source for the rule; recorded with a reason."""
    return _move(ent, EntryStatus.WITHDRAWN, on=on, acting_user=acting_user, note=note)


@transaction.atomic
def recultivate(ent, *, acting_user, on=None, note=""):
    """Back into the pool after 退库 (a new cycle, not a step backwards)."""
    return _move(ent, EntryStatus.CANDIDATE, on=on, acting_user=acting_user, note=note)


EVENTS = {
    EntryStatus.PAPERS_READY: mark_papers_ready,
    EntryStatus.SUBMITTED: submit_entry,
    EntryStatus.APPROVED: approve_entry,
    EntryStatus.REPORTING: start_reporting,
    EntryStatus.WITHDRAWN: withdraw_entry,
    EntryStatus.CANDIDATE: recultivate,
}


def move_entry_status(ent, to: str, *, acting_user, on=None, note=""):
    """Dispatch to the event function for `to` (used by the page and the API)."""
    if to not in EVENTS:
        raise ValidationError({"entry_status": f"未知的入库状态「{to}」。"})
    if to == EntryStatus.WITHDRAWN:
        return withdraw_entry(ent, acting_user=acting_user, note=note, on=on)
    return EVENTS[to](ent, acting_user=acting_user, on=on, note=note)


@transaction.atomic
def record_monthly_figure(*, enterprise: Enterprise, data: dict, acting_user) -> MonthlyFigure:
    return services.create_object(
        MonthlyFigure,
        town=enterprise.town,
        data={"enterprise": enterprise, **data},
        acting_user=acting_user,
    )
