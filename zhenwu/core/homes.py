"""A home per role (issue 10.2), built from what modules register — never a list of modules.

- A village cadre's 我的村: their to-dos, then each module's records of their village(s) with
  what is overdue and a one-tap link to update. A module adds its part with
  `@register_village_section("investment", "招商项目")` on `def section(user, villages, today)`.
  The same sections make the village's own page (`/villages/<id>/`) show its records.
- A clerk's (department staff) work queue: each module they edit adds what is due with
  `@register_work_queue("investment", "招商跟进")` on `def queue(user, today)`.
- Leaders, inspectors, administrators and the city viewer land on the board (the plan module),
  which shows what waits for their decision.

Both functions return a `HomeSection` (or None to show nothing). Modules put these in
`<app>/homes.py`, discovered on first use; every queryset passes through `restrict()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass
class HomeItem:
    title: str
    url: str | None = None
    note: str = ""
    overdue: bool = False
    due_soon: bool = False
    action: str = ""  # the one-tap label, e.g. 更新 / 填报 / 跟进


@dataclass
class HomeSection:
    key: str
    label: str
    items: list[HomeItem] = field(default_factory=list)
    total: int = 0  # records in the section (items may show only the first of them)
    list_url: str | None = None
    empty: str = "暂无"

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


_todos: list[tuple[int, str, str, Callable]] = []
_village: list[tuple[int, str, str, Callable]] = []
_queues: list[tuple[int, str, str, Callable]] = []
_discovered = False


def _add(registry, module, label, order):
    def deco(func):
        registry[:] = [r for r in registry if (r[1], r[2]) != (module, label)]
        registry.append((order, module, label, func))
        registry.sort(key=lambda r: (r[0], r[1]))
        return func

    return deco


def register_todo(module: str, label: str, order: int = 100):
    """Decorator: the user's own to-dos (e.g. 督办 tasks), shown first on every home."""
    return _add(_todos, module, label, order)


def register_village_section(module: str, label: str, order: int = 100):
    """Decorator: a module's records of given villages, `func(user, villages, today)`."""
    return _add(_village, module, label, order)


def register_work_queue(module: str, label: str, order: int = 100):
    """Decorator: what is due for a clerk of this module, `func(user, today)`."""
    return _add(_queues, module, label, order)


def _discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("homes")
        _discovered = True


def village_modules() -> set[str]:
    """Modules that keep records of villages (what a village cadre's menu shows)."""
    _discover()
    return {module for _, module, _, _ in _village}


def todos(user, today: date) -> list[HomeSection]:
    _discover()
    return [s for _, _m, _l, func in _todos if (s := func(user, today)) is not None]


def village_sections(user, villages, today: date) -> list[HomeSection]:
    _discover()
    out = []
    for _, _module, _label, func in _village:
        section = func(user, villages, today)
        if section is not None:
            out.append(section)
    return out


def work_queues(user, today: date) -> list[HomeSection]:
    """The queues of the modules the user edits (staff: their departments' modules)."""
    from zhenwu.core import scoping

    _discover()
    modules = scoping.editable_modules(user)
    out = []
    for _, module, _label, func in _queues:
        if "*" in modules or module in modules:
            section = func(user, today)
            if section is not None:
                out.append(section)
    return out


def menu_modules(user) -> set[str] | None:
    """The modules whose menu entries a user sees (None: all). One rule: the plan (board,
    to-dos) and the platform for everyone; beyond that a village cadre sees the modules that
    keep village records, a clerk the modules of their departments."""
    from zhenwu.core import scoping
    from zhenwu.core.models import Role

    if user.role == Role.VILLAGE:
        return {"plan", "core"} | village_modules()
    if user.role == Role.STAFF and not user.is_superuser:
        return {"plan", "core"} | scoping.editable_modules(user)
    return None
