"""擦品牌 on the role homes: a village's waterproofing workers whose certificates are expiring
(on 我的村 and the village page), and the 人社 office's queue — training sessions under way or
starting within two weeks (to enrol and mark attendance) and certificates to renew."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core import scoping
from zhenwu.core.homes import HomeItem, HomeSection, register_village_section, register_work_queue
from zhenwu.labor.models import Certificate, TrainingSession, Worker

#: A certificate is due for renewal this many days before it expires.
RENEW_DAYS = 90
#: A session shows in the office's queue this many days before it starts.
SESSION_LEAD_DAYS = 14
SHOWN = 15


def _expiring(user, today, **filters):
    """Certificates expired within the last year or expiring within RENEW_DAYS, soonest first."""
    qs = Certificate.objects.filter(
        expires_on__gte=today - timedelta(days=365),
        expires_on__lte=today + timedelta(days=RENEW_DAYS),
        **filters,
    )
    return (
        scoping.restrict(qs, user)
        .select_related("worker", "worker__village")
        .order_by("expires_on", "pk")
    )


def _certificate_item(c, today, *, with_village=True) -> HomeItem:
    expired = c.expires_on < today
    note = [c.get_kind_display()]
    if with_village and c.worker.village_id:
        note.insert(0, c.worker.village.name)
    day = f"{c.expires_on:%Y-%m-%d}"
    note.append(
        gettext("已于 %(date)s 过期") % {"date": day}
        if expired
        else gettext("%(date)s 到期") % {"date": day}
    )
    return HomeItem(
        title=f"{c.worker.name} · {c.number}",
        url=reverse("labor:certificate_detail", args=[c.pk]),
        note=" · ".join(note),
        overdue=expired,
        due_soon=not expired,
        action="续证",
    )


@register_village_section("labor", "防水工（劳务）", order=49)
def village_workers(user, villages, today):
    workers = scoping.restrict(Worker.objects.filter(village__in=villages), user).count()
    qs = _expiring(user, today, worker__village__in=villages)
    one = len(villages) == 1
    url = reverse("labor:worker_list")
    return HomeSection(
        key="labor",
        label="防水工（劳务）",
        items=[_certificate_item(c, today, with_village=not one) for c in qs[:SHOWN]],
        total=workers,
        list_url=url + (f"?village={villages[0].pk}" if one else ""),
        empty="暂无将到期的证书" if workers else "暂无登记的务工人员",
    )


@register_work_queue("labor", "培训与证书", order=49)
def training_queue(user, today):
    sessions = (
        scoping.restrict(
            TrainingSession.objects.filter(
                start_date__lte=today + timedelta(days=SESSION_LEAD_DAYS), end_date__gte=today
            ),
            user,
        )
        .annotate(
            trainees=Count("enrollments", filter=Q(enrollments__is_deleted=False)),
        )
        .order_by("start_date", "pk")
    )
    items = []
    for s in sessions[:SHOWN]:
        running = s.start_date <= today
        when = (
            gettext("培训中")
            if running
            else gettext("%(date)s 开班") % {"date": f"{s.start_date:%m-%d}"}
        )
        items.append(
            HomeItem(
                title=s.name,
                url=reverse("labor:trainingsession_detail", args=[s.pk]),
                note=f"{when} · "
                + gettext("%(start)s至%(end)s · 学员 %(n)s 人")
                % {"start": f"{s.start_date:%m-%d}", "end": f"{s.end_date:%m-%d}", "n": s.trainees},
                due_soon=not running,
                action="记出勤" if running else "报名",
            )
        )
    certificates = _expiring(user, today)
    items += [_certificate_item(c, today) for c in certificates[: max(0, SHOWN - len(items))]]
    total = sessions.count() + certificates.count()
    if not total:
        return None
    return HomeSection(
        key="labor-queue",
        label="培训与证书",
        items=items,
        total=total,
        list_url=reverse("labor:trainingsession_list"),
    )
