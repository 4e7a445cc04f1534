"""Generic writes shared by every module: create, update (optimistic concurrency), soft delete,
restore, attachments and comments. Each is atomic and attributed (the change log reads the actor).
Modules write their own services for domain rules and call these for the plumbing."""

from __future__ import annotations

import contextlib
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.actor import Actor, _current, current_actor
from zhenwu.core.models import Attachment, Comment


class StaleEdit(Exception):
    """The record changed since the editor loaded it: refuse rather than overwrite.

    The platform's one optimistic-concurrency exception: every service that loses a
    conditional UPDATE raises it (generic updates and deletes, investment stage moves, task
    transitions), and every door maps it to 409 by its type — never by its text."""

    conflict = True

    def __init__(self, obj, expected_version=None, message: str | None = None):
        self.obj = obj
        self.expected_version = expected_version
        self.message = message or (
            f"「{obj}」已被他人修改（当前版本 {obj.version}，您编辑的是版本 {expected_version}），"
            "请刷新后重新编辑。"
        )
        super().__init__(self.message)


def check_write_scope(obj, acting_user) -> None:
    """Refuse (ValidationError on the village field) a write whose result would be out of the
    writer's scope — before anything is stored. The platform's one rule for every door:
    `create_object`/`update_object` call it, and so do the generic views and the API after a
    module's own service (inside the same transaction) and the ledger import for every row."""
    message = scoping.write_scope_error(acting_user, obj)
    if message:
        raise ValidationError({scoping.write_scope_field(obj.__class__): message})


def check_saved_in_scope(obj, acting_user) -> None:
    """After a save, inside the caller's transaction: the stored record (as the database has
    it) must still be the writer's. Raising rolls the write back; callers wrap the save and
    this check in one `transaction.atomic()`."""
    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return
    check_write_scope(obj, acting_user)
    model = obj.__class__
    action = scoping.CHANGE if scoping.can_write_model(acting_user, model) else scoping.VIEW
    if not scoping.can(acting_user, action, obj):
        raise ValidationError(
            {scoping.write_scope_field(model): "保存后该记录将不在您的管辖范围内，未保存。"}
        )


@contextlib.contextmanager
def attributed(user):
    """Keep the door (source) of the current actor, attribute to `user`."""
    actor = current_actor()
    if actor.user is user:
        yield actor
        return
    token = _current.set(Actor(user=user, source=actor.source, request_id=actor.request_id))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@transaction.atomic
def create_object(model, *, town, data: dict, acting_user, m2m: dict | None = None):
    obj = model(town=town, **data)
    with attributed(acting_user):
        obj.full_clean()
    check_write_scope(obj, acting_user)
    with attributed(acting_user):
        obj.save()
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
    return obj


