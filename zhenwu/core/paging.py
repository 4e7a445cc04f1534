"""Pages of a wide table whose filter the database cannot walk in order: keys first.

The change log is the case. Its visibility filter (`core/changelog_read.py`) is an OR of one
condition per model, so the database gathers every matching entry through several indexes and
sorts them by time — and with a plain `LIMIT` it carries each entry's whole row (the JSON
snapshots before and after) through that sort. Asking for the page's keys first sorts only
(time, id) pairs; the page's rows are then read by primary key:

    SELECT … FROM core_objectchange WHERE id IN (SELECT id … WHERE <visibility> ORDER BY … LIMIT 50)

One query either way, the same rows in the same order (on the demo's 11,000 entries: 66 ms →
23 ms on SQLite).

A page also needs the number of entries in all, and a separate `COUNT(*)` evaluates the whole
filter a second time — and the ORM builds and compiles it a second time, one subquery per
model: most of a village cadre's page. `page_keys()` asks for the page's keys and the total in
one query (`COUNT(*) OVER ()`, computed before the `LIMIT`); `rows_by_key()` then reads those
rows by primary key, with no filter at all. `KeysFirstPaginator` does this for pages,
`ChangePagination` (core/api.py) for the API; a page past the end falls back to Django's
count and numbering.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window


def keys_first(sliced: QuerySet) -> QuerySet:
    """The rows of a sliced queryset, read by primary key from a subquery of its keys."""
    if not isinstance(sliced, QuerySet) or not sliced.query.is_sliced:
        return sliced
    model = sliced.model
    ordering = sliced.query.order_by or model._meta.ordering or ("pk",)
    rows = model._base_manager.filter(pk__in=sliced.values("pk")).order_by(*ordering)
    rows.query.select_related = sliced.query.select_related
    return rows


def page_keys(queryset: QuerySet, offset: int, limit: int) -> tuple[list, int | None]:
    """The keys of the rows `offset … offset + limit` of `queryset` in its order, and how many
    rows it has in all — one query. The total is None when the page is empty (past the end,
    or nothing matches): the caller then asks for the count apart."""
    counted = queryset.annotate(_page_total=Window(Count("pk")))
    rows = list(counted.values_list("pk", "_page_total")[offset : offset + limit])
    if not rows:
        return [], None
    return [pk for pk, _total in rows], rows[0][1]


def rows_by_key(queryset: QuerySet, keys: list) -> list:
    """The rows of `keys` in that order, with the queryset's related rows — read by primary
    key alone, whatever filter chose the keys."""
    found = queryset.model._base_manager.filter(pk__in=keys).order_by()
    found.query.select_related = queryset.query.select_related
    by_key = {obj.pk: obj for obj in found}
    return [by_key[pk] for pk in keys if pk in by_key]


def _page_number(number) -> int:
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


class KeysFirstPaginator(Paginator):
    """`Paginator` whose page is its keys and the total in one query (`page_keys()`), then the
    rows by key; past the end, Django's own numbering (the last page), read keys first."""

    def get_page(self, number):
        number = _page_number(number)
        if self.orphans == 0:
            offset = (number - 1) * self.per_page
            keys, total = page_keys(self.object_list, offset, self.per_page)
            if total is not None:
                self.count = total  # Django's cached count, set instead of asked
                return self._get_page(rows_by_key(self.object_list, keys), number, self)
        return super().get_page(number)

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(keys_first(object_list), number, paginator)
