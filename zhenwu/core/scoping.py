"""The one scoping gate. Every page, API call, export and import asks `restrict()` what a user
may see or change; nothing else filters by town or village. Out of scope looks like missing (404).

Roles (core.models.Role):
- admin      — everything in their town; manages users, the recycle bin and reference data.
- leader     — reads everything in their town; approves (extensions, closures); edits nothing else.
- staff      — reads everything in their town; edits the modules of their departments.
- village    — reads and edits only records of their own villages; reads town-level records.
- inspector  — reads the town; edits the inspections module.
- viewer     — city/county: reads every town of the deployment (or only theirs, if one is set);
               edits nothing.
A superuser is an admin of every town.
"""

from __future__ import annotations

import functools

from django.db.models import Q, QuerySet

from zhenwu.core.models import Role

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Modules each non-staff role may edit (staff get theirs from their departments).
ROLE_MODULES = {
    Role.INSPECTOR: {"inspections"},
}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def module_of(model) -> str:
    if hasattr(model, "module_label"):
        return model.module_label()
    return getattr(model, "scope_module", None) or model._meta.app_label


def editable_modules(user) -> set[str]:
    """Module labels the user may write to (before village restrictions)."""
    if not _active(user):
        return set()
    if user.is_superuser or user.role == Role.ADMIN:
        return {"*"}
    if user.role == Role.STAFF:
        cache = getattr(user, "_zhenwu_modules", None)
        if cache is None:
            cache = set()
            for modules in user.departments.filter(is_deleted=False).values_list(
                "modules", flat=True
            ):
                cache.update(modules or [])
            user._zhenwu_modules = cache
        return cache
    if user.role == Role.VILLAGE:
        return {"*village*"}
    return set(ROLE_MODULES.get(user.role, set()))


def village_ids(user) -> list[int]:
    cache = getattr(user, "_zhenwu_village_ids", None)
    if cache is None:
        cache = list(user.villages.filter(is_deleted=False).values_list("pk", flat=True))
        user._zhenwu_village_ids = cache
    return cache


def can_write_model(user, model) -> bool:
    """Whether the user may create/change/delete rows of this model at all (somewhere)."""
    modules = editable_modules(user)
    if "*" in modules:
        return True
    if "*village*" in modules:
        # Village cadres write only records that belong to a village (theirs).
        return bool(getattr(model, "village_path", None)) and module_of(model) != "core"
    return module_of(model) in modules


def can_approve(user) -> bool:
    """Leaders and administrators approve extensions, closures and plan changes."""
    return _active(user) and (user.is_superuser or user.role in (Role.ADMIN, Role.LEADER))


@functools.cache
def _town_field(model) -> str | None:
    names = {f.name for f in model._meta.get_fields()}
    if "town" in names:
        return "town"
    if model._meta.model_name == "town":
        return "pk"
    return None


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """The rows of `queryset` that `user` may `action` (view / add / change / delete).

    A model whose rows belong to another record (change-log entries, comments, attachments)
    declares `scope_gate(queryset, user, action)`: its rows are seen through their record's
    own gate (see `core/changelog_read.py`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not _active(user):
        return queryset.none()
    gate = getattr(queryset.model, "scope_gate", None)
    if gate is not None:
        return gate(queryset, user, action)
    return restrict_rows(queryset, user, action)


def views_whole_town(user, model) -> bool:
    """Whether `user` may view every row of `model` in their town, and nothing else: the
    answer of `restrict()` for VIEW whenever it is just the town (leaders, administrators,
    staff, inspectors, the city viewer of a town; a village cadre for town-level records and
    the villages themselves). `restrict_rows` answers from it, and the change-log reader uses
    it to match such a model's entries by the town they carry instead of by one subquery."""
    if not _active(user) or user.is_superuser or not user.town_id:
        return False
    if getattr(model, "scope_gate", None) is not None or _town_field(model) != "town":
        return False
    if user.role == Role.VILLAGE:
        is_village = model._meta.model_name == "village" and model._meta.app_label == "core"
        return is_village or not getattr(model, "village_path", None)
    return True


