"""Factories for the 守粮安 tests (records of the test world's towns)."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import ChiefLevel, FieldChief, Plot
from zhenwu.core.actor import Source, acting_as

_seq = itertools.count(1)


def photo(name="现场.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 80)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def make_plot(village, **kw) -> Plot:
    with acting_as(None, Source.SYSTEM):
        return Plot.objects.create(
            town=village.town,
            village=village,
            code=kw.pop("code", f"图斑{next(_seq)}"),
            area_mu=kw.pop("area_mu", Decimal("50")),
            is_permanent_basic=kw.pop("is_permanent_basic", True),
            **kw,
        )


def make_chief(user, level=ChiefLevel.VILLAGE, villages=(), plots=()) -> FieldChief:
    with acting_as(None, Source.SYSTEM):
        chief = FieldChief.objects.create(town=user.town, user=user, level=level)
        chief.villages.set(villages)
        chief.plots.set(plots)
        return chief


def make_patrol(world, village, *, user=None, days_ago=1, plots=None, findings=(), **kw):
    if user is None:
        user = world.users["staff" if village.town_id == world.town.pk else "other_staff"]
    plots = plots if plots is not None else [make_plot(village)]
    with acting_as(None, Source.SYSTEM):
        return services.record_patrol(
            town=village.town,
            village=village,
            plots=plots,
            patrolled_on=timezone.localdate() - timedelta(days=days_ago),
            findings=findings,
            acting_user=user,
            **kw,
        )


def make_finding(world, village, *, category="FLH1", days_ago=1, user=None, plot=None):
    plot = plot or make_plot(village)
    patrol = make_patrol(
        world,
        village,
        user=user,
        days_ago=days_ago,
        plots=[plot],
        findings=[{"plot": plot, "category": category, "photos": [photo()]}],
    )
    return patrol.findings.get()
