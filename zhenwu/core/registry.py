"""One declaration per model gives it its whole surface (NetBox's habit): list with filter,
search, sort, pagination and export; detail with attachments, comments and change log;
create/edit/delete; Excel import and template; API (see `api_base.crud_router`).

    resource = register(Resource(model=Village, key="villages", list_columns=[...], ...))
    urlpatterns = resource.urls()

URL names are always `app:model_action` (e.g. `core:village_list`, `core:village_detail`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, path, reverse

from zhenwu.core.labels import source_text

_resources: dict[type, Resource] = {}
_by_key: dict[str, Resource] = {}


@dataclass
class NavItem:
    group: str
    label: str
    url_name: str
    icon: str = "circle"
    order: int = 100
    # A number shown beside the entry (e.g. how many to-dos wait): a function of the user.
    badge: Any = None
    # Also a button in the top bar (phones reach it without opening the menu).
    topbar: bool = False
    # Whether the entry is shown to a user (a function of the user), for an action page only
    # some roles may open — the same rule the page itself answers 404 by. None: shown to every
    # role whose menu has the module.
    visible: Any = None


@dataclass
class Resource:
    model: type
    key: str  # plural noun: URL path, ledger name for `zhenwu import/export`, API path tail
    list_columns: list[str] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    filter_fields: list[str] = field(default_factory=list)
    form_fields: list[str] = field(default_factory=list)
    detail_fields: list[str] | None = None
    select_related: list[str] = field(default_factory=list)
    prefetch_related: list[str] = field(default_factory=list)
    default_sort: str | None = None
    sortable: list[str] | None = None  # default: the list columns that are model fields
    ledger: Any = None  # core.ledgers.Ledger subclass
    form_class: Any = None
    filterset_class: Any = None
    personal_fields: tuple[str, ...] = ()  # masked unless the user may see personal numbers
    nav: NavItem | None = None
    detail_template: str | None = None  # extra block included on the detail page
    list_template: str | None = None
    can_create: bool = True
    per_page: int = 50
    # On a phone every list is a stack of cards (zhenwu/jinja2/core/object_cards.html). Name the
    # columns a card shows; each has a sensible default (see core.tables.CardLayout).
    card_title: str | None = None  # default: the first list column
    card_status: str | None = None  # default: the first list column named status/stage/light…
    card_amount: str | None = None  # default: the first list column in 万元
    card_fields: list[str] | None = None  # default: up to four of the remaining list columns
    # Who may create rows through the pages, when it is not "writers of the model's module"
    # (e.g. leaders and inspectors assign 督办 tasks): a function of the user, from services.
    add_permission: Any = None
    # Where a saved form returns (default: the record's page), e.g. a milestone → its project.
    success_url: Any = None

    def may_add(self, user) -> bool:
        from zhenwu.core import scoping

        if not self.can_create:
            return False
        if self.add_permission is not None:
            return bool(self.add_permission(user))
        return scoping.can_write_model(user, self.model)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"

    def urls(self) -> list:
        from zhenwu.core.views import generic as g

        name = self.model_name
        r = {"resource": self}
        patterns = [
            path(f"{self.key}/", g.ObjectListView.as_view(**r), name=f"{name}_list"),
            path(f"{self.key}/<int:pk>/", g.ObjectDetailView.as_view(**r), name=f"{name}_detail"),
            path(f"{self.key}/<int:pk>/edit/", g.ObjectEditView.as_view(**r), name=f"{name}_edit"),
            path(f"{self.key}/<int:pk>/delete/", g.ObjectDeleteView.as_view(**r), name=f"{name}_delete"),
            path(f"{self.key}/<int:pk>/changelog/", g.ObjectChangeLogView.as_view(**r), name=f"{name}_changelog"),
            path(f"{self.key}/export/", g.ObjectExportView.as_view(**r), name=f"{name}_export"),
        ]  # fmt: skip
        if self.can_create:
            patterns.append(
                path(f"{self.key}/add/", g.ObjectEditView.as_view(**r), name=f"{name}_add")
            )
        if self.ledger is not None:
            patterns += [
                path(f"{self.key}/import/", g.ObjectImportView.as_view(**r), name=f"{name}_import"),
                path(
                    f"{self.key}/template/",
                    g.ObjectTemplateView.as_view(**r),
                    name=f"{name}_template",
                ),
            ]
        return patterns


def register(resource: Resource) -> Resource:
    _resources[resource.model] = resource
    _by_key[resource.key] = resource
    if resource.nav is not None:
        register_nav(resource.nav)
    return resource


def resource_for(model_or_obj) -> Resource | None:
    model = model_or_obj if isinstance(model_or_obj, type) else model_or_obj.__class__
    return _resources.get(model)


def resource_by_key(key: str) -> Resource | None:
    return _by_key.get(key)


def all_resources() -> list[Resource]:
    return list(_resources.values())


def url_for(obj, action: str = "detail") -> str | None:
    resource = resource_for(obj)
    if resource is None:
        return None
    try:
        if action in ("list", "add", "export", "import", "template"):
            return reverse(resource.url_name(action))
        if not isinstance(obj.pk, int):
            return reverse(resource.url_name(action), kwargs={"pk": obj.pk})
        return _pk_url(resource.url_name(action), get_script_prefix(), _urlconf()).format(obj.pk)
    except NoReverseMatch:
        return None


_PK_MARK = 918273645546372819  # a pk no table reaches, swapped for the record's own


def plain_url(url_name: str) -> str:
    """`reverse(url_name)` of a route without arguments, reversed once per route (the menu
    links some fifty pages on every page)."""
    return _plain_url(url_name, get_script_prefix(), _urlconf())


@functools.lru_cache(maxsize=1024)
def _plain_url(url_name: str, prefix: str, urlconf: str) -> str:
    return reverse(url_name)


def _urlconf() -> str:
    from django.conf import settings

    return str(get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=1024)
def _pk_url(url_name: str, prefix: str, urlconf: str) -> str:
    """A record URL as a template, reversed once per route (a list page links every row, and
    `reverse` costs more than the rest of the cell): "/investment/investments/{}/"."""
    url = reverse(url_name, kwargs={"pk": _PK_MARK})
    head, mark, tail = url.partition(str(_PK_MARK))
    if not mark or str(_PK_MARK) in tail:
        raise NoReverseMatch(url_name)
    return (
        head.replace("{", "{{").replace("}", "}}")
        + "{}"
        + tail.replace("{", "{{").replace("}", "}}")
    )


_nav: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in _nav):
        _nav.append(item)


def nav_items() -> list[NavItem]:
    # Ties in `order` go by the label as declared, so the menu is the same in either language.
    return sorted(_nav, key=lambda i: (i.order, source_text(i.label)))
