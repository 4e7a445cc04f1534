"""`GET /api/v1/cadres` and `GET /api/v1/cadres/{id}`: the 干部责任清单 (DESIGN.md's `cadres`
resource). Read-only: a cadre is an account (`/users/`, administrators) and their duties are
the records that name them (`cadres/selectors.py`). Callers whose menu has no cadres module
answer 404, as the pages do; phones are masked for callers who may not see personal numbers."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from zhenwu.cadres import selectors
from zhenwu.core.api_base import Pagination
from zhenwu.core.tables import mask, may_see_personal

router = Router(tags=["干部"])


class CadreOut(Schema):
    id: int
    name: str
    title: str
    role: str
    role_label: str
    town_id: int
    departments: list[str]
    villages: list[str]
    duties: dict[str, int]  # {duty label (包保领导, 包户干部 …): records}
    total: int


class DutyItemOut(Schema):
    id: int
    title: str
    status: str | None
    light: str | None
    url: str | None


class DutyOut(Schema):
    resource: str  # the list's API/ledger key, e.g. "households"
    field: str
    label: str
    title: str
    count: int
    items: list[DutyItemOut]  # the first records; `count` says how many there are


class CadreDetailOut(CadreOut):
    phone: str
    records: list[DutyOut]


def _out(person, counts: dict[str, int]) -> dict:
    return {
        "id": person.pk,
        "name": person.display_name,
        "title": person.title,
        "role": person.role,
        "role_label": str(person.get_role_display()),
        "town_id": person.town_id,
        "departments": [d.name for d in person.departments.all()],
        "villages": [v.name for v in person.villages.all()],
        "duties": counts,
        "total": sum(counts.values()),
    }


class CadrePagination(Pagination):
    """A page of cadres, their duties counted for the page in one query per duty."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        people = list(page[self.items_attribute])
        counts = selectors.duty_counts(request.auth, people)
        page[self.items_attribute] = [_out(p, counts[p.pk]) for p in people]
        return page


def _gate(request):
    if not selectors.may_view(request.auth):
        raise Http404


@router.get("/cadres", response=list[CadreOut], operation_id="cadre_list")
@paginate(CadrePagination)
def cadre_list(request, **kwargs):
    """The town's cadres with how many records name them in each duty (only records the
    caller may see)."""
    _gate(request)
    return selectors.cadres(request.auth)


@router.get("/cadres/{cadre_id}", response=CadreDetailOut, operation_id="cadre_detail")
def cadre_detail(request, cadre_id: int):
    """One cadre's duties with their first records (as the lists show them)."""
    _gate(request)
    person = get_object_or_404(selectors.cadres(request.auth), pk=cadre_id)
    groups = selectors.cadre_duties(request.auth, person)
    counts: dict[str, int] = {}
    for g in groups:
        counts[g["duty"].label] = counts.get(g["duty"].label, 0) + g["total"]
    out = _out(person, counts)
    out["phone"] = person.phone if may_see_personal(request.auth) else mask(person.phone, "phone")
    out["records"] = [
        {
            "resource": g["duty"].resource.key,
            "field": g["duty"].field,
            "label": g["duty"].label,
            "title": str(g["title"]),
            "count": g["total"],
            "items": [
                {
                    "id": c["obj"].pk,
                    "title": str(c["title"]),
                    "status": str(c["status"]) if c["status"] else None,
                    "light": c["light"],
                    "url": c["url"],
                }
                for c in g["cards"]
            ],
        }
        for g in groups
    ]
    return out
