"""Robots API (administrators; DESIGN.md): `GET/POST /api/v1/robots`, `GET/PATCH/DELETE
/api/v1/robots/{id}` and `POST /api/v1/robots/{id}/test` → `{"ok", "errcode", "errmsg"}`.

Everyone but a town's administrators gets 404 (`Robot.scope_gate`, through `restrict()`). The
webhook URL is returned masked (`robots.mask_url`) and the secret never (`has_secret` says
whether one is set): `secret` is write-only; a PATCH without `url`/`secret`, or with the masked
URL as returned, keeps the stored ones, `"secret": ""` with `"clear_secret": true` removes it."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

import datetime

from ninja import Router, Schema, Status

from zhenwu.core import scoping
from zhenwu.core.api_base import ErrorOut, crud_router, get_scoped
from zhenwu.core.api_schemas import model_schemas
from zhenwu.notices import services
from zhenwu.notices.models import Robot

router = Router(tags=["群机器人"])

RobotOut, RobotIn, RobotPatch = model_schemas(
    Robot,
    exclude=("url", "secret"),
    types={"send_time": datetime.time},
    extra_in={
        "url": (str, ..., "机器人地址（钉钉含 access_token=，企业微信含 key=）"),
        "secret": (str, "", "钉钉加签密钥（SEC 开头；只写，不返回）"),
        "clear_secret": (bool, False, "为 true 时清除已保存的加签密钥"),
    },
    extra_out={
        "url": (str, lambda obj: obj.masked_url, "机器人地址（凭据已隐藏）"),
        "send_time": (str, lambda obj: obj.send_time.strftime("%H:%M"), "推送时间（时:分）"),
        "has_secret": (bool, lambda obj: obj.has_secret, "是否已设置加签密钥"),
    },
)


def _create(request, data):
    return services.robot_create(town=request.auth.town, data=data, acting_user=request.auth)


def _update(request, obj, data, version):
    return services.robot_update(obj, data=data, acting_user=request.auth, expected_version=version)


router.add_router(
    "/robots",
    crud_router(
        Robot,
        out_schema=RobotOut,
        in_schema=RobotIn,
        patch_schema=RobotPatch,
        create=_create,
        update=_update,
        filters={"kind": "kind", "enabled": "enabled"},
    ),
)


class TestOut(Schema):
    ok: bool
    errcode: int | None = None
    errmsg: str


@router.post(
    "/robots/{int:pk}/test",
    response={200: TestOut, 404: ErrorOut},
    operation_id="robot_test",
    summary="发送测试消息",
)
def robot_test(request, pk: int):
    """Send a test message now. A failure (the host's errcode, HTTP error, timeout, refused
    connection, the 20-a-minute limit) is `ok: false` with the reason, never an error status;
    every attempt is in the delivery log."""
    robot = get_scoped(Robot, request, pk, scoping.CHANGE)
    delivery = services.send_test(robot, acting_user=request.auth)
    return Status(
        200,
        {
            "ok": delivery.ok,
            "errcode": delivery.errcode,
            "errmsg": delivery.errmsg
            or ("ok" if delivery.ok else services.delivery_message(delivery)),
        },
    )
