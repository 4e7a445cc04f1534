"""Shared test fixtures and the test battery every model's tests inherit (STYLE.md habit 9).

A model's test class subclasses `ResourceBattery`, names its resource and says how to make one
record in a given village; the battery then checks: anonymous users are refused, out-of-scope
records answer 404 (other town; for village records, another village), in-scope pages work,
every write lands in the change log, stale edits are refused, deletes are soft and restorable,
list query counts do not grow with rows, the API agrees with the pages, and an export
re-imports unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.models import ApiToken, Department, ObjectChange, Role, Town, User, Village

PASSWORD = "test-pass-123"


@dataclass
class World:
    town: Town
    other_town: Town
    villages: list[Village]
    other_village: Village  # in the other town
    users: dict[str, User] = field(default_factory=dict)

    def client(self, who: str | None) -> Client:
        c = Client()
        if who:
            c.force_login(self.users[who])
        return c

    def api(self, who: str | None) -> ApiClient:
        return ApiClient(self.users[who] if who else None)


class ApiClient:
    def __init__(self, user):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user)}"

    def get(self, path, **params):
        return self.client.get(f"/api/v1/{path}", params, **self.headers)

    def post(self, path, data=None):
        return self.client.post(
            f"/api/v1/{path}", data or {}, content_type="application/json", **self.headers
        )

    def patch(self, path, data=None):
        return self.client.patch(
            f"/api/v1/{path}", data or {}, content_type="application/json", **self.headers
        )

    def delete(self, path):
        return self.client.delete(f"/api/v1/{path}", **self.headers)


def make_user(username, role, town, *, departments=(), villages=(), **kw) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, role=role, town=town, full_name=username, **kw
    )
    if departments:
        user.departments.set(departments)
    if villages:
        user.villages.set(villages)
    return user


def build_world() -> World:
    with acting_as(None, Source.SYSTEM):
        town = Town.objects.create(
            name="南口镇", code="421081108000", county="石首市", city="荆州市", province="湖北省"
        )
        other = Town.objects.create(
            name="别镇", code="421081109000", county="石首市", city="荆州市", province="湖北省"
        )
        villages = [Village.objects.create(town=town, name=f"村{i}", order=i) for i in range(1, 4)]
        other_village = Village.objects.create(town=other, name="外镇村", order=1)
        modules = [
            "investment",
            "enterprises",
            "projects",
            "land",
            "inspections",
            "agriculture",
            "labor",
            "cadres",
            "plan",
        ]
        dept = Department.objects.create(town=town, name="综合专班", modules=modules)
        other_dept = Department.objects.create(town=other, name="外镇专班", modules=modules)
        world = World(town=town, other_town=other, villages=villages, other_village=other_village)
        world.users = {
            "admin": make_user("admin_t", Role.ADMIN, town, can_see_personal_numbers=True),
            "leader": make_user("leader_t", Role.LEADER, town),
            "staff": make_user("staff_t", Role.STAFF, town, departments=[dept]),
            "staff_nomodule": make_user("staff_n", Role.STAFF, town),
            "village": make_user("village_t", Role.VILLAGE, town, villages=[villages[0]]),
            "inspector": make_user("inspector_t", Role.INSPECTOR, town),
            "viewer": make_user("viewer_t", Role.VIEWER, None),
            "other_admin": make_user("admin_o", Role.ADMIN, other),
            "other_staff": make_user("staff_o", Role.STAFF, other, departments=[other_dept]),
        }
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def changes_of(obj):
    ct = ContentType.objects.get_for_model(obj.__class__)
    return ObjectChange.objects.filter(content_type=ct, object_id=obj.pk).order_by("time", "id")


#: resource key → the ResourceBattery subclass that knows how to make its records (filled as
#: the test modules are imported; the permission matrix uses them as factories).
BATTERIES: dict[str, type] = {}


class ResourceBattery:
    """Subclass and set `resource` (a registry.Resource) and implement `make(world, village)`
    returning a saved record of the world's town in that village (or town-level when the model
    has no village), and `form_data(world)` returning valid POST data for the create form.
    Every subclass is also the permission matrix's factory for its resource
    (`core/tests/test_permission_matrix.py`)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.resource is not None:
            BATTERIES.setdefault(cls.resource.key, cls)

    resource = None
    editor = "staff"  # a role that may write this model
    api_path: str | None = None  # e.g. "villages" (list at /api/v1/<api_path>)
    list_query_budget = 30

    # --- hooks ---------------------------------------------------------------------------
    def make(self, world, village):
        raise TypeError(f"{type(self).__name__} must define make(world, village)")

    def make_other_town(self, world):
        """A record of the other town (default: make() with the other town's village)."""
        obj = self.make(world, world.other_village)
        return obj

    def form_data(self, world) -> dict:
        raise TypeError(f"{type(self).__name__} must define form_data(world)")

    @property
    def village_scoped(self) -> bool:
        return bool(getattr(self.resource.model, "village_path", None))

    def url(self, action, obj=None):
        name = self.resource.url_name(action)
        return reverse(name, kwargs={"pk": obj.pk}) if obj is not None else reverse(name)

    # --- the battery --------------------------------------------------------------------
    def test_anonymous_is_sent_to_login(self, world):
        obj = self.make(world, world.villages[0])
        for url in (self.url("list"), self.url("detail", obj), self.url("export")):
            response = world.client(None).get(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url

    def test_in_scope_list_and_detail(self, world):
        obj = self.make(world, world.villages[0])
        client = world.client("leader")
        response = client.get(self.url("list"))
        assert response.status_code == 200
        assert str(obj) in response.content.decode()
        response = client.get(self.url("detail", obj))
        assert response.status_code == 200
        assert "变更记录" in response.content.decode()

    def test_other_town_is_404(self, world):
        foreign = self.make_other_town(world)
        for who in ("admin", "leader", "staff"):
            client = world.client(who)
            assert client.get(self.url("detail", foreign)).status_code == 404
            assert client.get(self.url("edit", foreign)).status_code == 404
            assert str(foreign) not in client.get(self.url("list")).content.decode()

    def test_village_cadre_sees_only_own_village(self, world):
        if not self.village_scoped:
            pytest.skip("town-level record")
        own = self.make(world, world.villages[0])
        other = self.make(world, world.villages[1])
        client = world.client("village")
        assert client.get(self.url("detail", own)).status_code == 200
        assert client.get(self.url("detail", other)).status_code == 404
        assert client.get(self.url("edit", other)).status_code == 404

    def test_readers_cannot_edit(self, world):
        obj = self.make(world, world.villages[0])
        for who in ("leader", "viewer", "staff_nomodule"):
            client = world.client(who)
            assert client.get(self.url("edit", obj)).status_code == 404, who
            assert client.post(self.url("delete", obj)).status_code == 404, who

    def test_create_writes_change_log(self, world):
        client = world.client(self.editor)
        before = ObjectChange.objects.count()
        response = client.post(self.url("add"), self.form_data(world))
        assert response.status_code == 302, _form_errors(response)
        created = self.resource.model.objects.order_by("-pk").first()
        assert created.town_id == world.town.pk
        entry = changes_of(created).last()
        assert (
            entry.action == "create"
            and entry.user == world.users[self.editor]
            and entry.source == "ui"
        )
        assert ObjectChange.objects.count() > before

    def test_stale_edit_is_refused(self, world):
        obj = self.make(world, world.villages[0])
        client = world.client(self.editor)
        form = client.get(self.url("edit", obj)).context["form"]
        data = _form_post_data(form)
        data["version"] = obj.version
        # Someone else saves first.
        fresh = self.resource.model.objects.get(pk=obj.pk)
        fresh.version += 1
        fresh.save()
        response = client.post(self.url("edit", obj), data)
        assert response.status_code == 409
        assert "已被他人修改" in response.content.decode()

    def test_delete_is_soft_logged_and_restorable(self, world):
        obj = self.make(world, world.villages[0])
        client = world.client(self.editor)
        response = client.post(self.url("delete", obj), {"version": obj.version})
        assert response.status_code == 302
        model = self.resource.model
        assert not model.objects.filter(pk=obj.pk).exists()
        assert model.all_objects.filter(pk=obj.pk, is_deleted=True).exists()
        assert changes_of(obj).last().action == "delete"
        assert client.get(self.url("detail", obj)).status_code == 404
        ct = ContentType.objects.get_for_model(model)
        admin = world.client("admin")
        response = admin.post(reverse("core:recycle_restore", args=[ct.pk, obj.pk]))
        assert response.status_code == 302
        assert model.objects.filter(pk=obj.pk).exists()
        assert changes_of(obj).last().action == "restore"

    def test_list_query_count_does_not_grow(self, world):
        self.make(world, world.villages[0])
        client = world.client("admin")
        with CaptureQueriesContext(connection) as few:
            assert client.get(self.url("list")).status_code == 200
        for i in range(8):
            self.make(world, world.villages[i % len(world.villages)])
        with CaptureQueriesContext(connection) as many:
            assert client.get(self.url("list")).status_code == 200
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
        assert len(many) <= self.list_query_budget

    def test_export_reimports_unchanged(self, world):
        if self.resource.ledger is None:
            pytest.skip("no ledger")
        self.make(world, world.villages[0])
        self.make(world, world.villages[1])
        client = world.client("admin")
        response = client.get(self.url("export"))
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        before = ObjectChange.objects.count()
        report = self.resource.ledger().run(
            io.BytesIO(content), "export.xlsx", user=world.users["admin"]
        )
        assert report.ok, [e.as_dict() for e in report.errors]
        assert (report.created, report.updated) == (0, 0)
        assert ObjectChange.objects.count() == before

    def test_api_scoping(self, world):
        if not self.api_path:
            pytest.skip("no API")
        own = self.make(world, world.villages[0])
        foreign = self.make_other_town(world)
        assert world.api(None).get(self.api_path).status_code == 401
        api = world.api("leader")
        response = api.get(self.api_path, limit=500)
        assert response.status_code == 200
        ids = {item["id"] for item in response.json()["items"]}
        assert own.pk in ids and foreign.pk not in ids
        assert api.get(f"{self.api_path}/{foreign.pk}").status_code == 404
        assert api.get(f"{self.api_path}/{own.pk}").status_code == 200


def _form_post_data(form) -> dict:
    data = {}
    for name, form_field in form.fields.items():
        value = form.initial.get(name, form_field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        if isinstance(value, Decimal):
            value = str(value)
        if value is None:
            value = ""
        if isinstance(value, bool) and not value:
            continue
        data[name] = value
    return data


def _form_errors(response):
    ctx = getattr(response, "context", None)
    if ctx and "form" in ctx:
        return ctx["form"].errors
    return response.content[:500]


# --- ledger files grown from existing records (the every-ledger battery and bench) -----------


def _fresh_uscc(i: int) -> str:
    from zhenwu.core.idnumbers import uscc_check_char

    first17 = f"91421081MC{i:07d}"
    return first17 + uscc_check_char(first17)


def _fresh_resident_id(i: int) -> str:
    from zhenwu.core.idnumbers import resident_id_check_char

    born = f"{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}"
    first17 = f"421081{born}{i % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def grown_ledger_rows(ledger, user, n: int, *, start: int = 0, sources: int = 200):
    """(header, rows): the records ``user`` sees exported by the ledger itself, repeated to
    ``n`` rows, each a new record — the record's own part of the natural key (its last text
    column) gets "·N", ID, USCC and phone columns get fresh valid numbers. Or (None, reason)
    when the key has nothing to vary or there are no records. ``sources``: how many records
    (the first by id) the rows are copied from."""
    from zhenwu.core.scoping import VIEW

    columns = ledger.import_columns()
    keys = [c for c in columns if c.key in ledger.match_on]
    vary = next((c for c in reversed(keys) if c.kind in ("text", "uscc", "resident_id")), None)
    if vary is None:
        return None, "自然键中没有可变的文字列"
    records = list(ledger.queryset(user, VIEW).order_by("pk")[:sources])
    if not records:
        return None, "没有记录"
    header = [c.label for c in columns]
    base = [[ledger.export_value(c, obj, user) for c in columns] for obj in records]
    rows = []
    for i in range(start, start + n):
        row = list(base[i % len(base)])
        for j, c in enumerate(columns):
            if c is vary and c.kind == "text":
                row[j] = f"{row[j]}·{i}"
            elif c.kind == "resident_id" and row[j]:
                row[j] = _fresh_resident_id(i)
            elif c.kind == "uscc" and row[j]:
                row[j] = _fresh_uscc(i)
            elif c.kind == "phone" and row[j]:
                row[j] = f"139{i:08d}"
        rows.append(row)
    return header, rows
