"""守粮安 API (mounted at /api/v1/): `plots` (图斑, area in 亩 as `area_mu`), `patrols` (巡田,
recorded with their findings through the services), read-only `farmland-findings` (their
rectification goes through the pages' shared flow), read-only `field-chiefs` and
`farmland-settings`. Every call through `restrict()`."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

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


class FindingOut(Schema):
    id: int
    patrol_id: int
    plot_id: int
    village_id: int
    category: str
    category_label: str
    area_mu: Decimal | None
    action: str
    note: str
    found_on: datetime.date
    status: str
    deadline: datetime.date | None
    is_recurrence: bool
    recurrence_of_id: int | None
    escalated: bool
    version: int

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()


class PatrolOut(Schema):
    id: int
    patroller_id: int
    level: str
    patrolled_on: datetime.date
    village_id: int
    plot_ids: list[int]
    gps_points: list
    note: str
    findings: list[FindingOut]
    version: int

    @staticmethod
    def resolve_plot_ids(obj):
        return sorted(p.pk for p in obj.plots.all())

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.all())


class FindingIn(Schema):
    plot: int = Field(..., description="图斑")
    category: str = Field(..., description="问题类型编码，如 FLH1")
    area_mu: Decimal | None = Field(None, description="涉及面积（亩）")
    action: ACTION = "report"
    note: str = ""


class PatrolIn(Schema):
    village: int = Field(..., description="村（社区）")
    plots: list[int] = Field(..., description="巡查图斑")
    patrolled_on: datetime.date | None = Field(None, description="巡田日期（默认今天）")
    gps_points: Any = Field(None, description="GPS轨迹 [[纬度, 经度], …]")
    note: str = ""
    findings: list[FindingIn] = []


class PatrolPatch(Schema):
    version: int
    note: str | None = None


def _create_patrol(request, data):
    user = request.auth
    village = scoping.allowed_villages(user).filter(pk=data["village"]).first()
    if village is None:
        raise ValidationError({"village": "村（社区）不存在或不在您的管辖范围"})
    visible = scoping.restrict(Plot.objects.all(), user)
    wanted = list(dict.fromkeys(data.get("plots") or []))
    plots = list(visible.filter(pk__in=wanted))
    missing = sorted(set(wanted) - {p.pk for p in plots})
    if missing:
        raise ValidationError({"plots": f"图斑 {missing} 不存在或不在您的管辖范围"})
    findings = []
    by_id = {p.pk: p for p in plots}
    for i, f in enumerate(data.get("findings") or [], start=1):
        plot = by_id.get(f["plot"]) or visible.filter(pk=f["plot"]).first()
        if plot is None:
            raise ValidationError({"plot": f"第{i}个问题的图斑不存在或不在您的管辖范围"})
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
