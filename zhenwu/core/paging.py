"""Pages of a wide table whose filter the database cannot walk in order: keys first.

The change log is the case. Its visibility filter (`core/changelog_read.py`) is an OR of one
condition per model, so the database gathers every matching entry through several indexes and
sorts them by time — and with a plain `LIMIT` it carries each entry's whole row (the JSON
snapshots before and after) through that sort. Asking for the page's keys first sorts only
(time, id) pairs; the page's rows are then read by primary key:

    SELECT … FROM core_objectchange WHERE id IN (SELECT id … WHERE <visibility> ORDER BY … LIMIT 50)

One query either way, the same rows in the same order (on the demo's 11,000 entries: 66 ms →
23 ms on SQLite). `KeysFirstPaginator` does it for pages, `keys_first()` for the API.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


def keys_first(sliced: QuerySet) -> QuerySet:
    """The rows of a sliced queryset, read by primary key from a subquery of its keys."""
    if not isinstance(sliced, QuerySet) or not sliced.query.is_sliced:
        return sliced
    model = sliced.model
    ordering = sliced.query.order_by or model._meta.ordering or ("pk",)
    rows = model._base_manager.filter(pk__in=sliced.values("pk")).order_by(*ordering)
    rows.query.select_related = sliced.query.select_related
    return rows


class KeysFirstPaginator(Paginator):
    """`Paginator` whose pages are read with `keys_first()`."""

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(keys_first(object_list), number, paginator)
