"""Factories for the inspections tests (records of the test world's towns)."""

from __future__ import annotations

import io
import itertools
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.inspections import services
from zhenwu.inspections.models import ChecklistItem, Round, Spot

_seq = itertools.count(1)


def photo(name="现场.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 80)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def make_spot(village, name=None, **kw) -> Spot:
    with acting_as(None, Source.SYSTEM):
        return Spot.objects.create(
            town=village.town,
            village=village,
            name=name or f"点位{next(_seq)}",
            kind=kw.pop("kind", "settlement"),
            **kw,
        )


def make_round(town, *, days_ago=1, inspectors=(), seed=1, **kw) -> Round:
    """A round of the town that started `days_ago` days ago (negative: in the future)."""
    start = timezone.now() - timedelta(days=days_ago)
    with acting_as(None, Source.SYSTEM):
        return services.draw_round(
            town=town,
            starts_at=start,
            acting_user=None,
            inspectors=list(inspectors),
            rng=random.Random(seed),
            **kw,
        )


def item(rnd, code="C1") -> ChecklistItem:
    return ChecklistItem.objects.get(section__checklist=rnd.checklist, code=code)


def make_finding(world, village, *, rnd=None, code="C1", count=1, spot=None, user=None, **kw):
    rnd = rnd or make_round(village.town)
    with acting_as(None, Source.SYSTEM):
        finding, _ = services.record_finding(
            rnd=rnd,
            village=village,
            item=item(rnd, code),
            count=count,
            spot=spot,
            photos=[photo()],
            acting_user=user,
            **kw,
        )
    return finding
