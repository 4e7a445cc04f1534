"""Factories for the labour module's tests (records of the test world's towns)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.labor.models import (
    Certificate,
    Course,
    Enrollment,
    Exam,
    Placement,
    Trade,
    TrainingBase,
    TrainingSession,
    Worker,
)

_seq = itertools.count(1)


def rid(birth: str = "19850612", seq: int | None = None, male: bool = True) -> str:
    """A valid 18-digit Shishou ID; a fresh sequence number unless given."""
    n = next(_seq) if seq is None else seq
    s = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"421081{birth}{s:03d}"
    return first17 + resident_id_check_char(first17)


def trade(name="防水工") -> Trade:
    return Trade.objects.get(name=name)


def make_worker(world, village=None, **kw) -> Worker:
    village = village if village is not None else world.villages[0]
    town = village.town if village is not None else world.town
    data = {
        "town": town,
        "name": kw.pop("name", f"工人{next(_seq)}"),
        "resident_id": kw.pop("resident_id", None) or rid(),
        "village": village,
        "trade": kw.pop("trade", trade()),
        **kw,
    }
    with acting_as(None, Source.SYSTEM):
        w = Worker(**data)
        w.full_clean()
        w.save()
    return w


def make_course(town, name=None) -> Course:
    with acting_as(None, Source.SYSTEM):
        return Course.objects.create(
            town=town, name=name or f"防水工初级培训{next(_seq)}", trade=trade(), level="5",
            hours=Decimal(40),
        )  # fmt: skip


def make_session(town, start=date(2025, 3, 3), end=date(2025, 3, 8), **kw) -> TrainingSession:
    course = kw.pop("course", None) or make_course(town)
    with acting_as(None, Source.SYSTEM):
        return TrainingSession.objects.create(
            town=town, name=kw.pop("name", f"2025年第{next(_seq)}期"), course=course,
            start_date=start, end_date=end, hours=kw.pop("hours", Decimal(40)), **kw,
        )  # fmt: skip


def make_enrollment(worker, session=None, attendance="attended") -> Enrollment:
    session = session or make_session(worker.town)
    with acting_as(None, Source.SYSTEM):
        return Enrollment.objects.create(
            town=worker.town, session=session, worker=worker, attendance=attendance
        )


def make_exam(session, **kw) -> Exam:
    with acting_as(None, Source.SYSTEM):
        return Exam.objects.create(
            town=session.town, name=kw.pop("name", f"结业考核{next(_seq)}"), session=session,
            exam_date=kw.pop("exam_date", session.end_date), trade=trade(), level="5",
            issuer="石首市职业技能等级认定中心", **kw,
        )  # fmt: skip


def make_certificate(worker, **kw) -> Certificate:
    with acting_as(None, Source.SYSTEM):
        return Certificate.objects.create(
            town=worker.town, worker=worker, number=kw.pop("number", f"C{next(_seq):06d}"),
            issuer="石首市职业技能等级认定中心", issued_on=kw.pop("issued_on", date(2025, 4, 1)),
            level=kw.pop("level", "5"), **kw,
        )  # fmt: skip


def make_placement(worker, **kw) -> Placement:
    with acting_as(None, Source.SYSTEM):
        return Placement.objects.create(
            town=worker.town, worker=worker, employer=kw.pop("employer", "某建筑公司"),
            place=kw.pop("place", "上海市"), destination=kw.pop("destination", "other_province"),
            start_date=kw.pop("start_date", date(2025, 5, 1)), **kw,
        )  # fmt: skip


def make_base(town, **kw) -> TrainingBase:
    with acting_as(None, Source.SYSTEM):
        return TrainingBase.objects.create(
            town=town, name=kw.pop("name", f"培训基地{next(_seq)}"), **kw
        )
