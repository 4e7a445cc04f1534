"""Registered surfaces of the enterprise module (list, detail, forms, import/export, nav)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.enterprises.forms import EnterpriseForm, MonthlyFigureForm
from zhenwu.enterprises.ledgers import EnterpriseLedger, MonthlyFigureLedger
from zhenwu.enterprises.models import Enterprise, MonthlyFigure, PoolSetting, ThresholdRule

enterprise_resource = register(
    Resource(
        model=Enterprise,
        key="enterprises",
        list_columns=[
            "name",
            "uscc",
            "industry_code",
            "village",
            "qualification",
            "is_waterproofing",
            "cadre",
            "entry_status",
            "approved_on",
        ],
        search_fields=["name", "uscc", "industry_code", "legal_rep", "address"],
        filter_fields=[
            "village",
            "entry_status",
            "entry_route",
            "is_waterproofing",
            "qualification",
        ],
        form_fields=[],
        detail_fields=[
            "name",
            "uscc",
            "industry_code",
            "address",
            "village",
            "legal_rep",
            "contact_name",
            "contact_phone",
            "qualification",
            "is_waterproofing",
            "platform_joined_on",
            "cadre",
            "entry_route",
            "entry_status",
            "status_since",
            "approved_on",
            "note",
        ],
        select_related=["village", "cadre"],
        default_sort="name",
        ledger=EnterpriseLedger,
        form_class=EnterpriseForm,
        personal_fields=("contact_phone",),
        nav=NavItem("economy", _("企业名录"), "enterprises:enterprise_list", "building", 20),
        # On a phone: the firm's trade, village and 包保干部 (the 18-character USCC and the
        # 建筑业资质, 「无」 for most firms, stay in the table).
        card_fields=["industry_code", "village", "cadre", "approved_on"],
        detail_template="enterprises/partials/enterprise_detail.html",
        list_template="enterprises/enterprise_list.html",
    )
)

monthly_figure_resource = register(
    Resource(
        model=MonthlyFigure,
        key="monthly-figures",
        list_columns=[
            "record_label",
            "enterprise",
            "month",
            "revenue",
            "main_revenue",
            "output_value",
            "employees",
            "taxes",
        ],
        search_fields=["enterprise__name", "enterprise__uscc"],
        filter_fields=["enterprise", "month"],
        form_fields=[
            "enterprise",
            "month",
            "revenue",
            "main_revenue",
            "output_value",
            "employees",
            "taxes",
        ],
        select_related=["enterprise", "enterprise__village"],
        default_sort="-month",
        ledger=MonthlyFigureLedger,
        form_class=MonthlyFigureForm,
        nav=NavItem("economy", _("月度经营数据"), "enterprises:monthlyfigure_list", "table", 22),
    )
)

RULE_FIELDS = [
    "category",
    "label",
    "tier",
    "scope",
    "metric",
    "min_value_wan",
    "effective_from",
    "effective_to",
    "source_url",
    "note",
]


def _rule_formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ThresholdRuleForm(ResourceForm):
    class Meta:
        model = ThresholdRule
        fields = RULE_FIELDS
        formfield_callback = _rule_formfield


threshold_rule_resource = register(
    Resource(
        model=ThresholdRule,
        key="rules",
        list_columns=[
            "label",
            "tier",
            "scope",
            "metric",
            "min_value_wan",
            "effective_from",
            "effective_to",
        ],
        search_fields=["label", "scope"],
        filter_fields=["category", "metric"],
        form_fields=RULE_FIELDS,
        form_class=ThresholdRuleForm,
        default_sort="category",
        nav=NavItem("admin", _("四上入库标准"), "enterprises:thresholdrule_list", "rulers", 50),
    )
)


class PoolSettingForm(ResourceForm):
    class Meta:
        model = PoolSetting
        fields = ["pool_share", "monthly_deadline_day", "annual_batches"]


pool_setting_resource = register(
    Resource(
        model=PoolSetting,
        key="pool-settings",
        list_columns=["pool_share", "monthly_deadline_day", "annual_batches"],
        form_fields=["pool_share", "monthly_deadline_day", "annual_batches"],
        form_class=PoolSettingForm,
        nav=NavItem("admin", _("培育库设置"), "enterprises:poolsetting_list", "sliders", 51),
    )
)

register_nav(NavItem("economy", _("四上培育库"), "enterprises:pool", "graph-up-arrow", 21))
