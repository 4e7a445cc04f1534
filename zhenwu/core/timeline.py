"""The one shape of a timeline: the steps a record went through, each written once and never
edited — a supervised task's 督办环节 (`plan.TaskEvent`), an enterprise's 入库进程
(`enterprises.EntryEvent`) and an investment project's 项目动态 (`investment.InvestmentEvent`).

- `TimelineEvent`: the abstract model with the columns every timeline shares, under one set of
  names — `town`, `kind` (each subclass gives its choices), `on_date` (the business date the
  step happened), `recorded_at` (when the row was written), `actor` (the account that did it)
  and `note`. A subclass names its subject (`subject_field = "task"`) and keeps only what is
  its own (a new deadline, the statuses or stages it moved between).
- One way to write: `Subclass.record(subject, kind, actor=…, on_date=…, note=…, **own)` builds
  the row with `core.bulk.new_record` and saves it unless ``save=False`` (a ledger import
  collects unsaved events and writes them in bulk with `core.bulk.bulk_save`).
- One order: `ORDERING`, oldest first by business date, then by when it was written, then by
  id; `NEWEST_FIRST` is its reverse for the pages and API lists that show the latest first.
- One display contract: `headline` (the kind's label, or 「原状态 → 新状态」 for a move),
  `subject`, `extra` (a subclass's own detail, e.g. 「时限 2025-06-30」), `actor_name`;
  `core/partials/timeline.html` renders any timeline with them, and
  `core.api_schemas.TimelineEventOut` is the one API output.

Lives in core beside `rectification.py` (the other abstract model several modules inherit):
it is a cross-cutting policy, not a record of its own, and has no table.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.core.fields import account_field

ORDERING = ("on_date", "recorded_at", "id")
NEWEST_FIRST = ("-on_date", "-recorded_at", "-id")


def local_date(moment: datetime.datetime) -> datetime.date:
    """The town's calendar date of an instant (the deployment's zone, Asia/Shanghai)."""
    if timezone.is_aware(moment):
        moment = moment.astimezone(timezone.get_default_timezone())
    return moment.date()


class TimelineEvent(models.Model):
    """One step on a record's timeline, append-only. Not change-logged by itself (it *is* a
    log); a subclass that is also a `TownScopedModel` (EntryEvent) is, like any record."""

    # The foreign key naming the record whose timeline this is ("task", "enterprise" …).
    subject_field: ClassVar[str] = ""
    # The subclass's own columns, shown as `details` in the API (`core.api_schemas`).
    own_fields: ClassVar[tuple[str, ...]] = ()

    town = models.ForeignKey(
        "core.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    # Each subclass redeclares `kind` with its own choices (and the length they need).
    kind = models.CharField(_("环节"), max_length=20)
    on_date = models.DateField(_("日期"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    actor = account_field(_("操作人"), responsible=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = list(ORDERING)

    def __str__(self):
        return f"{self.subject} · {self.on_date} {self.headline}"

    # --- writing ---------------------------------------------------------------------------

    @classmethod
    def record(
        cls,
        subject,
        kind: str,
        *,
        actor=None,
        on_date: datetime.date | None = None,
        note: str = "",
        save: bool = True,
        **fields,
    ):
        """The one way to write an event on `subject`'s timeline. `on_date` defaults to the
        town's today; an anonymous or unsaved `actor` (the system, a script) records none.
        With ``save=False`` the event is returned unsaved, for `core.bulk.bulk_save`."""
        from zhenwu.core.bulk import new_record

        if on_date is None:
            on_date = local_date(timezone.now())
        event = new_record(
            cls,
            town_id=subject.town_id,
            kind=kind,
            on_date=on_date,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note or "",
            **{cls.subject_field: subject},
            **fields,
        )
        if save:
            event.save()
        return event

    # --- display ---------------------------------------------------------------------------

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    @property
    def headline(self) -> str:
        """What happened, in one phrase: the kind's label (a subclass that records moves
        between states says 「原状态 → 新状态」)."""
        return str(self.get_kind_display())

    @property
    def extra(self) -> str:
        """A subclass's own detail worth a line on the timeline ('' when none)."""
        return ""

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor_id and self.actor else ""


def move_headline(from_label, to_label) -> str:
    """「原状态 → 新状态」, or the new state alone when there was none before."""
    return f"{from_label} → {to_label}" if from_label else str(to_label)
