"""Forms of the projects module: they parse and name the field in Chinese; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping
from zhenwu.core.forms import WIDGETS, ResourceForm
from zhenwu.projects import services
from zhenwu.projects.models import (
    FARMLAND_WORKS,
    FarmlandBuildType,
    FarmlandDetail,
    FarmlandMappingStatus,
    Milestone,
    Problem,
    Project,
    WeeklyReport,
)

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _date_widgets(model, names):
    out = {}
    for name in names:
        f = model._meta.get_field(name)
        for ftype, factory in WIDGETS.items():
            if isinstance(f, ftype):
                out[name] = factory()
    return out


PROJECT_FIELDS = [
    "name",
    "category",
    "year",
    "status",
    "village",
    "location",
    "leader",
    "department",
    "team",
    "plan_text",
    "total_investment",
    "annual_investment",
    "completed_investment",
    "investment",
    "approved_on",
    "planned_start",
    "planned_finish",
    "actual_start",
    "building_since",
    "actual_finish",
    "deadline",
    "note",
]


def _farmland_formfield(name):
    """A FarmlandDetail field as an optional field of the project's form."""
    f = FarmlandDetail._meta.get_field(name)
    field = f.formfield(required=False)
    if name == "mapping_status":
        field.initial = FarmlandMappingStatus.UNMAPPED
        field.help_text = _("已上图或已入库时须填写上图入库日期")
    for ftype, factory in WIDGETS.items():
        if isinstance(f, ftype):
            field.widget = factory()
    if name in services.FARMLAND_TEXT_FIELDS and name.startswith("work_"):
        hint = {n: h for n, _s, h in FARMLAND_WORKS}[name]
        field.help_text = format_lazy(_("{hint}：建设内容与数量"), hint=hint)
    return field


class ProjectForm(ResourceForm):
    """The project, with the 高标准农田 fields (saved to its FarmlandDetail when filled)."""

    approval_no = forms.CharField(label=_("批复文号"), max_length=100, required=False)
    build_type = forms.ChoiceField(
        label=_("建设类型（农田）"), choices=[("", "—"), *FarmlandBuildType.choices], required=False
    )
    area_mu = forms.DecimalField(
        label=_("建设面积（亩）"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    water_saving_mu = forms.DecimalField(
        label=_("高效节水灌溉面积（亩）"),
        min_value=0,
        required=False,
        max_digits=12,
        decimal_places=2,
    )
    new_farmland_mu = forms.DecimalField(
        label=_("新增耕地（亩）"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    fiscal_funds = forms.DecimalField(
        label=_("财政资金（万元）"), min_value=0, required=False, max_digits=14, decimal_places=2
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = _date_widgets(Project, PROJECT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].help_text = _("一项目一专班：进入「在建」前须指定")
        self.fields["leader"].help_text = _("一项目一领导：进入「在建」前须指定")
        self.fields["category"].empty_label = None
        if self.instance.pk:
            detail = FarmlandDetail.objects.filter(project=self.instance).first()
            if detail is not None:
                for name in services.FARMLAND_FIELDS:
                    self.fields[name].initial = getattr(detail, name)
        elif self.user is not None and self.user.town_id:
            if self.is_bound:  # a GET of the form writes nothing (issue 8)
                services.ensure_categories(self.user.town, self.user)
            self.fields["category"].queryset = scoping.restrict(
                self.fields["category"].queryset.model.objects.all(), self.user
            )

    def save_via_service(self, acting_user):
        cd = self.cleaned_data
        data = {n: cd[n] for n in PROJECT_FIELDS if n in cd and n != "team"}
        farmland = {n: cd.get(n) for n in services.FARMLAND_FIELDS}
        if self.instance.pk:
            return services.project_update(
                self.instance,
                data=data,
                team=cd.get("team"),
                farmland=farmland,
                acting_user=acting_user,
                expected_version=cd.get("version"),
            )
        return services.project_create(
            town=self.town(), data=data, team=cd.get("team"), farmland=farmland,
            acting_user=acting_user,
        )  # fmt: skip


# The other §6 fields, derived from the model, follow the ones above on the project's form.
for _name in services.FARMLAND_FIELDS:
    if _name not in ProjectForm.base_fields:
        ProjectForm.base_fields[_name] = _farmland_formfield(_name)
        ProjectForm.declared_fields[_name] = ProjectForm.base_fields[_name]


MILESTONE_FIELDS = [
    "project",
    "name",
    "order",
    "duration",
    "calendar_days",
    "fixed_start",
    "actual_start",
    "actual_finish",
    "percent_complete",
    "note",
]


class MilestoneForm(ResourceForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = _date_widgets(Milestone, MILESTONE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoping.restrict(
            Project.objects.all(), self.user, scoping.CHANGE
        )
        if self.instance.pk:
            self.fields["project"].disabled = True

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in MILESTONE_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            data.pop("project", None)
            return services.milestone_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        project = data.pop("project")
        return services.milestone_create(project=project, data=data, acting_user=acting_user)


WEEKLY_FIELDS = ["project", "week", "text", "percent", "investment_completed"]


class WeeklyReportForm(ResourceForm):
    class Meta:
        model = WeeklyReport
        fields = WEEKLY_FIELDS
        widgets = _date_widgets(WeeklyReport, WEEKLY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoping.restrict(
            Project.objects.all(), self.user, scoping.CHANGE
        )

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in WEEKLY_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            return services.weekly_report_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        project = data.pop("project")
        return services.weekly_report_file(project=project, data=data, acting_user=acting_user)


PROBLEM_FIELDS = [
    "project",
    "description",
    "owner",
    "raised_on",
    "deadline",
    "level",
    "status",
    "resolution",
    "closed_on",
]


class ProblemForm(ResourceForm):
    class Meta:
        model = Problem
        fields = PROBLEM_FIELDS
        widgets = _date_widgets(Problem, PROBLEM_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoping.restrict(
            Project.objects.all(), self.user, scoping.CHANGE
        )


class DependencyForm(forms.Form):
    """Add a finish-to-start link between two milestones of one project."""

    predecessor = forms.ModelChoiceField(
        label=_("前置节点"), queryset=Milestone.objects.none(), empty_label=_("（请选择）"),
        error_messages={"required": "请选择前置节点", "invalid_choice": "前置节点无效"},
    )  # fmt: skip
    successor = forms.ModelChoiceField(
        label=_("后续节点"), queryset=Milestone.objects.none(), empty_label=_("（请选择）"),
        error_messages={"required": "请选择后续节点", "invalid_choice": "后续节点无效"},
    )  # fmt: skip
    lag = forms.IntegerField(
        label=_("间隔（工作日）"), initial=0, min_value=-365, max_value=365,
        error_messages={"invalid": "间隔应为整数（工作日，可为负数）"},
    )  # fmt: skip

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Milestone.objects.filter(project=project)
        self.fields["predecessor"].queryset = qs
        self.fields["successor"].queryset = qs
        for f in self.fields.values():
            f.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm"
            )
        self.fields["predecessor"].label_from_instance = lambda m: m.name
        self.fields["successor"].label_from_instance = lambda m: m.name


class ProblemCloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("解决情况"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "销号须填写解决情况"},
    )  # fmt: skip
