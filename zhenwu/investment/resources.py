"""The 招商项目 resource: list, detail, create/edit/delete, Excel import/export (registry)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.investment.forms import FORM_FIELDS, InvestmentFilterSet, InvestmentForm
from zhenwu.investment.ledgers import InvestmentLedger
from zhenwu.investment.models import Investment, InvestmentSettings

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
        nav=NavItem("economy", _("招商项目"), "investment:investment_list", "briefcase", 10),
        # On a phone: the project by name, its warnings (久未跟进, 超时限未开工) first.
        card_title="name",
        card_fields=["flags_text", "village", "leader", "code"],
        detail_template="investment/partials/investment_detail.html",
        list_template="investment/investment_list.html",
    )
)

register_nav(NavItem("economy", _("招商看板"), "investment:kanban", "kanban", 11))


SETTINGS_FIELDS = ["overdue_start_months", "stale_days"]


def _range_field(field_name: str, low: int, high: int, message: str):
    model_field = InvestmentSettings._meta.get_field(field_name)
    return forms.IntegerField(
        label=model_field.verbose_name,
        help_text=model_field.help_text,
        initial=model_field.default,
        min_value=low,
        max_value=high,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": "请填写整数",
            "required": "此项为必填项",
        },
    )


class InvestmentSettingsForm(ResourceForm):
    """Per-town thresholds; out-of-range values get the model's Chinese message."""

    overdue_start_months = _range_field("overdue_start_months", 1, 60, "签约后月数应在1—60之间")
    stale_days = _range_field("stale_days", 1, 365, "久未跟进天数应在1—365之间")

    class Meta:
        model = InvestmentSettings
        fields = SETTINGS_FIELDS


settings_resource = register(
    Resource(
        model=InvestmentSettings,
        key="investment-settings",
        list_columns=["record_label", *SETTINGS_FIELDS, "updated_at"],
        form_fields=SETTINGS_FIELDS,
        detail_fields=["town", *SETTINGS_FIELDS, "updated_at"],
        select_related=["town"],
        form_class=InvestmentSettingsForm,
        nav=NavItem(
            "admin", _("招商引资设置"), "investment:investmentsettings_list", "sliders", 52
        ),
    )
)
