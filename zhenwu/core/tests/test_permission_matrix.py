"""The permission matrix (issue 8, redesign step 4), generated from the resource registry.

For every registered resource: every role × view / add / change / delete × a record in scope,
in another village and in another town, through the pages (list, detail, add, edit, delete,
export) and the API (list, detail, PATCH, DELETE) — each answer checked against ONE declared
policy (`POLICY` below), not against `restrict()`. A resource missing from the matrix fails
`test_every_registered_resource_is_in_the_matrix`.

Writes are sent for real and rolled back (a savepoint around each request), so one set of
records serves every role.

Factories: each module's `ResourceBattery` subclass (its `make(world, village)`), collected
from the modules' tests; resources without a battery get one in `EXTRA` below.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import pkgutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import get_resolver, reverse

from zhenwu.core import scoping
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.registry import all_resources, resource_by_key, url_for
from zhenwu.core.testing import BATTERIES

IN_SCOPE, OTHER_VILLAGE, OTHER_TOWN = "in scope", "other village", "other town"

#: The declared policy: role → (what it reads, what it writes).
#:   reads:  "town" (its town), "village" (its villages + town-level records),
#:           "all" (every town), "other" (only the other town: it is that town's admin).
#:   writes: None, "town" (everything in its town), "module" (its departments' modules, never
#:           the platform's reference data), "village" (village records of its villages),
#:           "inspections" (the inspections module of its town: 督查员),
#:           "other" (everything in the other town).
POLICY = {
    "admin": ("town", "town"),
    "leader": ("town", None),
    "staff": ("town", "module"),  # 综合专班: every domain module
    "staff_nomodule": ("town", None),  # staff of no module here: reads only
    "village": ("village", "village"),  # cadre of 村1 (村2 is "another village")
    "inspector": ("town", "inspections"),  # writes only the inspections module
    "viewer": ("all", None),  # city/county
    "other_admin": ("other", "other"),  # another town's administrator
}
ROLES = tuple(POLICY)

#: Deliberate deviations from the table, (resource key, role, action) → allowed. A module that
#: grants a role more declares it here.
EXCEPTIONS: dict[tuple[str, str, str], bool] = {
    # Leaders (书记、镇长) and inspectors (督查) assign 督办 tasks (交办), page and API alike —
    # `zhenwu.plan.services.can_assign`; they still may not edit or delete them.
    ("tasks", "leader", "add"): True,
    ("tasks", "inspector", "add"): True,
}


def _module(resource):
    return scoping.module_of(resource.model)


def _village_scoped(resource) -> bool:
    return bool(getattr(resource.model, "village_path", None))


def may_view(role, resource, position) -> bool:
    reads = POLICY[role][0]
    if reads == "all":
        return True
    if reads == "other":
        return position == OTHER_TOWN
    if position == OTHER_TOWN:
        return False
    if reads == "village":
        return position == IN_SCOPE or not _village_scoped(resource)
    return True


def may_write(role, resource, position=None) -> bool:
    """Change/delete a record at `position`; with position None: add one at all."""
    writes = POLICY[role][1]
    if writes is None:
        return False
    if writes == "other":
        return position in (None, OTHER_TOWN)
    if position == OTHER_TOWN:
        return False
    if writes == "town":
        return True
    if writes == "inspections":
        return _module(resource) == "inspections"
    if _module(resource) == "core":
        return False
    if writes == "module":
        return True
    # village cadres
    return _village_scoped(resource) and position in (None, IN_SCOPE)


def expected(role, resource, action, position=None) -> bool:
    override = EXCEPTIONS.get((resource.key, role, action))
    if override is not None:
        return override
    if action == "view":
        return may_view(role, resource, position)
    return may_write(role, resource, position)


# --- factories ------------------------------------------------------------------------------


class _Extra:
    """A factory for a resource without a ResourceBattery of its own."""

    def make_other_town(self, world):
        return self.make(world, world.other_village)


class _PlanFactory(_Extra):
    model = ("plan", "Plan")

    def make(self, world, village):
        from zhenwu.plan.tests.factories import make_plan

        return make_plan(village.town, name=f"矩阵计划{village.pk}")


class _ThemeFactory(_Extra):
    def make(self, world, village):
        from zhenwu.plan.models import Theme

        plan = _PlanFactory().make(world, village)
        with acting_as(None, Source.SYSTEM):
            return Theme.objects.create(town=plan.town, plan=plan, name="矩阵板块")


class _MeasureFactory(_Extra):
    def make(self, world, village):
        from zhenwu.plan.models import Measure

        theme = _ThemeFactory().make(world, village)
        with acting_as(None, Source.SYSTEM):
            return Measure.objects.create(town=theme.town, theme=theme, name="矩阵举措")


class _CategoryFactory(_Extra):
    def make(self, world, village):
        from zhenwu.projects.models import ProjectCategory

        with acting_as(None, Source.SYSTEM):
            return ProjectCategory.objects.create(
                town=village.town, key=f"m{village.pk}", label=f"矩阵类别{village.pk}"
            )


class _RuleFactory(_Extra):
    def make(self, world, village):
        from zhenwu.enterprises.models import ThresholdRule

        with acting_as(None, Source.SYSTEM):
            return ThresholdRule.objects.create(
                town=village.town,
                category="industry",
                label="矩阵门槛",
                scope="C",
                metric="main_revenue",
                min_value_wan=Decimal(2000),
            )


class _PoolSettingFactory(_Extra):
    def make(self, world, village):
        from zhenwu.enterprises.models import PoolSetting

        with acting_as(None, Source.SYSTEM):
            return PoolSetting.objects.create(town=village.town)


EXTRA = {
    "plans": _PlanFactory,
    "themes": _ThemeFactory,
    "measures": _MeasureFactory,
    "categories": _CategoryFactory,
    "rules": _RuleFactory,
    "pool-settings": _PoolSettingFactory,
}


def _load_batteries():
    """Import every module's tests that declare a ResourceBattery (they register themselves)."""
    get_resolver().url_patterns  # noqa: B018 - the URLconf registers the resources
    for config in apps.get_app_configs():
        if not config.name.startswith("zhenwu."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.tests")
        except ImportError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("test_") or info.name == "test_permission_matrix":
                continue
            spec = importlib.util.find_spec(f"{package.__name__}.{info.name}")
            with open(spec.origin, encoding="utf-8") as f:
                if "ResourceBattery" not in f.read():
                    continue
            importlib.import_module(spec.name)


_load_batteries()


def factory_for(key):
    if key in BATTERIES:
        return BATTERIES[key]()
    if key in EXTRA:
        return EXTRA[key]()
    return None


def _keys():
    return sorted(r.key for r in all_resources())


def test_every_registered_resource_is_in_the_matrix():
    missing = [key for key in _keys() if factory_for(key) is None]
    assert not missing, (
        f"resources without a factory in the permission matrix: {missing} — give the module a "
        "ResourceBattery subclass (or an entry in EXTRA)"
    )
    assert len(_keys()) >= 19


def test_the_policy_declares_every_role_of_the_world(world):
    assert set(POLICY) <= set(world.users)


# --- the matrix -----------------------------------------------------------------------------


def _rolled_back(send):
    """Send a write for real and undo it, so every role meets the same records."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def _api_path(resource, factory, api):
    path = getattr(factory, "api_path", None) or resource.key
    response = api.get(path, limit=1)
    return path if response.status_code == 200 else None


#: Resources whose API add is checked too: a body the API accepts past its schema, so that
#: the answer is the gate's (404 refused; 201, or 422 on the content, allowed).
API_ADD_BODIES = {
    "tasks": {"title": "矩阵督办任务", "workdays": 5},
}


def _current_version(obj):
    """The record's version as stored now (what a client would have read before a PATCH)."""
    if not any(f.name == "version" for f in type(obj)._meta.concrete_fields):
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()


def _records(world, resource, factory):
    records = {IN_SCOPE: factory.make(world, world.villages[0])}
    if _village_scoped(resource):
        records[OTHER_VILLAGE] = factory.make(world, world.villages[1])
    records[OTHER_TOWN] = factory.make_other_town(world)
    return records


@pytest.mark.parametrize("key", _keys())
def test_permission_matrix(world, key):
    resource = resource_by_key(key)
    factory = factory_for(key)
    records = _records(world, resource, factory)
    api_path = _api_path(resource, factory, world.api("admin"))
    failures = []

    def check(role, door, action, position, got, allowed, ok_codes, refused=(404,)):
        good = got in ok_codes if allowed else got in refused
        if not good:
            failures.append(
                f"{role} {door} {action} {position or ''}: {got} "
                f"(expected {'allowed' if allowed else 'refused'})"
            )

    for role in ROLES:
        client = world.client(role)
        api = world.api(role)
        # Pages: list, add, export.
        listing = client.get(reverse(resource.url_name("list")))
        check(role, "page", "list", None, listing.status_code, True, (200,))
        html = listing.content.decode()
        for position, obj in records.items():
            shown = f'href="{url_for(obj)}"' in html
            if shown and not may_view(role, resource, position):
                failures.append(f"{role} page list shows the {position} record")
        if resource.can_create:
            allowed = expected(role, resource, "add")
            got = client.get(reverse(resource.url_name("add"))).status_code
            check(role, "page", "add", None, got, allowed, (200,))
            got = _rolled_back(lambda c=client: c.post(reverse(resource.url_name("add")), {}))
            check(role, "page", "add(post)", None, got.status_code, allowed, (200, 400))
        if api_path and key in API_ADD_BODIES:
            allowed = expected(role, resource, "add")
            body = API_ADD_BODIES[key]
            got = _rolled_back(lambda a=api, b=body: a.post(api_path, b)).status_code
            check(role, "api", "add", None, got, allowed, (201, 422))
        export = client.get(reverse(resource.url_name("export")), {"format": "csv"})
        check(role, "page", "export", None, export.status_code, True, (200,))
        exported = export.content.decode("utf-8-sig") if export.status_code == 200 else ""
        rows = list(csv.reader(io.StringIO(exported)))[1:] if exported else []
        visible = scoping.restrict(resource.model.objects.all(), world.users[role]).count()
        if export.status_code == 200 and len(rows) != visible:
            failures.append(f"{role} export has {len(rows)} rows, sees {visible}")
        # Pages and API per record.
        if api_path:
            items = api.get(api_path, limit=1000)
            ids = {i["id"] for i in items.json()["items"]} if items.status_code == 200 else set()
        for position, obj in records.items():
            view = expected(role, resource, "view", position)
            change = expected(role, resource, "change", position)
            delete = expected(role, resource, "delete", position)
            check(
                role, "page", "view", position, client.get(url_for(obj)).status_code, view, (200,)
            )
            got = client.get(url_for(obj, "edit")).status_code
            check(role, "page", "change", position, got, change, (200,))
            got = _rolled_back(lambda o=obj, c=client: c.post(url_for(o, "delete"), {}))
            check(role, "page", "delete", position, got.status_code, delete, (302,))
            if not api_path:
                continue
            if (obj.pk in ids) != view:
                failures.append(f"{role} api list {'misses' if view else 'shows'} {position}")
            got = api.get(f"{api_path}/{obj.pk}").status_code
            check(role, "api", "view", position, got, view, (200,))
            # PATCH must carry the version read (422 without it); an empty change otherwise.
            body = {"version": _current_version(obj)}
            got = _rolled_back(
                lambda o=obj, a=api, b=body: a.patch(f"{api_path}/{o.pk}", b)
            ).status_code
            if got != 405:  # resources whose API has no PATCH
                check(role, "api", "change", position, got, change, (200,))
            got = _rolled_back(lambda o=obj, a=api: a.delete(f"{api_path}/{o.pk}")).status_code
            if got != 405:
                check(role, "api", "delete", position, got, delete, (204,))
    assert not failures, "\n".join(failures)


def _personal_keys():
    from zhenwu.core.tables import personal_fields_of

    return [k for k in _keys() if personal_fields_of(resource_by_key(k).model)]


@pytest.mark.parametrize("key", _personal_keys())
def test_api_masks_every_personal_field_for_a_reader_without_the_permission(world, key):
    """Masking through the API door, for every resource that declares personal fields: one rule
    (`api_schemas.masked`, applied by `crud_router`), no schema masking by hand."""
    from zhenwu.core.idnumbers import resident_id_check_char
    from zhenwu.core.tables import personal_fields_of, personal_kind

    resource = resource_by_key(key)
    factory = factory_for(key)
    obj = factory.make(world, world.villages[0])
    api_path = _api_path(resource, factory, world.api("admin"))
    if api_path is None:
        pytest.skip(f"{key} 没有接口")
    first17 = "42108119800101123"
    full = {"phone": "13912345678", "id": first17 + resident_id_check_char(first17)}
    fields = sorted(personal_fields_of(resource.model))
    type(obj)._base_manager.filter(pk=obj.pk).update(**{f: full[personal_kind(f)] for f in fields})
    world.users["staff"].can_see_personal_numbers = False
    world.users["staff"].save()
    reader = world.api("staff").get(f"{api_path}/{obj.pk}")
    assert reader.status_code == 200, reader.content
    listed = [i for i in world.api("staff").get(api_path, limit=1000).json()["items"]]
    listed = next(i for i in listed if i["id"] == obj.pk)
    for field in fields:
        value = full[personal_kind(field)]
        for body in (reader.json(), listed):
            if field in body:
                assert body[field] != value and "*" in body[field], (key, field, body[field])
    world.users["staff"].can_see_personal_numbers = True
    world.users["staff"].save()
    permitted = world.api("staff").get(f"{api_path}/{obj.pk}").json()
    shown = [f for f in fields if f in permitted]
    assert all(permitted[f] == full[personal_kind(f)] for f in shown), permitted


#: Roles that approve (批示): they comment on and attach to every record they can read.
APPROVERS = ("admin", "leader", "other_admin")


def _thread_keys():
    from zhenwu.core.base import TownScopedModel

    return [k for k in _keys() if issubclass(resource_by_key(k).model, TownScopedModel)]


@pytest.mark.parametrize("key", _thread_keys())
def test_comment_attachment_and_change_log_doors(world, key):
    """The doors beside the record's own pages, for every resource × role × position: a
    comment (refused with 404 when the record is out of sight, 403 when it is read-only to the
    role — `scoping.can_comment`) and the change log in the API (no entry of a record the reader
    may not open). Attachments pass the same gate as comments (`_commentable_parent`); they are
    sent for the roles whose answer differs (a village cadre in and out of scope, the viewer)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = resource_by_key(key)
    factory = factory_for(key)
    records = _records(world, resource, factory)
    ct = ContentType.objects.get_for_model(resource.model).pk
    model_name = resource.model._meta.model_name
    failures = []
    for role in ROLES:
        client = world.client(role)
        log = world.api(role).get("change-log", model=model_name, limit=1000)
        logged = {e["object_id"] for e in log.json()["items"]} if log.status_code == 200 else set()
        for position, obj in records.items():
            view = may_view(role, resource, position)
            if (obj.pk in logged) != view:
                failures.append(f"{role} change log {'misses' if view else 'shows'} {position}")
            add = view and (expected(role, resource, "change", position) or role in APPROVERS)
            want = (302,) if add else ((403,) if view else (404,))
            post = {"ct": ct, "oid": obj.pk}
            got = _rolled_back(
                lambda c=client, p=post: c.post(
                    reverse("core:comment_add"), {**p, "body": "矩阵评论"}
                )
            ).status_code
            if got not in want:
                failures.append(f"{role} comment {position}: {got}, expected {want}")
            if role in ("village", "viewer") and position != OTHER_TOWN:
                upload = SimpleUploadedFile("矩阵.txt", "附件内容".encode(), "text/plain")
                got = _rolled_back(
                    lambda c=client, p=post, u=upload: c.post(
                        reverse("core:attachment_add"), {**p, "file": u}
                    )
                ).status_code
                if got not in want:
                    failures.append(f"{role} attachment {position}: {got}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", _personal_keys())
def test_list_search_and_sort_never_uncover_a_masked_number(world, key):
    """The list door (page search and sort; the export shares them): a reader who sees personal
    numbers masked finds a record by the whole number only — part of one, typed a prefix at a
    time, would uncover the hidden digits — and cannot sort by one. A reader with the
    permission searches by any part."""
    from zhenwu.core.idnumbers import resident_id_check_char
    from zhenwu.core.tables import personal_fields_of, personal_kind

    resource = resource_by_key(key)
    obj = factory_for(key).make(world, world.villages[0])
    first17 = "42108119800101123"
    full = {"phone": "13912345678", "id": first17 + resident_id_check_char(first17)}
    fields = sorted(personal_fields_of(resource.model))
    type(obj)._base_manager.filter(pk=obj.pk).update(**{f: full[personal_kind(f)] for f in fields})
    list_url = reverse(resource.url_name("list"))
    link = f'href="{url_for(obj)}"'

    def finds(q, **params):
        response = world.client("staff").get(list_url, {"q": q, **params})
        assert response.status_code == 200, (key, q, response.status_code)
        return link in response.content.decode()

    staff = world.users["staff"]
    for field in fields:
        value = full[personal_kind(field)]
        searched = field in resource.search_fields
        staff.can_see_personal_numbers = False
        staff.save()
        assert not finds(value[:10]), (key, field, "part of a masked number found the record")
        assert finds(value) == searched, (key, field, "the whole number")
        page = world.client("staff").get(list_url, {"sort": field})
        assert page.status_code == 200 and f"sort=-{field}" not in page.content.decode(), (
            key,
            field,
            "sortable while masked",
        )
        staff.can_see_personal_numbers = True
        staff.save()
        assert finds(value[:10]) == searched, (key, field, "a permitted reader searches by part")