def reads_whole_town(user, town_id: int, models) -> bool:
    """Whether `user` reads every row of `town_id` in each of `models` — the row part of
    `restrict()`: a superuser; the city/county viewer; everyone of the town except a village
    cadre, who reads only their villages' rows of a model that has a village. For what is made
    of a whole town's rows and cannot be cut to a reader's villages (a 通报, a 调度简报:
    `zhenwu/reports`). Unlike `views_whole_town` it ignores a model's `scope_gate`: the gated
    inspection rounds also hide rounds not yet started, which such documents never count."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.VIEWER:
        return user.town_id in (None, town_id)
    if user.town_id != town_id:
        return False
    if user.role == Role.VILLAGE:
        return not any(getattr(m, "village_path", None) for m in models)
    return True


def restrict_rows(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """`restrict()` by the row's own town and village, without the model's `scope_gate`."""
    if not _active(user):
        return queryset.none()
    model = queryset.model
    if action == VIEW and views_whole_town(user, model):
        return queryset.filter(town=user.town_id)
    if action != VIEW and not can_write_model(user, model):
        return queryset.none()
    if user.is_superuser:
        return queryset
    town_field = _town_field(model)
    if user.role == Role.VIEWER:
        if action != VIEW:
            return queryset.none()
        if user.town_id and town_field:
            return queryset.filter(**{town_field: user.town_id})
        return queryset
    if user.town_id is None:
        return queryset.none()
    if town_field:
        queryset = queryset.filter(**{town_field: user.town_id})
    if user.role == Role.VILLAGE:
        path = getattr(model, "village_path", None)
        if model._meta.model_name == "village" and model._meta.app_label == "core":
            # Villages are reference data everyone reads; a cadre changes none of them.
            return queryset if action == VIEW else queryset.none()
        if path:
            condition = Q(**{f"{path}__in": village_ids(user)})
            if getattr(model, "village_null_visible", False) and action == VIEW:
                condition |= Q(**{f"{path}__isnull": True})
            queryset = queryset.filter(condition)
        elif action != VIEW:
            return queryset.none()
    return queryset


def can(user, action: str, obj) -> bool:
    """Whether `user` may `action` this one object (re-checked after every save)."""
    if obj is None or obj.pk is None:
        return False
    model = obj.__class__
    manager = getattr(model, "all_objects", model._default_manager)
    return restrict(manager.filter(pk=obj.pk), user, action).exists()


def can_comment(user, obj) -> bool:
    """Who may comment on a record and attach files to it: whoever may change it, and the
    leaders and administrators who approve (批示) on any record they can see. Read-only roles
    (the city viewer, staff outside the record's module, inspectors, a village cadre on a
    town-level record) read the thread but add nothing to it."""
    if can(user, CHANGE, obj):
        return True
    return can_approve(user) and can(user, VIEW, obj)


def allowed_villages(user, action: str = CHANGE) -> QuerySet:
    """Villages a user may attach records to (form choices): a cadre's own; everyone else's town."""
    from zhenwu.core.models import Village

    qs = Village.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.town_id is None:
        return qs if (user.role == Role.VIEWER and action == VIEW) else qs.none()
    qs = qs.filter(town_id=user.town_id)
    if user.role == Role.VILLAGE:
        qs = qs.filter(pk__in=village_ids(user))
    return qs


def taken_message(user, label: str, value, holder) -> str:
    """The message for a value already used by another record (统一社会信用代码, 项目编号 …):
    it names the record holding it only when `user` may see that record — otherwise a
    uniqueness error would reveal another village's (or a hidden) record."""
    if holder is not None and user is not None and can(user, VIEW, holder):
        return f"{label}「{value}」在本镇已存在，已登记为「{holder}」，不能重复登记。"
    return f"{label}「{value}」在本镇已存在（已被使用），不能重复登记。"


# --- Writes: would the result stay in the writer's scope? ------------------------------------


def _path_value_id(obj, path: str):
    """The primary key at the end of `path` (e.g. "project__village") on an unsaved or saved
    object, following loaded relations in memory; None when a link on the way is empty."""
    *links, last = path.split("__")
    for part in links:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    field = obj._meta.get_field(last)
    return getattr(obj, field.attname) if field.many_to_one else getattr(obj, last, None)


def write_scope_field(model) -> str:
    """The field a scope error is reported on: the first link of the village path, else town."""
    path = getattr(model, "village_path", None)
    return path.split("__")[0] if path else "town"


def write_scope_error(user, obj) -> str | None:
    """Why `obj`, as it is about to be stored, would be out of `user`'s scope — or None.

    The rule is `restrict()`'s, evaluated on the object in memory so that it can be checked
    before anything is written (services, the generic views, the API and the ledger import
    all call it): someone who may write the model must still be able to change the record
    after the write (a village cadre's record stays in their villages); someone who may not
    (a leader approving, staff of another module syncing a record) must still see it.
    No user (the system, the shell) is not checked. `test_write_scope_agrees_with_restrict`
    holds this function to `restrict()`.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not _active(user):
        return "您的账号已停用，不能保存。"
    if user.is_superuser:
        return None
    model = obj.__class__
    action = CHANGE if can_write_model(user, model) else VIEW
    town_field = _town_field(model)
    town_id = None
    if town_field == "town":
        town_id = obj.town_id
    elif town_field == "pk":
        town_id = obj.pk
    if user.role == Role.VIEWER:
        if action != VIEW:
            return "您只有查看权限，不能保存。"
        if user.town_id and town_field and town_id != user.town_id:
            return "您只能保存本乡镇的记录。"
        return None
    if user.town_id is None or (town_field and town_id != user.town_id):
        return "您只能保存本乡镇的记录。"
    if user.role != Role.VILLAGE:
        return None
    if model._meta.model_name == "village" and model._meta.app_label == "core":
        return None if action == VIEW else "村（社区）是基础资料，只有管理员可以修改。"
    path = getattr(model, "village_path", None)
    if not path:
        return None if action == VIEW else "您只能保存属于您负责的村（社区）的记录。"
    village_id = _path_value_id(obj, path)
    if village_id is None and action == VIEW and getattr(model, "village_null_visible", False):
        return None
    if village_id not in village_ids(user):
        from zhenwu.core.models import Village

        names = "、".join(
            Village.objects.filter(pk__in=village_ids(user)).values_list("name", flat=True)
        )
        return (
            f"村（社区）：您只能选择您负责的村（社区）（{names or '无'}），"
            "否则保存后该记录将不在您的管辖范围内。"
        )
    return None
