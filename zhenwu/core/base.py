"""Abstract bases every domain model of every module inherits.

- `ChangeLoggedModel`: remembers the values it was loaded with, so the change log can record
  before/after for any save, wherever it came from (see `changelog.py`).
- `TownScopedModel`: carries `town` (one deployment serves a town, a county or a province),
  a `version` for optimistic concurrency, soft delete, and timestamps. Its class attributes
  tell the scoping gate (`scoping.restrict`) how to find the record's village, if it has one.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models, router
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

    # The one write path validates every save (`full_clean`), and two of Django's checks ask
    # the database once per field or constraint: the demo's 3,000 saves spent most of their
    # time there. Both are skipped only where the answer is already known; the database's own
    # constraints stand behind them either way.

    def clean_fields(self, exclude=None):
        """Django's, without asking the database whether a related record exists when the
        instance holds that record, loaded or saved (a form's or a service's choice)."""
        held = {
            field.name
            for field in self._meta.concrete_fields
            if field.is_relation and self._holds_related(field)
        }
        return super().clean_fields(exclude=set(exclude or ()) | held)

    def _holds_related(self, field) -> bool:
        if field.get_limit_choices_to() or not field.is_cached(self):
            return False
        value = getattr(self, field.attname)
        related = field.get_cached_value(self)
        return (
            value is not None
            and related is not None
            and not related._state.adding
            and getattr(related, field.remote_field.field_name) == value
        )

    def validate_constraints(self, exclude=None):
        """Django's, without the constraints whose fields all hold the values the record was
        loaded (or last saved) with: the stored row met them, so the same values still do."""
        loaded = getattr(self, "_loaded_values", None)
        if self._state.adding or loaded is None:
            return super().validate_constraints(exclude=exclude)
        changed = {
            field.name
            for field in self._meta.concrete_fields
            if field.attname not in loaded or loaded[field.attname] != getattr(self, field.attname)
        }
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if not _constraint_fields(model_class, constraint) & changed:
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _constraint_fields(model, constraint) -> set[str]:
    """Every field a constraint reads: its fields, its expressions' and its condition's. An
    expression it cannot read counts as every field (the constraint is always checked)."""
    names = set(getattr(constraint, "fields", ()) or ())
    parts = [*getattr(constraint, "expressions", ()), getattr(constraint, "condition", None)]
    for part in filter(None, parts):
        try:
            refs = _referenced(part)
            names |= {f.name for f in model._meta.concrete_fields if {f.name, f.attname} & refs}
        except Exception:  # an expression of unknown shape: checked every time
            return {f.name for f in model._meta.concrete_fields}
    return names


def _referenced(expression) -> set[str]:
    from django.db.models import F, Q

    found = set()
    if isinstance(expression, Q):
        for child in expression.children:
            if isinstance(child, Q):
                found |= _referenced(child)
            else:
                key, value = child
                found.add(key.split("__", 1)[0])
                if hasattr(value, "resolve_expression"):
                    found |= _referenced(value)
        return found
    if isinstance(expression, F):
        return {expression.name.split("__", 1)[0]}
    for source in expression.get_source_expressions():
        if source is not None:
            found |= _referenced(source)
    return found


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
