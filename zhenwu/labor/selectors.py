"""Reads of the labour module: the brand dashboard's figures and a worker's history. Every
function takes querysets already passed through `scoping.restrict()` (or a town, for the
board's indicators) and runs a fixed number of aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, DateField, F, Q, When
from django.utils.translation import gettext

from zhenwu.labor import rules
from zhenwu.labor.models import (
    ATTENDED,
    Certificate,
    Destination,
    Enrollment,
    IncomeBand,
    Placement,
    SkillLevel,
    TrainingBase,
    Worker,
)


def attended_in(enrollments, start: date, end: date):
    """Attendances (参训人次) of sessions that ended within [start, end]."""
    return enrollments.filter(
        attendance__in=ATTENDED,
        session__end_date__gte=start,
        session__end_date__lte=end,
        session__is_deleted=False,
        worker__is_deleted=False,
    )


def certificates_in(certificates, start: date, end: date):
    return certificates.filter(issued_on__gte=start, issued_on__lte=end, worker__is_deleted=False)


def placements_in(placements, start: date, end: date):
    """Placements that began within [start, end]."""
    return placements.filter(start_date__gte=start, start_date__lte=end, worker__is_deleted=False)


def bases_built(bases, start: date, end: date):
    """Bases built within [start, end]: the linked project's 实际竣工, else the typed date."""
    built = Case(
        When(project__isnull=False, then=F("project__actual_finish")),
        default=F("completed_on"),
        output_field=DateField(),
    )
    return bases.annotate(built=built).filter(built__gte=start, built__lte=end)


@dataclass
class Dashboard:
    year: int
    as_of: date
    workers: int = 0
    person_times: int = 0
    trained: int = 0
    certificates: int = 0
    certified: int = 0
    placed: int = 0
    placements: int = 0
    outside_province: int = 0
    outside_share: object = None
    by_village: list = field(default_factory=list)
    by_skill: list = field(default_factory=list)
    by_destination: list = field(default_factory=list)
    by_income: list = field(default_factory=list)
    monthly_person_times: list = field(default_factory=list)

    def chart_data(self) -> dict:
        return {
            "villages": [v["name"] for v in self.by_village],
            "trained": [v["trained"] for v in self.by_village],
            "placed": [v["placed"] for v in self.by_village],
            "workers": [v["workers"] for v in self.by_village],
            "skills": [{"name": s["label"], "value": s["count"]} for s in self.by_skill],
            "destinations": [
                {"name": d["label"], "value": d["count"]} for d in self.by_destination
            ],
            "incomes": [{"name": i["label"], "value": i["count"]} for i in self.by_income],
            "months": [gettext("%(m)s月") % {"m": m} for m in range(1, 13)],
            "monthly": self.monthly_person_times,
            # the series' names, in the reader's language
            "words": {
                "workers": gettext("名册"),
                "trained": gettext("参训"),
                "placed": gettext("就业"),
                "people": gettext("人数"),
                "person_times": gettext("培训人次"),
            },
        }


def dashboard(*, workers, enrollments, certificates, placements, villages, year: int, as_of: date):
    """The brand dashboard for one year as of a date (scoped querysets in)."""
    start = date(year, 1, 1)
    end = min(as_of, date(year, 12, 31))
    d = Dashboard(year=year, as_of=end)
    d.workers = workers.count()
    att = attended_in(enrollments, start, end)
    agg = att.aggregate(n=Count("pk"), people=Count("worker", distinct=True))
    d.person_times, d.trained = agg["n"], agg["people"]
    certs = certificates_in(certificates, start, end)
    agg = certs.aggregate(n=Count("pk"), people=Count("worker", distinct=True))
    d.certificates, d.certified = agg["n"], agg["people"]
    pl = placements_in(placements, start, end)
    agg = pl.aggregate(
        n=Count("pk"),
        people=Count("worker", distinct=True),
        outside=Count("pk", filter=Q(destination__in=rules.OUTSIDE_PROVINCE)),
    )
    d.placements, d.placed, d.outside_province = agg["n"], agg["people"], agg["outside"]
    d.outside_share = rules.share(d.outside_province, d.placements)

    per_village_workers = dict(
        workers.values("village_id").annotate(n=Count("pk")).values_list("village_id", "n")
    )
    per_village_trained = dict(
        att.values("worker__village_id")
        .annotate(n=Count("worker", distinct=True))
        .values_list("worker__village_id", "n")
    )
    per_village_placed = dict(
        pl.values("worker__village_id")
        .annotate(n=Count("worker", distinct=True))
        .values_list("worker__village_id", "n")
    )
    rows = [(v.pk, v.name) for v in villages]
    if per_village_workers.get(None) or per_village_trained.get(None):
        rows.append((None, "未填村（社区）"))
    d.by_village = [
        {
            "name": name,
            "workers": per_village_workers.get(pk, 0),
            "trained": per_village_trained.get(pk, 0),
            "placed": per_village_placed.get(pk, 0),
        }
        for pk, name in rows
    ]
    skills = dict(
        workers.values("skill_level").annotate(n=Count("pk")).values_list("skill_level", "n")
    )
    d.by_skill = [
        {"key": k, "label": label, "count": skills.get(k, 0)} for k, label in SkillLevel.choices
    ] + [{"key": "", "label": "未定级", "count": skills.get("", 0)}]
    dests = dict(pl.values("destination").annotate(n=Count("pk")).values_list("destination", "n"))
    d.by_destination = [
        {
            "key": k,
            "label": label,
            "count": dests.get(k, 0),
            "share": rules.share(dests.get(k, 0), d.placements),
        }
        for k, label in Destination.choices
    ]
    incomes = dict(
        workers.values("income_band").annotate(n=Count("pk")).values_list("income_band", "n")
    )
    d.by_income = [
        {"key": k, "label": label, "count": incomes.get(k, 0)} for k, label in IncomeBand.choices
    ]
    months = dict(
        att.values("session__end_date__month")
        .annotate(n=Count("pk"))
        .values_list("session__end_date__month", "n")
    )
    running, d.monthly_person_times = 0, []
    for m in range(1, 13):
        running += months.get(m, 0)
        d.monthly_person_times.append(running if date(year, m, 1) <= end else None)
    return d


def worker_history(worker: Worker, user):
    """A worker's training, certificates and placements, as the user may see them."""
    from zhenwu.core import scoping

    enrollments = scoping.restrict(
        Enrollment.objects.filter(worker=worker).select_related("session", "session__course"), user
    ).order_by("-session__start_date", "-pk")
    certificates = scoping.restrict(
        Certificate.objects.filter(worker=worker).select_related("trade", "exam"), user
    ).order_by("-issued_on", "-pk")
    placements = scoping.restrict(
        Placement.objects.filter(worker=worker).select_related("enterprise"), user
    ).order_by("-start_date", "-pk")
    return list(enrollments), list(certificates), list(placements)


__all__ = [
    "Dashboard",
    "TrainingBase",
    "attended_in",
    "bases_built",
    "certificates_in",
    "dashboard",
    "placements_in",
    "worker_history",
]
