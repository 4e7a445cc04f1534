"""Forms of the 招商引资 pages: the project form (through the domain services), the stage move,
funds entries and follow-ups, and the list filters (stage/type/origin/village/leader + flags)."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping
from zhenwu.core.forms import ResourceForm
from zhenwu.core.idnumbers import validate_uscc
from zhenwu.core.models import User, Village
from zhenwu.investment import rules, services
from zhenwu.investment.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Investment,
    InvestmentSettings,
    Nature,
    Origin,
    ProjectType,
    Stage,
)

FORM_FIELDS = [
    "code",
    "name",
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
    "stage",
    "lead_on",
    "negotiating_on",
    "signed_on",
    "started_on",
    "completed_on",
    "producing_on",
    "signing_type",
    "signing_event",
    "planned_start_on",
    "planned_production_on",
    "problems",
    "note",
]

DATE_FIELDS = [
    "lead_on",
    "negotiating_on",
    "signed_on",
    "started_on",
    "completed_on",
    "producing_on",
    "planned_start_on",
    "planned_production_on",
]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvestmentForm(ResourceForm):
    class Meta:
        model = Investment
        fields = FORM_FIELDS
        widgets = {
            **{name: _date_widget() for name in DATE_FIELDS},
            "problems": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        if self.instance.pk:
            # The stage moves only through 推进阶段 (order checked, event recorded).
            stage.disabled = True
            stage.help_text = _("请在详情页或看板上「推进阶段」")
            if self.instance.stage in STAGE_ORDER:
                later = STAGE_ORDER[STAGE_ORDER.index(self.instance.stage) + 1 :]
                for s in later:
                    self.fields.pop(STAGE_DATE_FIELD[s], None)
        else:
            stage.choices = [c for c in Stage.choices if c[0] != Stage.TERMINATED]
            stage.help_text = _("新登记项目的当前阶段；请同时填写该阶段的日期")
        if "original" in self.fields:
            field = self.fields["original"]
            field.queryset = field.queryset.exclude(nature=Nature.CAPITAL_INCREASE)
            if self.instance.pk:
                field.queryset = field.queryset.exclude(pk=self.instance.pk)

    def clean_investor_uscc(self):
        value = (self.cleaned_data.get("investor_uscc") or "").strip()
        if not value:
            return ""
        result = validate_uscc(value)
        if not result.valid:
            raise forms.ValidationError("；".join(result.errors))
        self.warnings.extend(f"投资方统一社会信用代码：{w}" for w in result.warnings)
        return result.normalized

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        town_id = self.instance.town_id if self.instance.pk else getattr(self.user, "town_id", None)
        clash = Investment.objects.filter(town_id=town_id, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        other = clash.first()
        if code and other is not None:
            raise forms.ValidationError(scoping.taken_message(self.user, "项目编号", code, other))
        return code

    def save_via_service(self, acting_user):
        data = {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }
        if self.instance.pk:
            data.pop("stage", None)
            fresh = Investment.objects.get(pk=self.instance.pk)
            return services.update_investment(
                fresh,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        return services.create_investment(town=self.town(), data=data, acting_user=acting_user)


def next_stage_choices(investment: Investment) -> list[tuple[str, str]]:
    """The stages a project may move to: any later live stage, or 终止."""
    if investment.stage == Stage.TERMINATED:
        return []
    index = STAGE_ORDER.index(investment.stage)
    return [(s, Stage(s).label) for s in STAGE_ORDER[index + 1 :]] + [
        (Stage.TERMINATED, Stage.TERMINATED.label)
    ]


class MoveStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("推进到"), choices=Stage.choices)
    date = forms.DateField(label=_("日期"), required=False, widget=_date_widget())
    reason = forms.CharField(label=_("终止原因"), required=False, max_length=500)

    def __init__(self, *args, investment: Investment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if investment is not None:
            self.fields["stage"].choices = next_stage_choices(investment)
        self.fields["date"].initial = timezone.localdate()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")


class FundsForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": "月份格式应为 2025-03"},
    )
    amount_wan = forms.DecimalField(
        label=_("实际到位资金（万元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={"min_value": "实际到位资金不能为负数"},
    )
    out_of_province_wan = forms.DecimalField(
        label=_("其中省外资金（万元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={"min_value": "省外资金不能为负数"},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class FollowUpForm(forms.Form):
    on_date = forms.DateField(label=_("跟进日期"), widget=_date_widget())
    note = forms.CharField(
        label=_("跟进情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_on = forms.DateField(label=_("下次跟进日期"), required=False, widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


# --- list filters ------------------------------------------------------------------------------

FLAG_CHOICES = [
    ("above_100m", _("亿元以上")),
    *[
        (f"band:{label}", format_lazy(_("规模 {}亿"), label.removesuffix("亿")))
        for label in rules.SIZE_BAND_LABELS
    ],
    ("industrial", _("工业项目")),
    ("new_this_year", _("当年新签约")),
    ("overdue_start", _("超时限未开工")),
    ("stale", _("久未跟进")),
    ("capital_increase", _("增资项目")),
]

_SELECT = {"class": "form-select form-select-sm"}


def _town_settings(queryset):
    """{town_id: InvestmentSettings} for the towns of a queryset (one query)."""
    rows = InvestmentSettings.objects.filter(town__in=queryset.values("town"))
    return {row.town_id: row for row in rows}


def _per_town(queryset, build) -> Q:
    """OR of `build(months_or_days_setting_row)` per town, the defaults for other towns."""
    table = _town_settings(queryset)
    cond = Q()
    for town_id, row in table.items():
        cond |= Q(town_id=town_id) & build(row)
    cond |= ~Q(town_id__in=list(table)) & build(None)
    return cond


def flag_condition(flag: str, queryset, today: date) -> Q:
    if flag == "above_100m":
        return Q(planned_total_wan__gte=rules.HUNDRED_MILLION_WAN)
    if flag.startswith("band:"):
        low, high = rules.size_band_bounds(flag.removeprefix("band:"))
        cond = Q(planned_total_wan__gte=low)
        return cond & Q(planned_total_wan__lt=high) if high is not None else cond
    if flag == "industrial":
        return Q(project_type=ProjectType.INDUSTRIAL)
    if flag == "capital_increase":
        return Q(nature=Nature.CAPITAL_INCREASE)
    if flag == "new_this_year":
        return Q(signed_on__year=today.year) & ~Q(nature=Nature.CAPITAL_INCREASE)
    if flag == "overdue_start":

        def build(row):
            months = row.overdue_start_months if row else rules.DEFAULT_OVERDUE_START_MONTHS
            return Q(signed_on__lt=rules.overdue_start_cutoff(today, months))

        live = ~Q(stage=Stage.TERMINATED) & (Q(started_on__isnull=True) | Q(started_on__gt=today))
        return live & _per_town(queryset, build)
    if flag == "stale":
        from datetime import timedelta

        def build(row):
            days = row.stale_days if row else rules.DEFAULT_STALE_DAYS
            limit = today - timedelta(days=days)
            no_follow_up = Q(last_follow_up_on__isnull=True)
            by_stage = Q()
            for s in rules.FOLLOW_UP_STAGES:
                by_stage |= Q(stage=s, **{f"{STAGE_DATE_FIELD[s]}__lt": limit})
            return Q(last_follow_up_on__lt=limit) | (no_follow_up & by_stage)

        return Q(stage__in=rules.FOLLOW_UP_STAGES) & _per_town(queryset, build)
    return Q()


class InvestmentFilterSet(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        label=_("阶段"),
        choices=Stage.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=_SELECT),
    )
    project_type = django_filters.ChoiceFilter(
        label=_("项目类型"),
        choices=ProjectType.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=_SELECT),
    )
    investor_origin = django_filters.ChoiceFilter(
        label=_("来源地"),
        choices=Origin.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=_SELECT),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("所在村"),
        queryset=Village.objects.none(),
        empty_label=_("全部"),
        widget=forms.Select(attrs=_SELECT),
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("包保领导"),
        queryset=User.objects.none(),
        empty_label=_("全部"),
        widget=forms.Select(attrs=_SELECT),
    )
    year = django_filters.NumberFilter(
        label=_("签约年度"),
        field_name="signed_on",
        lookup_expr="year",
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("如 2025")}
        ),
    )
    flag = django_filters.ChoiceFilter(
        label=_("标记"),
        choices=FLAG_CHOICES,
        empty_label=_("全部"),
        method="filter_flag",
        widget=forms.Select(attrs=_SELECT),
    )

    class Meta:
        model = Investment
        fields = ["stage", "project_type", "investor_origin", "village", "leader", "year", "flag"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # Choices come from the rows the user may see (already scoped by `restrict`).
        base = self.queryset
        self.filters["village"].queryset = Village.objects.filter(
            pk__in=base.values("village")
        ).order_by("order", "pk")
        self.filters["leader"].queryset = User.objects.filter(pk__in=base.values("leader"))

    def filter_flag(self, queryset, name, value):
        if not value:
            return queryset
        if value == "stale" and "last_follow_up_on" not in queryset.query.annotations:
            from zhenwu.investment.selectors import with_flags

            queryset = with_flags(queryset)
        return queryset.filter(flag_condition(value, queryset, timezone.localdate()))