@transaction.atomic
def update_object(obj, *, data: dict, acting_user, expected_version: int | None = None, m2m=None):
    """Apply `data` to `obj`. With `expected_version`, refuse if someone saved in between —
    checked with a conditional UPDATE so that two concurrent editors cannot both win.

    A refused update (a rule, the writer's scope, a stale version, the database) leaves `obj`
    as it was, not holding the refused values: the transaction undoes the rows, and the
    instance is put back too. A stale edit still tells the caller the stored version."""
    model = obj.__class__
    before = obj.__dict__.copy()
    cached = dict(obj._state.fields_cache)
    try:
        for name, value in data.items():
            setattr(obj, name, value)
        with attributed(acting_user):
            obj.full_clean()
        check_write_scope(obj, acting_user)
        if expected_version is not None:
            bumped = model.all_objects.filter(pk=obj.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                current = model.all_objects.get(pk=obj.pk)
                before["version"] = current.version
                raise StaleEdit(obj, expected_version)
            obj.version = expected_version + 1
        else:
            obj.version = (obj.version or 0) + 1
        with attributed(acting_user):
            obj.save()
            for name, values in (m2m or {}).items():
                getattr(obj, name).set(values)
    except BaseException:
        obj.__dict__.clear()
        obj.__dict__.update(before)
        obj._state.fields_cache = cached
        raise
    return obj


class StillReferenced(ValidationError):
    """A delete refused because live records still point at the record through a PROTECT
    relation (issue 9: a category in use was deleted; a later promotion then made a duplicate
    and the original could not be restored). The message names what refers to it."""

    def __init__(self, obj, refs: list[tuple[str, int]]):
        self.obj = obj
        self.refs = refs
        named = "、".join(f"{n} 条{label}" for label, n in refs)
        super().__init__(f"「{obj}」仍被 {named} 引用，不能删除：请先修改或删除这些记录。")


def live_references(obj) -> list[tuple[str, int]]:
    """(verbose name, count) of live records referring to `obj` through PROTECT/RESTRICT
    foreign keys; soft-deleted referrers do not count."""
    from django.db import models

    out = []
    for rel in obj._meta.related_objects:
        if rel.many_to_many or rel.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        related = rel.related_model
        manager = related._default_manager
        qs = manager.filter(**{rel.field.name: obj})
        if hasattr(related, "is_deleted"):
            qs = qs.filter(is_deleted=False)
        n = qs.count()
        if n:
            out.append((str(related._meta.verbose_name), n))
    return out


@transaction.atomic
def soft_delete(obj, *, acting_user, expected_version: int | None = None):
    refs = live_references(obj)
    if refs:
        raise StillReferenced(obj, refs)
    if expected_version is not None:
        # The same conditional UPDATE as update_object: a concurrent edit makes this one stale.
        bumped = obj.__class__.all_objects.filter(pk=obj.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            obj.version = obj.__class__.all_objects.get(pk=obj.pk).version
            raise StaleEdit(obj, expected_version)
        obj.version = expected_version
    obj.is_deleted = True
    obj.deleted_at = timezone.now()
    obj.version += 1
    with attributed(acting_user):
        obj.save()
    return obj


@transaction.atomic
def restore(obj, *, acting_user):
    obj.is_deleted = False
    obj.deleted_at = None
    obj.version += 1
    try:
        obj.validate_constraints()
    except ValidationError as exc:
        raise ValidationError(f"无法恢复「{obj}」：{'；'.join(exc.messages)}") from exc
    with attributed(acting_user):
        obj.save()
    return obj


# --- Attachments and comments -------------------------------------------------------------

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
ALLOWED_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".webp", ".gif",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".ppt", ".pptx", ".txt",
    ".zip", ".rar", ".7z", ".ofd", ".wps", ".et",
}  # fmt: skip


def check_upload(uploaded) -> tuple[str, bool]:
    """Server-side limits (the browser shrinks photos first, but never trust it).
    Returns (mime type, is_photo) or raises ValidationError with a Chinese message."""
    name = uploaded.name or ""
    ext = Path(name).suffix.lower()
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            f"文件「{name}」大小 {uploaded.size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB。"
        )
    if uploaded.size == 0:
        raise ValidationError(f"文件「{name}」是空文件。")
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            f"不支持的文件类型「{ext or '无扩展名'}」。允许：{'、'.join(sorted(ALLOWED_EXTENSIONS))}"
        )
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    is_photo = mime in PHOTO_TYPES
    if is_photo:
        from PIL import Image

        try:
            uploaded.seek(0)
            with Image.open(uploaded) as img:
                img.verify()
        except Exception as exc:
            raise ValidationError(f"文件「{name}」不是有效的图片。") from exc
        finally:
            uploaded.seek(0)
    return mime, is_photo


def _parent_fields(parent) -> dict:
    village = parent.village_of() if hasattr(parent, "village_of") else None
    if parent.__class__.__name__ == "Village":
        village = parent
    return {
        "town_id": parent.town_id,
        "content_type": ContentType.objects.get_for_model(parent.__class__),
        "object_id": parent.pk,
        "village": village,
    }


@transaction.atomic
def add_attachment(parent, *, uploaded, acting_user, caption: str = "") -> Attachment:
    mime, is_photo = check_upload(uploaded)
    att = Attachment(
        **_parent_fields(parent),
        file=uploaded,
        name=Path(uploaded.name).name[:200],
        size=uploaded.size,
        mime_type=mime,
        is_photo=is_photo,
        caption=caption[:200],
        uploaded_by=acting_user,
    )
    with attributed(acting_user):
        att.save()
    return att


@transaction.atomic
def add_comment(parent, *, body: str, acting_user) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "评论内容不能为空。"})
    if len(body) > 5000:
        raise ValidationError({"body": "评论内容不能超过5000字。"})
    comment = Comment(**_parent_fields(parent), body=body, author=acting_user)
    with attributed(acting_user):
        comment.save()
    return comment


def attachments_for(obj):
    ct = ContentType.objects.get_for_model(obj.__class__)
    return Attachment.objects.filter(content_type=ct, object_id=obj.pk).select_related(
        "uploaded_by"
    )


def comments_for(obj):
    ct = ContentType.objects.get_for_model(obj.__class__)
    return Comment.objects.filter(content_type=ct, object_id=obj.pk).select_related("author")


def changes_for(obj):
    from zhenwu.core.models import ObjectChange

    ct = ContentType.objects.get_for_model(obj.__class__)
    return ObjectChange.objects.filter(content_type=ct, object_id=obj.pk).select_related(
        "user", "content_type"
    )
