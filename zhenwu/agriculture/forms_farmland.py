"""The patrol form of 守粮安: a field chief on a phone records the patrol (date, village, plots,
GPS track, photos) and, if they found one, a problem on one of the plots with its photo."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.agriculture.models.farmland import Plot
from zhenwu.core.forms import blank_choice_label
from zhenwu.core.models import Village


class PatrolForm(forms.Form):
    patrolled_on = forms.DateField(
        label=_("巡田日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    village = forms.ModelChoiceField(label=_("村（社区）"), queryset=Village.objects.none())
    plots = forms.ModelMultipleChoiceField(
        label=_("巡查图斑"), queryset=Plot.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    gps_points = forms.CharField(
        label=_("GPS轨迹"), required=False, widget=forms.HiddenInput(attrs={"data-gps-track": "1"})
    )
    note = forms.CharField(
        label=_("巡田情况"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    finding_plot = forms.ModelChoiceField(
        label=_("发现问题的图斑"), queryset=Plot.objects.none(), required=False
    )
    finding_category = forms.ChoiceField(
        label=_("问题类型"),
        choices=[("", _("（未发现问题）")), *rules.CATEGORY_CHOICES],
        required=False,
    )
    finding_action = forms.ChoiceField(label=_("处置方式"), choices=rules.ACTIONS, initial="report")
    finding_area_mu = forms.DecimalField(
        label=_("涉及面积（亩）"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    finding_note = forms.CharField(label=_("问题描述"), required=False, max_length=300)

    def __init__(self, *args, villages, plots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["plots"].queryset = plots
        self.fields["finding_plot"].queryset = plots
        self.fields["plots"].label_from_instance = _plot_label
        self.fields["finding_plot"].label_from_instance = _plot_label
        self.fields["patrolled_on"].initial = timezone.localdate()
        for name, field in self.fields.items():
            blank_choice_label(field)  # （请选择）, not Django's "---------"
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css
            widget.attrs["data-testid"] = f"patrol-{name.replace('_', '-')}"

    def clean(self):
        data = super().clean()
        plot, category = data.get("finding_plot"), data.get("finding_category")
        if category and not plot:
            self.add_error("finding_plot", "登记问题请选择发现问题的图斑。")
        if plot and not category:
            self.add_error("finding_category", "请选择问题类型。")
        return data


def _plot_label(plot):
    tags = f"{plot.area_mu:g}亩"
    if plot.is_permanent_basic:
        tags += "·永农"
    return f"{plot.village.name} {plot.code}{(' ' + plot.name) if plot.name else ''}（{tags}）"
