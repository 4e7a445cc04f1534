"""Registered surfaces of the land module (list, detail, forms, import/export, nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.land.forms import (
    CAMPAIGN_FIELDS,
    HEARING_FIELDS,
    CampaignForm,
    DisputeForm,
    HearingForm,
)
from zhenwu.land.ledgers import HouseholdLedger, ParcelLedger, SocialSecurityLedger
from zhenwu.land.models import (
    Campaign,
    Dispute,
    Hearing,
    Household,
    HousePrice,
    LandPriceZone,
    Parcel,
    SocialSecurityEntry,
)

campaign_resource = register(
    Resource(
        model=Campaign,
        key="campaigns",
        list_columns=[
            "name",
            "project",
            "approval_no",
            "target_mu",
            "target_households",
            "start_date",
            "handover_deadline",
            "handed_over_on",
            "leader",
        ],
        search_fields=["name", "approval_no", "scope"],
        form_fields=CAMPAIGN_FIELDS,
        select_related=["project", "investment", "leader"],
        default_sort="-handover_deadline",
        form_class=CampaignForm,
        nav=NavItem("economy", _("征收任务"), "land:campaign_list", "signpost-split", 41),
        detail_template="land/partials/campaign_detail.html",
    )
)

PARCEL_FIELDS = [
    "campaign",
    "number",
    "village",
    "group",
    "contractor_name",
    "contractor_id",
    "location",
    "area_m2",
    "area_mu",
    "land_type",
    "basic_farmland",
    "price_zone",
    "land_comp",
    "resettlement_comp",
    "crop_comp",
    "attachment_comp",
    "override_reason",
    "registered_on",
    "agreed_on",
    "payment_status",
    "paid_amount",
    "handed_over_on",
    "cadre",
    "lon",
    "lat",
]

parcel_resource = register(
    Resource(
        model=Parcel,
        key="parcels",
        list_columns=[
            "number",
            "campaign",
            "village",
            "contractor_name",
            "contractor_id",
            "area_mu",
            "land_type",
            "payment_status",
            "handed_over_on",
            "cadre",
        ],
        search_fields=["number", "contractor_name", "location"],
        filter_fields=["campaign", "village", "land_type", "payment_status", "basic_farmland"],
        form_fields=PARCEL_FIELDS,
        detail_fields=[*PARCEL_FIELDS, "total_comp"],
        select_related=["campaign", "village", "cadre"],
        personal_fields=("contractor_id",),
        default_sort="number",
        ledger=ParcelLedger,
        nav=NavItem("economy", _("地块"), "land:parcel_list", "bounding-box", 42),
    )
)

HOUSEHOLD_FIELDS = [
    "campaign",
    "number",
    "village",
    "group",
    "head_name",
    "head_id",
    "phone",
    "members",
    "homestead_m2",
    "structure",
    "floors",
    "area_certified",
    "area_uncertified",
    "year_built",
    "appraiser",
    "appraised_value",
    "resettlement",
    "house_comp",
    "decoration_comp",
    "attachment_comp",
    "moving_fee",
    "transition_fee",
    "reward",
    "override_reason",
    "paid_amount",
    "surveyed_on",
    "appraised_on",
    "publicized_on",
    "signed_on",
    "vacated_on",
    "demolished_on",
    "settled_on",
    "cadre",
    "lon",
    "lat",
]

household_resource = register(
    Resource(
        model=Household,
        key="households",
        list_columns=[
            "record_label",
            "head_id",
            "campaign",
            "village",
            "stage",
            "dispute_flag",
            "members",
            "cadre",
        ],
        search_fields=["number", "head_name"],
        filter_fields=["campaign", "village", "stage", "cadre", "structure", "resettlement"],
        form_fields=HOUSEHOLD_FIELDS,
        detail_fields=[*HOUSEHOLD_FIELDS, "stage", "total_comp"],
        select_related=["campaign", "village", "cadre"],
        personal_fields=("head_id", "phone"),
        default_sort="number",
        ledger=HouseholdLedger,
        nav=NavItem("economy", _("被征收户"), "land:household_list", "house", 43),
        detail_template="land/partials/household_detail.html",
        # 「002 罗春生」 once, as the title; then where the household stands and who answers
        # for it (the masked ID stays in the table and on the record).
        card_title="record_label",
        card_status="stage",
        card_fields=["campaign", "village", "cadre", "dispute_flag"],
    )
)

dispute_resource = register(
    Resource(
        model=Dispute,
        key="disputes",
        list_columns=["record_label", "kind", "raised_on", "status", "resolved_on"],
        search_fields=["summary", "household__head_name", "household__number"],
        filter_fields=["kind", "status"],
        form_fields=[
            "household",
            "kind",
            "raised_on",
            "summary",
            "status",
            "resolved_on",
            "resolution",
        ],
        select_related=["household", "household__village"],
        default_sort="-raised_on",
        form_class=DisputeForm,
        nav=NavItem("economy", _("矛盾纠纷"), "land:dispute_list", "exclamation-triangle", 44),
        detail_template="land/partials/dispute_detail.html",
    )
)

hearing_resource = register(
    Resource(
        model=Hearing,
        key="hearings",
        list_columns=[
            "record_label",
            "village",
            "applicant",
            "requested_on",
            "held_on",
            "status",
        ],
        search_fields=["applicant", "outcome", "household__head_name"],
        filter_fields=["campaign", "village"],
        form_fields=HEARING_FIELDS,
        detail_fields=[*HEARING_FIELDS, "status"],
        select_related=["campaign", "village", "household"],
        default_sort="-requested_on",
        form_class=HearingForm,
        nav=NavItem("economy", _("听证"), "land:hearing_list", "megaphone", 45),
    )
)

SOCIAL_FIELDS = ["campaign", "household", "name", "id_number", "per_capita_mu", "status"]

social_security_resource = register(
    Resource(
        model=SocialSecurityEntry,
        key="social-security",
        list_columns=[
            "record_label",
            "id_number",
            "campaign",
            "age_group",
            "per_capita_mu",
            "status",
        ],
        search_fields=["name", "household__number", "household__head_name"],
        filter_fields=["campaign", "status", "age_group"],
        form_fields=SOCIAL_FIELDS,
        detail_fields=[*SOCIAL_FIELDS, "age_group"],
        select_related=["campaign", "household", "household__village"],
        personal_fields=("id_number",),
        default_sort="household",
        ledger=SocialSecurityLedger,
        nav=NavItem("economy", _("社保名单"), "land:socialsecurityentry_list", "people", 46),
    )
)

landprice_resource = register(
    Resource(
        model=LandPriceZone,
        key="land-prices",
        list_columns=[
            "record_label",
            "grade",
            "price_yuan_per_mu",
            "land_comp_ratio",
            "resettlement_ratio",
            "effective_from",
            "doc_no",
        ],
        search_fields=["zone_code", "doc_no"],
        form_fields=[
            "zone_code",
            "grade",
            "county",
            "price_yuan_per_mu",
            "land_comp_ratio",
            "resettlement_ratio",
            "effective_from",
            "doc_no",
        ],
        default_sort="zone_code",
        nav=NavItem("economy", _("区片综合地价"), "land:landpricezone_list", "cash-coin", 47),
    )
)

houseprice_resource = register(
    Resource(
        model=HousePrice,
        key="house-prices",
        list_columns=[
            "record_label",
            "price_yuan_per_m2",
            "uncertified_pct",
            "effective_from",
            "doc_no",
        ],
        search_fields=["doc_no"],
        form_fields=[
            "structure",
            "price_yuan_per_m2",
            "uncertified_pct",
            "effective_from",
            "doc_no",
        ],
        default_sort="structure",
        nav=NavItem("economy", _("房屋补偿标准"), "land:houseprice_list", "building", 48),
    )
)

register_nav(NavItem("economy", _("双征进度"), "land:dashboard", "speedometer2", 40))
