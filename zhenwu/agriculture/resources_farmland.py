"""守粮安 resources: plots, field chiefs, patrols, findings (with the 整改 panel)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhenwu.agriculture.models.farmland import (
    FarmlandSetting,
    FieldChief,
    Patrol,
    PatrolFinding,
    Plot,
)
from zhenwu.core.registry import NavItem, Resource, register, register_nav

plot_resource = register(
    Resource(
        model=Plot,
        key="plots",
        list_columns=["code", "name", "village", "area_mu", "is_permanent_basic", "land_type"],
        search_fields=["code", "name", "note"],
        filter_fields=["village", "is_permanent_basic", "land_type"],
        form_fields=[
            "code",
            "name",
            "village",
            "area_mu",
            "is_permanent_basic",
            "land_type",
            "lat",
            "lng",
            "outline",
            "note",
        ],
        select_related=["village"],
        default_sort="code",
        nav=NavItem("agri", _("耕地图斑"), "agriculture:plot_list", "map", 40),
        detail_template="agriculture/farmland/plot_detail_extra.html",
        card_title="code",
    )
)

chief_resource = register(
    Resource(
        model=FieldChief,
        key="field-chiefs",
        list_columns=["user", "level", "grid", "is_active"],
        search_fields=["user__first_name", "user__username", "grid"],
        filter_fields=["level", "is_active"],
        form_fields=["user", "level", "villages", "plots", "grid", "is_active"],
        select_related=["user"],
        default_sort="level",
        nav=NavItem("agri", _("田长"), "agriculture:fieldchief_list", "person-badge", 41),
        detail_template="agriculture/farmland/chief_detail_extra.html",
        card_title="user",
    )
)

patrol_resource = register(
    Resource(
        model=Patrol,
        key="patrols",
        list_columns=["patrolled_on", "village", "patroller", "level", "note"],
        search_fields=["note"],
        filter_fields=["village", "level"],
        form_fields=["note"],
        detail_fields=["patrolled_on", "village", "patroller", "level", "plots", "note"],
        select_related=["village", "patroller"],
        prefetch_related=["plots"],
        default_sort="-patrolled_on",
        can_create=False,
        nav=NavItem("agri", _("巡田记录"), "agriculture:patrol_list", "signpost", 42),
        detail_template="agriculture/farmland/patrol_detail_extra.html",
        card_title="patrolled_on",
    )
)

finding_resource = register(
    Resource(
        model=PatrolFinding,
        key="farmland-findings",
        list_columns=[
            "village",
            "plot",
            "category",
            "found_on",
            "deadline",
            "status",
            "is_recurrence",
        ],
        search_fields=["note", "plot__code"],
        filter_fields=["village", "status", "is_recurrence"],
        form_fields=["note", "area_mu", "action"],
        detail_fields=[
            "patrol",
            "village",
            "plot",
            "category",
            "area_mu",
            "action",
            "note",
            "found_on",
            "is_recurrence",
            "recurrence_of",
            "status",
            "deadline",
            "responsible",
            "rectified_at",
            "rectification_note",
            "accepted_at",
            "accepted_by",
            "return_note",
        ],
        select_related=["village", "plot", "patrol"],
        default_sort="-found_on",
        can_create=False,
        nav=NavItem(
            "agri", _("耕地问题整改"), "agriculture:patrolfinding_list", "clipboard2-check", 43
        ),
        detail_template="agriculture/farmland/finding_detail_extra.html",
        card_title="category",
        card_status="status",
    )
)

setting_resource = register(
    Resource(
        model=FarmlandSetting,
        key="farmland-settings",
        select_related=["town"],
        list_columns=[
            "record_label",
            "grid_interval_days",
            "village_interval_days",
            "town_interval_days",
            "recurrence_window_days",
        ],
        form_fields=[
            "grid_interval_days",
            "village_interval_days",
            "town_interval_days",
            "deadline_overrides",
            "recurrence_window_days",
        ],
        can_create=False,
        card_title="record_label",
    )
)

register_nav(NavItem("agri", _("我的田块"), "agriculture:my_plots", "geo", 44))


def _may_record_patrols(user) -> bool:
    from zhenwu.agriculture.services_farmland import may_record_patrols

    return may_record_patrols(user)


register_nav(
    NavItem(
        "agri",
        _("记录巡田"),
        "agriculture:patrol_record",
        "plus-circle",
        45,
        visible=_may_record_patrols,
    )
)


def _register_job():
    from zhenwu.agriculture import services_farmland
    from zhenwu.core.scheduler import register_job

    register_job(
        "agriculture.escalate_overdue",
        "守粮安：逾期未整改的耕地问题上报分管领导",
        services_farmland.escalate_overdue,
    )


_register_job()
