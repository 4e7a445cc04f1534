"""守粮安 API (mounted at /api/v1/): `plots` (图斑, area in 亩 as `area_mu`), `patrols` (巡田,
recorded with their findings through the services), read-only `farmland-findings` (their
rectification goes through the pages' shared flow), read-only `field-chiefs` and
`farmland-settings`. Every call through `restrict()`."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Router

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import (
    FarmlandSetting,
    FieldChief,
    Patrol,
    PatrolFinding,
    Plot,
)
from zhenwu.core import scoping
from zhenwu.core.api_base import crud_router
from zhenwu.core.api_schemas import model_schemas

router = Router()

TAGS = ["农业农村"]
ACTION = Literal["dissuade", "report", "case", "restore"]

_plot_out, _plot_in, _plot_patch = model_schemas(Plot)
router.add_router(
    "/plots",
    crud_router(
        Plot,
        out_schema=_plot_out,
        in_schema=_plot_in,
        patch_schema=_plot_patch,
        tags=TAGS,
        filters={"village": "village_id", "is_permanent_basic": "is_permanent_basic"},
    ),
)


# Field chiefs and the town's patrol settings are assigned and edited on their pages (the
# chief's villages and plots are picked there); the API reads them.
for _model, _path in ((FieldChief, "/field-chiefs"), (FarmlandSetting, "/farmland-settings")):
    router.add_router(_path, crud_router(_model, out_schema=model_schemas(_model)[0], tags=TAGS))


# A finding is recorded inside its patrol (services.record_patrol: the patrol, village, date
# and rectification order follow); its category is checked there, naming the finding's place.
FindingOut, FindingIn = model_schemas(
    PatrolFinding,
    read_only=(
        "patrol",
        "village",
        "found_on",
        "status",
        "deadline",
        "responsible",
        "rectification_note",
    ),
    types={"category": str},
    extra_out={
        "category_label": (str, lambda obj: obj.get_category_display(), "问题类型名称"),
    },
    aliases={"plot": "plot_id"},
)[:2]

# A patrol is recorded with its plots and findings (services.record_patrol, the patroller and
# level from the user); PATCH edits its note. The first API's `village`/`plots` are deprecated
# aliases of the names Out returns.
_PATROL_FIXED = ("village", "patrolled_on", "gps_points", "plot_ids", "findings")
PatrolOut, PatrolIn, PatrolPatch = model_schemas(
    Patrol,
    read_only=("patroller", "level"),
    optional=("patrolled_on",),
    create_only=_PATROL_FIXED,
    types={"gps_points": Any},
    extra_out={
        "plot_ids": (list[int], lambda obj: sorted(p.pk for p in obj.plots.all()), "巡查图斑"),
        "findings": (list[FindingOut], lambda obj: list(obj.findings.all()), "发现问题"),
    },
    extra_in={
        "plot_ids": (list[int], ..., "巡查图斑"),
        "findings": (list[FindingIn], [], "发现问题"),
    },
    aliases={"village": "village_id", "plots": "plot_ids"},
)


def _create_patrol(request, data):
    user = request.auth
    village = scoping.allowed_villages(user).filter(pk=data["village_id"]).first()
    if village is None:
        raise ValidationError({"village_id": "村（社区）不存在或不在您的管辖范围"})
    visible = scoping.restrict(Plot.objects.all(), user)
    wanted = list(dict.fromkeys(data.get("plot_ids") or []))
    plots = list(visible.filter(pk__in=wanted))
    missing = sorted(set(wanted) - {p.pk for p in plots})
    if missing:
        raise ValidationError({"plot_ids": f"图斑 {missing} 不存在或不在您的管辖范围"})
    findings = []
    by_id = {p.pk: p for p in plots}
    for i, f in enumerate(data.get("findings") or [], start=1):
        f = dict(f)
        pid = f.pop("plot_id")
        plot = by_id.get(pid) or visible.filter(pk=pid).first()
        if plot is None:
            raise ValidationError({"plot_id": f"第{i}个问题的图斑不存在或不在您的管辖范围"})
        if f["category"] not in rules.BY_CODE:
            raise ValidationError({"category": f"第{i}个问题的问题类型「{f['category']}」无效"})
        findings.append({**f, "plot": plot})
    return services.record_patrol(
        town=user.town,
        village=village,
        plots=plots,
        patrolled_on=data.get("patrolled_on"),
        gps_points=data.get("gps_points"),
        note=data.get("note", ""),
        findings=findings,
        acting_user=user,
    )


router.add_router(
    "/patrols",
    crud_router(
        Patrol,
        out_schema=PatrolOut,
        in_schema=PatrolIn,
        patch_schema=PatrolPatch,
        queryset=lambda: Patrol.objects.prefetch_related("plots", "findings"),
        tags=TAGS,
        create=_create_patrol,
        filters={"village": "village_id", "level": "level"},
    ),
)

router.add_router(
    "/farmland-findings",
    crud_router(
        PatrolFinding,
        out_schema=FindingOut,
        tags=TAGS,
        filters={"village": "village_id", "status": "status", "plot": "plot_id"},
    ),
)
