"""Small builders for the projects tests (the `world` fixture gives towns, villages, users)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.projects import services
from zhenwu.projects.models import Milestone, MilestoneDependency, Project, ProjectStatus

_counter = {"n": 0}


def make_project(world, village=None, *, town=None, name=None, category="key", **fields) -> Project:
    town = town or (village.town if village is not None else world.town)
    cats = services.ensure_categories(town)
    _counter["n"] += 1
    data = {
        "name": name or f"测试项目{_counter['n']}",
        "category": cats[category],
        "status": ProjectStatus.PREPARING,
        "village": village,
        "total_investment": Decimal("1000"),
    }
    data.update(fields)
    with acting_as(None, Source.SYSTEM):
        return Project.objects.create(town=town, **data)


def make_network(project, spec, deps=()) -> dict[str, Milestone]:
    """spec: [(name, duration, extra fields)], deps: [(pred, succ, lag)]."""
    out = {}
    with acting_as(None, Source.SYSTEM):
        for i, item in enumerate(spec):
            name, duration, *rest = item
            extra = rest[0] if rest else {}
            out[name] = Milestone.objects.create(
                town=project.town, project=project, name=name, duration=duration, order=i, **extra
            )
        for pred, succ, lag in deps:
            MilestoneDependency.objects.create(
                town=project.town, predecessor=out[pred], successor=out[succ], lag=lag
            )
    return out


D = date.fromisoformat
