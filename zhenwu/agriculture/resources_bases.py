"""强特色 resources: bases, their seasons, and the town's crops and sales channels (lists the
agriculture clerk extends on the pages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhenwu.agriculture.forms_bases import BASE_FIELDS, SEASON_FIELDS, BaseForm, SeasonForm
from zhenwu.agriculture.ledgers_bases import BaseLedger
from zhenwu.agriculture.models import Base, Crop, SalesChannel, Season
from zhenwu.core.registry import NavItem, Resource, register, register_nav

base_resource = register(
    Resource(
        model=Base,
        key="bases",
        list_columns=[
            "name",
            "crop",
            "planting_mode",
            "area_mu",
            "village",
            "operator",
            "start_year",
            "investment",
        ],
        search_fields=["name", "operator_name", "enterprise__name", "planting_mode"],
        filter_fields=["crop", "village", "operator_kind"],
        form_fields=BASE_FIELDS,
        detail_fields=[
            "name",
            "crop",
            "planting_mode",
            "area_mu",
            "village",
            "other_villages",
            "operator_kind",
            "operator",
            "start_year",
            "investment",
            "lat",
            "lng",
            "outline",
            "warning",
            "note",
        ],
        select_related=["crop", "village", "enterprise"],
        default_sort="name",
        ledger=BaseLedger,
        form_class=BaseForm,
        nav=NavItem("agri", _("农业基地"), "agriculture:base_list", "flower1", 51),
        detail_template="agriculture/bases/base_detail.html",
    )
)

season_resource = register(
    Resource(
        model=Season,
        key="seasons",
        list_columns=[
            "record_label",
            "base",
            "planted_area_mu",
            "planting_date",
            "harvest_end",
            "output_kg",
            "output_value",
            "jobs_created",
        ],
        search_fields=["label", "base__name"],
        filter_fields=["base", "year"],
        form_fields=SEASON_FIELDS,
        detail_fields=[
            "base",
            "label",
            "year",
            "planted_area_mu",
            "planting_date",
            "harvest_start",
            "harvest_end",
            "output_amount",
            "output_unit",
            "output_kg",
            "output_value",
            "sales_channels",
            "jobs_created",
            "workers",
            "note",
        ],
        select_related=["base", "base__village"],
        default_sort="-planting_date",
        form_class=SeasonForm,
        nav=NavItem("agri", _("基地生产季"), "agriculture:season_list", "basket", 52),
    )
)

crop_resource = register(
    Resource(
        model=Crop,
        key="crops",
        list_columns=["name", "order", "note"],
        search_fields=["name"],
        form_fields=["name", "order", "note"],
        default_sort="order",
        nav=NavItem("agri", _("作物品种"), "agriculture:crop_list", "tags", 58),
    )
)

channel_resource = register(
    Resource(
        model=SalesChannel,
        key="sales-channels",
        list_columns=["name", "order"],
        search_fields=["name"],
        form_fields=["name", "order"],
        default_sort="order",
        nav=NavItem("agri", _("销售渠道"), "agriculture:saleschannel_list", "shop", 59),
    )
)

register_nav(NavItem("agri", _("强特色看板"), "agriculture:bases_dashboard", "bar-chart-line", 50))
