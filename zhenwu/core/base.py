"""Abstract bases every domain model of every module inherits.

- `ChangeLoggedModel`: remembers the values it was loaded with, so the change log can record
  before/after for any save, wherever it came from (see `changelog.py`).
- `TownScopedModel`: carries `town` (one deployment serves a town, a county or a province),
  a `version` for optimistic concurrency, soft delete, and timestamps. Its class attributes
  tell the scoping gate (`scoping.restrict`) how to find the record's village, if it has one.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(is_deleted=False)

    def deleted(self):
        return self.filter(is_deleted=True)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """Default manager: soft-deleted rows are invisible everywhere except the recycle bin."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class AllManager(models.Manager.from_queryset(LiveQuerySet)):
    pass


class ChangeLoggedModel(models.Model):
    # Field names whose values never go into the change log (only "changed").
    changelog_secret_fields: ClassVar[tuple[str, ...]] = ()
    # Field names not worth a change-log entry on their own.
    changelog_ignore_fields: ClassVar[tuple[str, ...]] = ("updated_at", "version", "last_login")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def full_clean(self, *args, **kwargs):
        # NUL characters first: PostgreSQL cannot even compare them, so the uniqueness and
        # constraint checks of full_clean would fail on them with an unreadable message.
        from zhenwu.core.textrules import nul_free

        nul_free(self.__class__, self)
        return super().full_clean(*args, **kwargs)


class TownScopedModel(ChangeLoggedModel):
    """A domain record of one town. Deletes are soft; edits carry a version."""

    # Path from this model to its Village (e.g. "village", "project__village"); None when the
    # record belongs to the town as a whole. Village cadres see only rows of their villages.
    village_path: ClassVar[str | None] = None
    # Satellite records (attachments, comments, change log) with a null village stay visible
    # to village cadres, because their parent (a town-level record) is.
    village_null_visible: ClassVar[bool] = False
    # Which module's editors may write it (defaults to the app label: "investment", "land" …).
    scope_module: ClassVar[str | None] = None

    town = models.ForeignKey(
        "core.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_deleted = models.BooleanField(_("已删除"), default=False, db_index=True, editable=False)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    def get_absolute_url(self):
        from zhenwu.core.registry import url_for

        return url_for(self, "detail")

    @classmethod
    def module_label(cls) -> str:
        return cls.scope_module or cls._meta.app_label

    def village_of(self):
        """The Village this record belongs to (following `village_path`), or None."""
        if not self.village_path:
            return None
        obj = self
        for part in self.village_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
