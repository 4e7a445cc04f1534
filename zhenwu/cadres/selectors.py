"""干部责任清单: what each cadre answers for, read from the records that name them.

A cadre is a working account of the town. Nothing here is typed in: a record names its
people in person fields (`core/people.py`), and the fields whose label says responsibility —
包保领导, 包保干部, 包户干部, 承办人, 责任人, 专班成员 — are a cadre's duties. Fields that say who
did something (填报人, 交办人, 验收人, 督查员, 巡田人) are not. A module added later with such a
field is counted by its label alone. Every read passes the reader's gate: a reader sees the
duties on the records they may open."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core import homes, scoping
from zhenwu.core.labels import source_text
from zhenwu.core.models import Role
from zhenwu.core.registry import Resource, all_resources, nav_items
from zhenwu.core.tables import Table

#: The person-field labels that make a duty, in the order a cadre's page shows them.
DUTY_LABELS = ("包保领导", "包保干部", "包户干部", "专班成员", "承办人", "责任人")
#: Roles that are cadres of a town, in the list's order (the city/county viewer reads; it
#: answers for nothing).
CADRE_ROLES = (Role.LEADER, Role.STAFF, Role.VILLAGE, Role.INSPECTOR, Role.ADMIN)
#: Records shown per duty on a cadre's page; the list behind the link has the rest.
SHOWN = 10


@dataclass(frozen=True)
class Duty:
    resource: Resource
    field: str
    label: str  # the field's label: 包保领导, 包户干部 …
    many: bool  # a team (many-to-many)

    @property
    def key(self) -> str:
        return f"{self.resource.key}.{self.field}"

    @property
    def title(self) -> str:
        return f"{self.resource.nav.label} · {gettext(self.label)}"  # in the reader's language


@lru_cache(maxsize=1)
def duties() -> tuple[Duty, ...]:
    """Every (list, person field) that makes a duty, by label then menu order."""
    User = get_user_model()
    order = {item.url_name: i for i, item in enumerate(nav_items())}
    found = []
    for resource in all_resources():
        if resource.nav is None:
            continue  # no list to open: nothing a reader could follow
        for f in resource.model._meta.get_fields():
            if not f.concrete or getattr(f, "related_model", None) is not User:
                continue
            label = source_text(f.verbose_name)
            if label in DUTY_LABELS:
                found.append(Duty(resource, f.name, label, f.many_to_many))
    return tuple(
        sorted(
            found,
            key=lambda d: (DUTY_LABELS.index(d.label), order.get(d.resource.nav.url_name, 999)),
        )
    )


def may_view(user) -> bool:
    """Who reads the 责任清单: those whose menu has the cadres module (leaders, administrators,
    the 党政综合办, the city viewer). Everyone else answers 404."""
    if not user.is_authenticated:
        return False
    modules = homes.menu_modules(user)
    return modules is None or "cadres" in modules


def cadres(viewer):
    """The cadres the viewer may see: working accounts of the towns the viewer reads."""
    User = get_user_model()
    qs = User.objects.filter(is_active=True, role__in=CADRE_ROLES, town__isnull=False)
    rank = Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(CADRE_ROLES)],
        output_field=IntegerField(),
    )
    return (
        scoping.restrict(qs, viewer)
        .select_related("town")
        .prefetch_related("departments", "villages")
        .order_by("town_id", rank, "full_name", "username")
    )


def _records(duty: Duty, viewer):
    qs = duty.resource.model.objects.all()
    if duty.resource.select_related:
        qs = qs.select_related(*duty.resource.select_related)
    return scoping.restrict(qs, viewer)


def duty_counts(viewer, people) -> dict[int, dict[str, int]]:
    """{person id: {duty label: records}} over the records the viewer may see — one query per
    duty, whatever the number of people."""
    ids = [p.pk for p in people]
    out: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    if not ids:
        return out
    for duty in duties():
        rows = (
            _records(duty, viewer)
            .filter(**{f"{duty.field}__in": ids})
            .order_by()
            .values(duty.field)
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts = out.get(row[duty.field])
            if counts is not None:
                counts[duty.label] = counts.get(duty.label, 0) + row["n"]
    return out


def cadre_duties(viewer, cadre) -> list[dict]:
    """The cadre's duties with their first records as the lists' cards: two queries per duty
    with records (the first SHOWN + 1, and the count when there are more)."""
    groups = []
    for duty in duties():
        qs = _records(duty, viewer).filter(**{duty.field: cadre})
        if duty.many:
            qs = qs.distinct()
        if not qs.ordered:
            qs = qs.order_by("-pk")
        rows = list(qs[: SHOWN + 1])
        if not rows:
            continue
        total = len(rows) if len(rows) <= SHOWN else qs.count()
        list_url = None
        if duty.field in duty.resource.filter_fields:
            list_url = reverse(duty.resource.url_name("list")) + f"?{duty.field}={cadre.pk}"
        groups.append(
            {
                "duty": duty,
                "title": duty.title,
                "total": total,
                "cards": list(Table(duty.resource, viewer, rows=rows[:SHOWN]).cards()),
                "list_url": list_url,
            }
        )
    return groups
