"""人居环境 API (mounted at /api/v1/): `inspections` (rounds), `findings`, `spots` and
`rankings?month=YYYY-MM`. Every call goes through `restrict()`: a round not started yet (and
its sheets, findings, attachments and change log) answers 404 to whoever may not see the draw."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema

from zhenwu.core import scoping
from zhenwu.core.api_base import crud_router
from zhenwu.core.api_schemas import model_schemas
from zhenwu.core.models import Town, Village
from zhenwu.inspections import selectors, services
from zhenwu.inspections.models import Checklist, ChecklistItem, Finding, Round, Sheet, Spot

router = Router(tags=["人居环境"])

KIND = Literal["unannounced", "announced", "reinspection"]


# A round's score sheet of one village, nested in the round (read-only: scored by findings).
SheetOut = model_schemas(
    Sheet, extra_out={"village": (str, lambda obj: obj.village.name, "村（社区）名称")}
)[0]


# A round is drawn (services.draw_round): title and end date default from its start, the
# status moves by closing it; PATCH edits title, note and end only. The first API's names
# (`checklist`, `inspectors`) are deprecated aliases of what Out returns.
RoundOut, RoundIn, RoundPatch = model_schemas(
    Round,
    read_only=("status",),
    optional=("title", "ends_on", "checklist"),
    create_only=("starts_at", "kind", "checklist", "revisit_from", "revisit_to", "inspector_ids"),
    extra_out={
        "inspector_ids": (
            list[int],
            lambda obj: sorted(u.pk for u in obj.inspectors.all()),
            "督查员",
        ),
        "sheets": (list[SheetOut], lambda obj: list(obj.sheets.all()), "评分表"),
    },
    extra_in={"inspector_ids": (list[int], [], "督查员")},
    aliases={"checklist": "checklist_id", "inspectors": "inspector_ids"},
)


def _rounds():
    return Round.objects.select_related("checklist").prefetch_related(
        "inspectors", "sheets__village"
    )


def _create_round(request, data):
    user = request.auth
    from zhenwu.core.models import User

    people = list(User.objects.filter(town=user.town, pk__in=data.get("inspector_ids") or []))
    checklist = None
    if data.get("checklist_id") is not None:
        checklist = Checklist.objects.filter(town=user.town, pk=data["checklist_id"]).first()
        if checklist is None:
            raise ValidationError({"checklist_id": f"评分细则 {data['checklist_id']} 不存在"})
    return services.draw_round(
        town=user.town,
        starts_at=data["starts_at"],
        kind=data.get("kind") or "unannounced",
        title=data.get("title") or "",
        inspectors=people,
        ends_on=data.get("ends_on"),
        checklist=checklist,
        note=data.get("note") or "",
        revisit_from=data.get("revisit_from"),
        revisit_to=data.get("revisit_to"),
        acting_user=user,
    )


def _update_round(request, obj, data, version):
    from zhenwu.core import services as core

    return core.update_object(obj, data=data, acting_user=request.auth, expected_version=version)


router.add_router(
    "/inspections",
    crud_router(
        Round,
        out_schema=RoundOut,
        in_schema=RoundIn,
        patch_schema=RoundPatch,
        queryset=_rounds,
        tags=["人居环境"],
        create=_create_round,
        update=_update_round,
        filters={"kind": "kind", "status": "status"},
    ),
)


class PhotoIn(Schema):
    """A photo inside the JSON body: its file name (the extension decides the type) and the
    bytes in base64 (a `data:image/jpeg;base64,` prefix is accepted)."""

    name: str = "现场.jpg"
    data: str


# A finding is recorded by an inspector (services.record_finding: its sheet, time, deduction
# and flags follow); PATCH edits the count, note and deadline. The first API's `round`,
# `village`, `item`, `spot` are deprecated aliases of the `_id` names Out returns.
FindingOut, FindingIn, FindingPatch = model_schemas(
    Finding,
    read_only=("sheet", "found_at", "inspector", "status", "responsible", "rectification_note"),
    create_only=("round", "village", "spot", "item", "lat", "lng"),
    update_only=("deadline",),
    extra_out={
        "village": (str, lambda obj: obj.village.name, "村（社区）名称"),
        "item": (str, lambda obj: obj.item.name, "评分项"),
        "item_code": (str, lambda obj: obj.item.code, "评分项编号"),
    },
    extra_in={
        "client_key": (str, "", "离线提交编号（重复提交只记一次）"),
        "photos": (list[PhotoIn], [], "现场照片"),
        "photo_taken_at": (datetime.datetime | None, None, "拍摄时间"),
    },
    aliases={"round": "round_id", "village": "village_id", "item": "item_id", "spot": "spot_id"},
)


MAX_PHOTOS = 5


def _photos(raw) -> list:
    """The JSON photos as uploaded files, each checked as the attachments door checks an
    upload (size, type, a real image); a bad one names its place in the list."""
    import base64
    import binascii

    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhenwu.core import services as core

    if len(raw) > MAX_PHOTOS:
        raise ValidationError({"photos": f"一条问题最多附{MAX_PHOTOS}张照片。"})
    files = []
    for n, photo in enumerate(raw, start=1):
        text = photo.get("data") or ""
        if text.startswith("data:") and "," in text:
            text = text.split(",", 1)[1]
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"photos": f"第{n}张照片的 data 不是有效的 base64。"}) from None
        name = (photo.get("name") or "现场.jpg").replace("/", "_")[:100]
        upload = SimpleUploadedFile(name, content)
        try:
            core.check_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"photos": f"第{n}张照片：{'；'.join(exc.messages)}"}) from None
        files.append(upload)
    return files


def _create_finding(request, data):
    user = request.auth
    if not services.may_verify(user):
        raise Http404  # village cadres are inspected; they do not record findings
    rnd = scoping.restrict(Round.objects.all(), user).filter(pk=data["round_id"]).first()
    if rnd is None:
        raise ValidationError({"round_id": f"轮次 {data['round_id']} 不存在或不在您的管辖范围"})
    village = Village.objects.filter(town=rnd.town, pk=data["village_id"]).first()
    if village is None:
        raise ValidationError({"village_id": f"村（社区）{data['village_id']} 不存在"})
    item = ChecklistItem.objects.filter(
        pk=data["item_id"], section__checklist=rnd.checklist
    ).first()
    if item is None:
        raise ValidationError({"item_id": f"评分项 {data['item_id']} 不属于本轮的评分细则"})
    spot = None
    if data.get("spot_id") is not None:
        spot = Spot.objects.filter(town=rnd.town, pk=data["spot_id"]).first()
        if spot is None:
            raise ValidationError({"spot_id": f"点位 {data['spot_id']} 不存在"})
    finding, _ = services.record_finding(
        rnd=rnd,
        village=village,
        item=item,
        spot=spot,
        count=data.get("count", 1),
        note=data.get("note") or "",
        lat=data.get("lat"),
        lng=data.get("lng"),
        photos=_photos(data.get("photos") or []),
        photo_taken_at=data.get("photo_taken_at"),
        client_key=data.get("client_key") or "",
        acting_user=user,
    )
    return finding


def _update_finding(request, obj, data, version):
    return services.update_finding(
        obj, data=data, acting_user=request.auth, expected_version=version
    )


router.add_router(
    "/findings",
    crud_router(
        Finding,
        out_schema=FindingOut,
        in_schema=FindingIn,
        patch_schema=FindingPatch,
        queryset=lambda: Finding.objects.select_related("village", "item"),
        tags=["人居环境"],
        create=_create_finding,
        update=_update_finding,
        filters={
            "round": "round_id",
            "village": "village_id",
            "status": "status",
            "is_recurrence": "is_recurrence",
        },
    ),
)

_spot_out, _spot_in, _spot_patch = model_schemas(Spot)
router.add_router(
    "/spots",
    crud_router(
        Spot,
        out_schema=_spot_out,
        in_schema=_spot_in,
        patch_schema=_spot_patch,
        tags=["人居环境"],
        filters={"village": "village_id", "kind": "kind"},
    ),
)


class RankingItem(Schema):
    village_id: int
    village: str
    score: Decimal | None
    rank: int | None
    flag: str
    change: Decimal | None
    findings: int
    rectified_on_time: int
    recurrences: int
    recurrence_rate: Decimal | None  # per cent, January to the month's end; null: no findings


class RankingList(Schema):
    month: str
    items: list[RankingItem]
    count: int


class RankingQuery(Schema):
    month: str | None = None
    town: int | None = None


@router.get("/rankings", response=RankingList, operation_id="ranking_list")
def rankings(request, q: Query[RankingQuery]):
    """The month's ranking of every village/community of the town: `score` null and flag
    「未检查」 when the unit was not inspected in that month."""
    user = request.auth
    month = selectors.parse_month(q.month) if q.month else None
    if q.month and month is None:
        raise ValidationError({"month": f"月份「{q.month[:10]}」无效，应为 YYYY-MM"})
    month = month or timezone.localdate().replace(day=1)
    towns = scoping.restrict(Town.objects.order_by("pk"), user)
    if q.town is not None:
        towns = towns.filter(pk=q.town)
    town = user.town if user.town_id and q.town is None else towns.first()
    if town is None or not towns.filter(pk=town.pk).exists():
        raise Http404
    rows = selectors.monthly_ranking(town, month)
    rates = selectors.recurrence_rates(town, month)
    for r in rows:
        r.recurrence_rate = selectors.recurrence_rate_percent(*rates.get(r.village_id, (0, 0)))
    return {"month": f"{month:%Y-%m}", "items": rows, "count": len(rows)}
