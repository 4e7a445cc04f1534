"""The 招商项目 resource: list, detail, create/edit/delete, Excel import/export (registry)."""

from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.investment.forms import FORM_FIELDS, InvestmentFilterSet, InvestmentForm
from zhenwu.investment.ledgers import InvestmentLedger
from zhenwu.investment.models import Investment

DETAIL_FIELDS = [
    "code",
    "name",
    "stage",
    "flags_text",
    "size_band",
    "days_in_stage",
    "investor_name",
    "investor_uscc",
    "investor_origin",
    "industry_code",
    "industry_chain",
    "project_type",
    "nature",
    "original",
    "planned_total_wan",
    "fixed_asset_wan",
    "land_mu",
    "site",
    "village",
    "leader",
    "department",
    "contact_name",
    "contact_phone",
    "source",
    "lead_on",
    "negotiating_on",
    "signed_on",
    "started_on",
    "completed_on",
    "producing_on",
    "terminated_on",
    "termination_reason",
    "signing_type",
    "signing_event",
    "planned_start_on",
    "planned_production_on",
    "problems",
    "note",
]

investment_resource = register(
    Resource(
        model=Investment,
        key="investments",
        list_columns=[
            "code",
            "name",
            "stage",
            "project_type",
            "planned_total_wan",
            "village",
            "leader",
            "signed_on",
            "started_on",
            "flags_text",
        ],
        search_fields=["code", "name", "investor_name", "site", "industry_chain"],
        filter_fields=["stage", "project_type", "investor_origin", "village", "leader"],
        form_fields=FORM_FIELDS,
        detail_fields=DETAIL_FIELDS,
        select_related=["village", "leader", "department", "original"],
        default_sort="-signed_on",
        sortable=["code", "name", "stage", "planned_total_wan", "signed_on", "started_on"],
        ledger=InvestmentLedger,
        form_class=InvestmentForm,
        filterset_class=InvestmentFilterSet,
        personal_fields=("contact_phone",),
        nav=NavItem("economy", "招商项目", "investment:investment_list", "briefcase", 10),
        detail_template="investment/partials/investment_detail.html",
        list_template="investment/investment_list.html",
    )
)

register_nav(NavItem("economy", "招商看板", "investment:kanban", "kanban", 11))
