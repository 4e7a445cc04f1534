"""The Nankou 2025 demo (`zhenwu demo`). The platform builds the town, its villages,
departments and accounts; each module adds its part through `register_demo`.

Facts come from ../shared/seed (the interview and PLAN.md). Everything the interview does not
give — village names other than 管家铺/永福/古夹垸, the 12-digit code, people's names other than
the party secretary's, progress figures, amounts and dates — is a demo value, marked as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from zhenwu.core.models import Department, DepartmentKind, Role, Town, User, Village, VillageKind

DEFAULT_PASSWORD = "Zhenwu@2025"

_builders: list[tuple[int, str, Callable]] = []


def register_demo(order: int, name: str):
    """Decorator: `@register_demo(30, "招商引资")` on `def build(ctx: DemoContext)`."""

    def deco(func):
        if all(n != name for _, n, _ in _builders):
            _builders.append((order, name, func))
        return func

    return deco


def builders():
    return sorted(_builders, key=lambda b: b[0])


@dataclass
class DemoContext:
    town: Town
    admin: User
    password: str
    villages: list[Village] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    year: int = 2025  # the seed's plan year: its records span that whole year
    # The day the demo is loaded: the current year's plan ("a year under way") dates its
    # records relative to it, so a new user always sees a year in progress.
    today: date = field(default_factory=timezone.localdate)

    @property
    def current_year(self) -> int | None:
        """The year under way, if it is not the seed's year (then the seed's plan is it)."""
        return self.today.year if self.today.year != self.year else None


VILLAGES = [
    # (name, kind, is_demo_name) — the first three are named in the interview.
    ("管家铺村", VillageKind.VILLAGE, False),
    ("永福村", VillageKind.VILLAGE, False),
    ("古夹垸村", VillageKind.VILLAGE, False),
    ("示例四村", VillageKind.VILLAGE, True),
    ("示例五村", VillageKind.VILLAGE, True),
    ("示例六村", VillageKind.VILLAGE, True),
    ("示例七村", VillageKind.VILLAGE, True),
    ("示例八村", VillageKind.VILLAGE, True),
    ("示例九村", VillageKind.VILLAGE, True),
    ("示例社区", VillageKind.COMMUNITY, True),
]

DEPARTMENTS = [
    # key, name, kind, modules
    ("dangzheng", "党政综合办公室", DepartmentKind.OFFICE, ["plan", "cadres"]),
    ("zhaoshang", "招商办", DepartmentKind.OFFICE, ["investment", "enterprises"]),
    ("jingfa", "经济发展办公室", DepartmentKind.OFFICE, ["enterprises", "investment", "projects"]),
    ("xiangmu", "重点项目专班", DepartmentKind.TASKFORCE, ["projects"]),
    ("shuangzheng", "双征办", DepartmentKind.TASKFORCE, ["land"]),
    ("nongye", "农业服务中心", DepartmentKind.CENTER, ["agriculture"]),
    ("renju", "人居环境整治办", DepartmentKind.OFFICE, ["inspections"]),
    ("renshe", "人社服务中心", DepartmentKind.CENTER, ["labor"]),
]

STAFF = [
    # username, full name (demo), title, department key
    ("zhaoshang", "李招商", "招商办主任", "zhaoshang"),
    ("jingfa", "周经发", "经发办主任", "jingfa"),
    ("xiangmu", "陈项目", "重点项目专班负责人", "xiangmu"),
    ("shuangzheng", "张双征", "双征办主任", "shuangzheng"),
    ("nongye", "刘农服", "农业服务中心主任", "nongye"),
    ("renju", "赵人居", "人居办主任", "renju"),
    ("renshe", "孙人社", "人社服务中心主任", "renshe"),
    ("dangzheng", "吴党政", "党政办主任", "dangzheng"),
]


def _user(username, password, **fields) -> User:
    m2m = {k: fields.pop(k) for k in ("departments", "villages") if k in fields}
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    for k, v in fields.items():
        setattr(user, k, v)
    user.is_active = True
    user.set_password(password)
    user.save()
    for k, v in m2m.items():
        getattr(user, k).set(v)
    return user


def build_platform(password: str, today: date | None = None) -> DemoContext:
    town, _ = Town.objects.update_or_create(
        code="421081108000",  # demo value: check against the statistical code list
        defaults={
            "name": "南口镇",
            "county": "石首市",
            "city": "荆州市",
            "province": "湖北省",
            "area_km2": Decimal("90.92"),
            "motto": "中国建筑防水之乡 · 劳务输出重镇",
        },
    )
    admin = _user(
        "admin", password, full_name="系统管理员", role=Role.ADMIN, town=town,
        title="镇党政办（信息化）", can_see_personal_numbers=True,
    )  # fmt: skip
    ctx = DemoContext(town=town, admin=admin, password=password)
    if today is not None:
        ctx.today = today
    for i, (name, kind, is_demo) in enumerate(VILLAGES, start=1):
        village = Village.all_objects.filter(town=town, name=name).first() or Village(
            town=town, name=name
        )
        village.kind = kind
        village.order = i
        village.is_demo_name = is_demo
        village.is_deleted = False
        village.code = village.code or f"421081108{200 + i:03d}"
        if is_demo:
            village.note = "示例名称：访谈未列出的村（社区），请在此录入真实名称"
        village.save()
        ctx.villages.append(village)
    for order, (key, name, kind, modules) in enumerate(DEPARTMENTS, start=1):
        dept = Department.all_objects.filter(town=town, name=name).first() or Department(
            town=town, name=name
        )
        dept.kind, dept.modules, dept.order, dept.is_deleted = kind, modules, order, False
        dept.save()
        ctx.departments[key] = dept
    ctx.users["admin"] = admin
    ctx.users["leader"] = _user(
        "leader", password, full_name="王兵", title="镇党委书记", role=Role.LEADER, town=town,
        can_see_personal_numbers=True,
    )  # fmt: skip
    ctx.users["mayor"] = _user(
        "mayor", password, full_name="镇长（示例）", title="镇长", role=Role.LEADER, town=town
    )
    for i, village in enumerate(ctx.villages, start=1):
        ctx.users[f"village{i}"] = _user(
            f"village{i}", password, full_name=f"{village.name}干部", title="村党支部书记",
            role=Role.VILLAGE, town=town, villages=[village],
        )  # fmt: skip
    for username, full_name, title, dept in STAFF:
        ctx.users[username] = _user(
            username, password, full_name=full_name, title=title, role=Role.STAFF, town=town,
            departments=[ctx.departments[dept]],
        )  # fmt: skip
    ctx.users["ducha"] = _user(
        "ducha",
        password,
        full_name="督查员（示例）",
        title="镇督查室",
        role=Role.INSPECTOR,
        town=town,
    )
    ctx.users["shishou"] = _user(
        "shishou",
        password,
        full_name="石首市查看员（示例）",
        title="市直部门",
        role=Role.VIEWER,
        town=None,
    )
    return ctx
