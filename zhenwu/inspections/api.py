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
from zhenwu.inspections.models import Checklist, ChecklistItem, Finding, Round, Spot

router = Router(tags=["人居环境"])

KIND = Literal["unannounced", "announced", "reinspection"]


class SheetOut(Schema):
    village_id: int
    village: str
    spot_ids: list[int]
    score: Decimal | None
    rescaled: bool
    revisits: list[dict]

    @staticmethod
    def resolve_village(obj):
        return obj.village.name


class RoundOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_on: datetime.date
    status: str
    checklist_id: int
    revisit_from: datetime.date | None
    revisit_to: datetime.date | None
    inspector_ids: list[int]
    sheets: list[SheetOut]
    note: str
    version: int

    @staticmethod
    def resolve_inspector_ids(obj):
        return sorted(u.pk for u in obj.inspectors.all())

    @staticmethod
    def resolve_sheets(obj):
        return list(obj.sheets.all())


class RoundIn(Schema):
    starts_at: datetime.datetime
    kind: KIND = "unannounced"
    title: str = ""
    inspectors: list[int] = []
    ends_on: datetime.date | None = None
    checklist: int | None = None
    note: str = ""
    revisit_from: datetime.date | None = None
    revisit_to: datetime.date | None = None


class RoundPatch(Schema):
    version: int | None = None
    title: str | None = None
    note: str | None = None
    ends_on: datetime.date | None = None


def _rounds():
    return Round.objects.select_related("checklist").prefetch_related(
        "inspectors", "sheets__village"
    )


def _create_round(request, data):
    user = request.auth
    from zhenwu.core.models import User

    people = list(User.objects.filter(town=user.town, pk__in=data.get("inspectors") or []))
    checklist = None
    if data.get("checklist") is not None:
        checklist = Checklist.objects.filter(town=user.town, pk=data["checklist"]).first()
        if checklist is None:
            raise ValidationError({"checklist": f"评分细则 {data['checklist']} 不存在"})
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


class FindingOut(Schema):
    id: int
    round_id: int
    village_id: int
    village: str
    spot_id: int | None
    item_id: int
    item_code: str
    item: str
    count: int
    deduction: Decimal
    note: str
    found_at: datetime.datetime
    lat: Decimal | None
    lng: Decimal | None
    is_recurrence: bool
    flags: list[str]
    status: str
    deadline: datetime.date | None
    responsible_id: int | None
    rectified_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_village(obj):
        return obj.village.name

    @staticmethod
    def resolve_item(obj):
        return obj.item.name

    @staticmethod
    def resolve_item_code(obj):
        return obj.item.code


class PhotoIn(Schema):
    """A photo inside the JSON body: its file name (the extension decides the type) and the
    bytes in base64 (a `data:image/jpeg;base64,` prefix is accepted)."""

    name: str = "现场.jpg"
    data: str


class FindingIn(Schema):
    round: int
    village: int
    item: int
    count: int = 1
    spot: int | None = None
    note: str = ""
    lat: Decimal | None = None
    lng: Decimal | None = None
    client_key: str = ""
    photos: list[PhotoIn] = []
    photo_taken_at: datetime.datetime | None = None


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


class FindingPatch(Schema):
    version: int | None = None
    count: int | None = None
    note: str | None = None
    deadline: datetime.date | None = None


def _create_finding(request, data):
    user = request.auth
    if not services.may_verify(user):
        raise Http404  # village cadres are inspected; they do not record findings
    rnd = scoping.restrict(Round.objects.all(), user).filter(pk=data["round"]).first()
    if rnd is None:
        raise ValidationError({"round": f"轮次 {data['round']} 不存在或不在您的管辖范围"})
    village = Village.objects.filter(town=rnd.town, pk=data["village"]).first()
    if village is None:
        raise ValidationError({"village": f"村（社区）{data['village']} 不存在"})
    item = ChecklistItem.objects.filter(pk=data["item"], section__checklist=rnd.checklist).first()
    if item is None:
        raise ValidationError({"item": f"评分项 {data['item']} 不属于本轮的评分细则"})
    spot = None
    if data.get("spot") is not None:
        spot = Spot.objects.filter(town=rnd.town, pk=data["spot"]).first()
        if spot is None:
            raise ValidationError({"spot": f"点位 {data['spot']} 不存在"})
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
