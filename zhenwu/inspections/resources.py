"""Registered surfaces of the inspections module (list, detail, forms, nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.inspections.forms import FindingForm, RoundForm
from zhenwu.inspections.models import Finding, Round, Spot

round_resource = register(
    Resource(
        model=Round,
        key="inspections",
        list_columns=["title", "kind", "starts_at", "ends_on", "status"],
        search_fields=["title", "note"],
        filter_fields=["kind", "status"],
        form_fields=[
            "title",
            "kind",
            "starts_at",
            "ends_on",
            "checklist",
            "inspectors",
            "note",
            "revisit_from",
            "revisit_to",
        ],
        detail_fields=[
            "title",
            "kind",
            "starts_at",
            "ends_on",
            "status",
            "checklist",
            "note",
            "revisit_from",
            "revisit_to",
        ],
        select_related=["checklist"],
        default_sort="-starts_at",
        form_class=RoundForm,
        nav=NavItem("rural", _("暗访轮次"), "inspections:round_list", "binoculars", 30),
        detail_template="inspections/round_detail_extra.html",
        card_title="title",
        card_status="status",
    )
)

finding_resource = register(
    Resource(
        model=Finding,
        key="findings",
        list_columns=[
            "village",
            "item",
            "spot",
            "count",
            "deduction",
            "found_at",
            "deadline",
            "status",
            "is_recurrence",
        ],
        search_fields=["note", "item__name", "spot__name"],
        filter_fields=["village", "status", "is_recurrence", "round"],
        form_fields=["count", "note", "responsible", "deadline"],
        detail_fields=[
            "round",
            "village",
            "spot",
            "item",
            "count",
            "deduction",
            "is_recurrence",
            "note",
            "found_at",
            "lat",
            "lng",
            "inspector",
            "status",
            "deadline",
            "responsible",
            "rectified_at",
            "rectification_note",
            "accepted_at",
            "accepted_by",
            "return_note",
        ],
        select_related=["village", "item", "spot", "round"],
        default_sort="-found_at",
        form_class=FindingForm,
        can_create=False,
        nav=NavItem("rural", _("问题整改"), "inspections:finding_list", "clipboard-check", 31),
        detail_template="inspections/finding_detail_extra.html",
        card_title="item",
        card_status="status",
    )
)

spot_resource = register(
    Resource(
        model=Spot,
        key="spots",
        list_columns=["village", "name", "kind", "is_active"],
        search_fields=["name"],
        filter_fields=["village", "kind"],
        form_fields=["village", "name", "kind", "lat", "lng", "is_active"],
        select_related=["village"],
        default_sort="name",
        nav=NavItem("rural", _("检查点位"), "inspections:spot_list", "geo-alt", 33),
        card_title="name",  # the spot, then its village (the table's first column)
        card_fields=["village", "kind", "is_active"],
    )
)

register_nav(NavItem("rural", _("月度评比"), "inspections:ranking", "trophy", 32))
