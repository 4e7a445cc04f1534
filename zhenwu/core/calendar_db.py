"""The administrator-maintained holiday override table feeds the work calendar."""

from django.db.models.signals import post_delete, post_save

from zhenwu.core import workcalendar


def load_overrides():
    """The national overrides (no town), for every town's calendar."""
    from django.db import DatabaseError

    from zhenwu.core.models import HolidayOverride

    try:
        return dict(
            HolidayOverride.objects.filter(town__isnull=True).values_list("date", "is_workday")
        )
    except DatabaseError:  # before the first migration
        return {}


def load_local_overrides(town_id):
    """One town's local working-day changes (applied after the national ones)."""
    from django.db import DatabaseError

    from zhenwu.core.models import HolidayOverride

    try:
        return dict(
            HolidayOverride.objects.filter(town_id=town_id).values_list("date", "is_workday")
        )
    except DatabaseError:
        return {}


def _invalidate(sender, **kwargs):
    workcalendar.invalidate_calendar()


def connect():
    from zhenwu.core.models import HolidayOverride

    post_save.connect(_invalidate, sender=HolidayOverride, dispatch_uid="holiday_override_save")
    post_delete.connect(_invalidate, sender=HolidayOverride, dispatch_uid="holiday_override_delete")
