"""The plan's registered models (each gets list, detail, edit, delete, change log, export) and
their forms. Domain writes (progress reports, task assignment) go through `services`."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.plan import rules, services
from zhenwu.plan.indicators import indicator_choices
from zhenwu.plan.ledgers import ProgressReportLedger, TargetLedger
from zhenwu.plan.models import Measure, Plan, ProgressReport, Target, Task, Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(ResourceForm):
    class Meta:
        model = Plan
        fields = ["year", "name", "note"]


class ThemeForm(ResourceForm):
    class Meta:
        model = Theme
        fields = ["plan", "name", "order", "leader", "department", "weight", "note"]


class MeasureForm(ResourceForm):
    class Meta:
        model = Measure
        fields = ["theme", "name", "order", "leader", "department", "weight", "context", "note"]


class TargetForm(ResourceForm):
    indicator_key = forms.ChoiceField(label="计算指标", required=False)
    indicator_params = forms.CharField(
        label="指标参数（JSON）",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": '{"category": "key"}'}),
    )
    curve_shares = forms.CharField(
        label="月度累计进度（%）",
        required=False,
        help_text="仅自定义曲线：12个数，用逗号分隔，如 5,10,20,30,40,50,60,70,80,90,95,100",
    )

    class Meta:
        model = Target
        fields = [
            "measure",
            "name",
            "unit",
            "target_value",
            "comparison",
            "indicator_key",
            "indicator_params",
            "weight",
            "leader",
            "department",
            "curve",
            "curve_shares",
            "deadline",
            "yellow_margin",
            "report_frequency",
            "order",
            "note",
        ]
        widgets = {"deadline": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = [("", "—— 手工填报进度 ——"), *indicator_choices()]
        self.fields["indicator_key"].widget.attrs["class"] = "form-select"
        if self.instance.pk and not self.is_bound:
            self.initial["indicator_params"] = json.dumps(
                self.instance.indicator_params or {}, ensure_ascii=False
            )
            self.initial["curve_shares"] = rules.shares_text(self.instance.curve_shares)

    def clean_indicator_params(self):
        text = (self.cleaned_data.get("indicator_params") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError('指标参数应为 JSON 对象，如 {"category": "key"}') from exc
        if not isinstance(value, dict):
            raise ValidationError('指标参数应为 JSON 对象，如 {"category": "key"}')
        return value

    def clean_curve_shares(self):
        try:
            return rules.parse_shares(self.cleaned_data.get("curve_shares"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class ProgressReportForm(ResourceForm):
    class Meta:
        model = ProgressReport
        fields = ["target", "date", "value", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        field.queryset = field.queryset.filter(indicator_key="").select_related("measure")
        field.help_text = "只有手工填报的指标可选；自动计算的指标由业务台账得出"

    def save_via_service(self, acting_user):
        if self.instance.pk:
            return super().save_via_service(acting_user)
        data = self.cleaned_data
        return services.report_progress(
            data["target"],
            value=data["value"],
            on=data["date"],
            note=data.get("note", ""),
            acting_user=acting_user,
        )


class TaskForm(ResourceForm):
    workdays = forms.IntegerField(
        label="或：办理时限（工作日）",
        required=False,
        min_value=1,
        max_value=250,
        help_text="按法定节假日与调休计算；填写后可不填日期",
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "source",
            "source_note",
            "target",
            "assignee_department",
            "assignee",
            "deadline",
        ]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Deadline and assignment change only through the workflow (延期 / 改派 by a new task).
            for name in ("deadline", "assignee", "assignee_department", "workdays"):
                self.fields.pop(name, None)
        else:
            self.fields["deadline"].required = False

    def clean(self):
        data = super().clean()
        if not self.instance.pk:
            if not data.get("deadline") and not data.get("workdays"):
                self.add_error("deadline", "请填写办理时限：日期或工作日天数")
            if not data.get("assignee") and not data.get("assignee_department"):
                self.add_error("assignee", "请选择承办部门或承办人")
        return data

    def _post_clean(self):
        if not self.instance.pk:
            # Model validation happens in the service (the deadline may come from workdays).
            return
        super()._post_clean()

    def save_via_service(self, acting_user):
        if self.instance.pk:
            return super().save_via_service(acting_user)
        d = self.cleaned_data
        return services.task_assign(
            town=self.town(),
            title=d["title"],
            description=d.get("description", ""),
            source=d.get("source") or "plan",
            source_note=d.get("source_note", ""),
            target=d.get("target"),
            assignee=d.get("assignee"),
            assignee_department=d.get("assignee_department"),
            deadline=d.get("deadline"),
            workdays=d.get("workdays"),
            acting_user=acting_user,
        )


plan_resource = register(
    Resource(
        model=Plan,
        key="plans",
        list_columns=["year", "name", "note"],
        search_fields=["name"],
        filter_fields=["year"],
        form_fields=["year", "name", "note"],
        form_class=PlanForm,
        detail_template="plan/partials/plan_detail.html",
        default_sort="-year",
        nav=NavItem("plan", _("年度计划"), "plan:plan_list", "journal-text", 15),
    )
)

theme_resource = register(
    Resource(
        model=Theme,
        key="themes",
        list_columns=["name", "plan", "leader", "department", "weight", "order"],
        search_fields=["name"],
        filter_fields=["plan"],
        form_fields=ThemeForm.Meta.fields,
        form_class=ThemeForm,
        select_related=["plan", "leader", "department"],
        default_sort="order",
    )
)

measure_resource = register(
    Resource(
        model=Measure,
        key="measures",
        list_columns=["name", "theme", "leader", "department", "weight", "order"],
        search_fields=["name", "context"],
        filter_fields=["theme__plan", "theme"],
        form_fields=MeasureForm.Meta.fields,
        form_class=MeasureForm,
        select_related=["theme", "leader", "department"],
        default_sort="order",
    )
)

target_resource = register(
    Resource(
        model=Target,
        key="targets",
        list_columns=[
            "name",
            "measure",
            "target_value",
            "unit",
            "indicator_key",
            "leader",
            "department",
            "deadline",
        ],
        search_fields=["name", "indicator_key", "note"],
        filter_fields=["measure__theme__plan", "leader", "department", "curve"],
        form_fields=TargetForm.Meta.fields,
        detail_fields=[
            "name",
            "measure",
            "target_value",
            "unit",
            "comparison",
            "indicator_display",
            "indicator_params",
            "weight",
            "leader",
            "department",
            "curve",
            "curve_shares",
            "deadline",
            "yellow_margin",
            "report_frequency",
            "is_demo",
            "note",
        ],
        form_class=TargetForm,
        ledger=TargetLedger,
        select_related=["measure", "leader", "department"],
        detail_template="plan/partials/target_detail.html",
        nav=NavItem("plan", _("目标指标"), "plan:target_list", "bullseye", 20),
    )
)

report_resource = register(
    Resource(
        model=ProgressReport,
        key="reports",
        list_columns=["summary", "target", "date", "value", "reported_by", "is_demo"],
        search_fields=["target__name", "note"],
        filter_fields=["target"],
        form_fields=["target", "date", "value", "note"],
        form_class=ProgressReportForm,
        select_related=["target", "reported_by"],
        default_sort="-date",
        ledger=ProgressReportLedger,
        nav=NavItem("plan", _("进度填报"), "plan:progressreport_list", "pencil-square", 25),
    )
)

task_resource = register(
    Resource(
        model=Task,
        key="tasks",
        list_columns=[
            "title",
            "source",
            "assignee_department",
            "assignee",
            "deadline",
            "status",
            "assigned_by",
        ],
        search_fields=["title", "description", "source_note"],
        filter_fields=["status", "source", "assignee_department", "assignee"],
        form_fields=TaskForm.Meta.fields,
        detail_fields=[
            "title",
            "description",
            "source",
            "source_note",
            "plan",
            "target",
            "assigned_by",
            "assignee_department",
            "assignee",
            "assigned_on",
            "deadline",
            "status",
            "pending_extension_date",
            "pending_extension_reason",
            "completed_at",
            "closed_at",
        ],
        form_class=TaskForm,
        add_permission=services.can_assign,
        select_related=["assignee", "assignee_department", "assigned_by"],
        detail_template="plan/partials/task_detail.html",
        nav=NavItem("plan", _("督办任务"), "plan:task_list", "flag", 30),
    )
)

for _item in (
    NavItem("plan", _("挂图作战"), "plan:board", "grid-3x3-gap", 5),
    NavItem("plan", _("大屏"), "plan:bigscreen", "display", 6),
    NavItem(
        "plan",
        _("我的待办"),
        "plan:my_tasks",
        "list-check",
        35,
        badge=services.todo_count,
        topbar=True,
    ),
):
    register_nav(_item)
