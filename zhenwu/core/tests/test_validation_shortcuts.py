"""The one write path validates every save, and skips only the two database questions whose
answer it already holds (`ChangeLoggedModel.clean_fields` / `validate_constraints`):

- a related record the instance holds (a form's or a service's choice) is not looked up again;
  an id alone still is, and an unknown one is refused;
- a constraint whose fields all still hold the values the record was loaded with is not
  asked again; one whose field changed still is — uniqueness, a restore out of the recycle
  bin, a condition's field.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from zhenwu.core.base import _constraint_fields
from zhenwu.enterprises.models import Enterprise
from zhenwu.enterprises.tests.helpers import make_enterprise


def _lookups_of(table: str, queries) -> list[str]:
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def test_a_held_related_record_is_not_looked_up_again(world):
    ent = make_enterprise(world)
    new = {"name": "新企业", "uscc": "91421081MA4000001X", "industry_code": "C2922"}
    fresh = Enterprise(town=world.town, village=world.villages[0], **new)
    with CaptureQueriesContext(connection) as queries:
        fresh.clean_fields()
    assert not _lookups_of("core_village", queries.captured_queries)
    assert not _lookups_of("core_town", queries.captured_queries)
    # An id alone is looked up, and an unknown one is refused by name.
    by_id = Enterprise(town=world.town, village_id=world.villages[1].pk, **new)
    with CaptureQueriesContext(connection) as queries:
        by_id.clean_fields()
    assert _lookups_of("core_village", queries.captured_queries)
    ent.village_id = 987654
    with pytest.raises(ValidationError) as error:
        ent.clean_fields()
    assert "village" in error.value.message_dict


def test_a_stale_held_record_is_looked_up(world):
    """The held object must be the one the id names: an id changed under it is asked."""
    ent = make_enterprise(world)
    assert ent.village == world.villages[0]  # held
    ent.village_id = 987654  # the id changed, the held object did not
    with pytest.raises(ValidationError) as error:
        ent.clean_fields()
    assert "village" in error.value.message_dict


def test_unchanged_constraints_are_not_asked_again_changed_ones_are(world):
    first, second = make_enterprise(world), make_enterprise(world)
    second = Enterprise.objects.get(pk=second.pk)  # as loaded
    second.name = "改了名称"
    with CaptureQueriesContext(connection) as queries:
        second.validate_constraints()
    assert not _lookups_of("enterprises_enterprise", queries.captured_queries)
    second.uscc = first.uscc  # the constraint's own field
    with pytest.raises(ValidationError) as error:
        second.validate_constraints()
    assert "本镇已有相同统一社会信用代码的企业" in str(error.value)


def test_a_restore_is_checked_against_the_live_records(world):
    """The constraint holds for live records only (condition is_deleted=False): restoring a
    deleted record whose code a live one took since is refused, though the code itself did
    not change."""
    gone = make_enterprise(world)
    Enterprise.objects.filter(pk=gone.pk).update(is_deleted=True)
    make_enterprise(world, uscc=gone.uscc)
    restored = Enterprise.all_objects.get(pk=gone.pk)
    restored.is_deleted = False
    with pytest.raises(ValidationError):
        restored.validate_constraints()


def test_a_new_record_is_always_checked(world):
    first = make_enterprise(world)
    twin = Enterprise(
        town=world.town, name="重复", uscc=first.uscc, industry_code="C2922", village=first.village
    )
    with pytest.raises(ValidationError):
        twin.validate_constraints()


def test_the_fields_a_constraint_reads():
    from django.db import models

    unique = models.UniqueConstraint(
        fields=["town", "uscc"], condition=Q(is_deleted=False), name="a"
    )
    assert _constraint_fields(Enterprise, unique) == {"town", "uscc", "is_deleted"}
    check = models.CheckConstraint(
        condition=Q(name__gt=F("uscc")) | Q(village_id__isnull=True), name="b"
    )
    assert _constraint_fields(Enterprise, check) == {"name", "uscc", "village"}
    by_expression = models.UniqueConstraint(Lower("name"), "town", name="c")
    assert _constraint_fields(Enterprise, by_expression) == {"name", "town"}
