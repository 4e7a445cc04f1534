"""The registered surfaces of the projects module (list, detail, edit, export, import, API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping
from zhenwu.core.forms import ResourceForm
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.projects import rules, services
from zhenwu.projects.forms import MilestoneForm, ProblemForm, ProjectForm, WeeklyReportForm
from zhenwu.projects.models import (
    STARTED_STATUSES,
    Milestone,
    Problem,
    Project,
    ProjectCategory,
    WeeklyReport,
)


def _category_lookup(ledger, column, user, text):
    if user.town_id:
        services.ensure_categories(user.town, user)
    qs = scoping.restrict(ProjectCategory.objects.all(), user)
    obj = qs.filter(label=text).first() or qs.filter(key=text).first()
    if obj is None:
        names = "、".join(qs.values_list("label", flat=True))
        raise p.CellError(f"找不到项目类别「{text}」。可选：{names}")
    return obj


def _project_lookup(ledger, column, user, text):
    obj = scoping.restrict(Project.objects.all(), user).filter(name=text).first()
    if obj is None:
        raise p.CellError(f"找不到项目「{text}」，或不在您的管辖范围")
    return obj


@register_ledger
class ProjectLedger(Ledger):
    key = "projects"
    model = Project
    title = "重点项目台账"
    match_on = ("name",)
    columns = [
        Column("name", "项目名称", required=True, synonyms=("项目", "名称")),
        Column("category", "类别", kind="fk", required=True, lookup=_category_lookup,
               synonyms=("项目类别", "类型")),
        Column("year", "建设年度", kind="int", synonyms=("年度",)),
        Column("status", "状态", kind="choice", synonyms=("项目状态", "进度状态")),
        Column("village", "所在村（社区）", kind="fk", fill_merged=True, synonyms=("村", "所在村", "村（社区）")),
        Column("location", "建设地点", synonyms=("地点", "选址")),
        Column("leader", "包保领导", kind="fk", synonyms=("责任领导", "包保镇领导")),
        Column("department", "责任单位", kind="fk", synonyms=("责任部门", "牵头单位")),
        Column("total_investment", "计划总投资（万元）", kind="amount", synonyms=("总投资",)),
        Column("annual_investment", "年度计划投资（万元）", kind="amount",
               synonyms=("年度计划投资", "年度投资")),
        Column("completed_investment", "累计完成投资（万元）", kind="amount",
               synonyms=("完成投资", "已完成投资")),
        Column("approved_on", "立项日期", kind="date", synonyms=("立项时间",)),
        Column("planned_start", "计划开工", kind="date", synonyms=("计划开工时间",)),
        Column("planned_finish", "计划竣工", kind="date", synonyms=("计划竣工时间",)),
        Column("actual_start", "实际开工", kind="date", synonyms=("开工时间", "实际开工时间")),
        Column("building_since", "主体施工开始", kind="date", synonyms=("主体开工",)),
        Column("actual_finish", "实际竣工", kind="date", synonyms=("竣工时间", "实际竣工时间")),
        Column("deadline", "完成时限", kind="date", synonyms=("时限", "截止日期")),
        Column("plan_text", "推进方案", synonyms=("方案",)),
        Column("note", "备注", synonyms=("说明",)),
    ]  # fmt: skip

    def validate(self, obj, values, user):
        super().validate(obj, values, user)
        if obj.status in STARTED_STATUSES:
            has_team = obj.pk is not None and obj.team.exists()
            missing = rules.missing_for_construction(
                has_leader=obj.leader_id is not None,
                has_team=has_team,
                has_plan=bool((obj.plan_text or "").strip()),
            )
            if missing:
                hint = "（专班成员请在系统中设置后再改为在建）" if "专班成员" in missing else ""
                raise ValidationError(
                    {"status": f"一项目一领导一专班一方案，尚缺：{'、'.join(missing)}{hint}"}
                )


class MilestoneLedger(Ledger):
    key = "milestones"
    model = Milestone
    title = "项目节点台账"
    match_on = ("project", "name")
    columns = [
        Column("project", "项目", kind="fk", required=True, lookup=_project_lookup,
               synonyms=("项目名称",)),
        Column("name", "节点名称", required=True, synonyms=("节点", "里程碑")),
        Column("order", "排序", kind="int", synonyms=("序号",)),
        Column("duration", "工期", kind="int", required=True, synonyms=("工期（天）", "工作日")),
        Column("calendar_days", "按日历天", kind="bool", synonyms=("日历天",)),
        Column("fixed_start", "固定开始日期", kind="date", synonyms=("固定开始",)),
        Column("actual_start", "实际开始", kind="date", synonyms=("实际开始日期",)),
        Column("actual_finish", "实际完成", kind="date", synonyms=("实际完成日期",)),
        Column("percent_complete", "完成百分比", kind="decimal", synonyms=("完成比例", "进度")),
        Column("note", "说明", synonyms=("备注",)),
    ]  # fmt: skip

    def validate(self, obj, values, user):
        if obj.project_id and not self._may_change(user, obj.project):
            raise ValidationError({"project": "该项目不在您可修改的范围内"})
        super().validate(obj, values, user)
        services.check_actual_dates(obj)

    def _may_change(self, user, project) -> bool:
        """The gate's answer once per project of the file (not once per milestone row)."""
        cache = self.__dict__.setdefault("_changeable", {})
        if project.pk not in cache:
            cache[project.pk] = scoping.can(user, scoping.CHANGE, project)
        return cache[project.pk]


register_ledger(MilestoneLedger)


project_resource = register(
    Resource(
        model=Project,
        key="projects",
        list_columns=[
            "name",
            "category",
            "status",
            "village",
            "leader",
            "department",
            "total_investment",
            "completed_investment",
            "deadline",
        ],
        search_fields=["name", "location"],
        filter_fields=["category", "status", "village"],
        form_fields=ProjectForm.Meta.fields,
        detail_fields=[
            "name",
            "category",
            "year",
            "status",
            "village",
            "location",
            "leader",
            "department",
            "team",
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
            "plan_text",
            "is_demo",
            "note",
        ],
        select_related=["category", "village", "leader", "department"],
        default_sort=None,
        ledger=ProjectLedger,
        form_class=ProjectForm,
        nav=NavItem("economy", _("重点项目"), "projects:project_list", "kanban", 30),
        detail_template="projects/partials/project_detail.html",
        list_template="projects/project_list.html",
    )
)

milestone_resource = register(
    Resource(
        model=Milestone,
        key="milestones",
        list_columns=[
            "display_name",
            "duration",
            "calendar_days",
            "fixed_start",
            "actual_start",
            "actual_finish",
            "percent_complete",
        ],
        search_fields=["name", "project__name"],
        filter_fields=["project"],
        form_fields=MilestoneForm.Meta.fields,
        select_related=["project"],
        ledger=MilestoneLedger,
        form_class=MilestoneForm,
        # Editing a milestone returns to the project's schedule (倒排工期 table).
        success_url=lambda m: reverse("projects:project_detail", args=[m.project_id]) + "#network",
    )
)

problem_resource = register(
    Resource(
        model=Problem,
        key="problems",
        list_columns=[
            "description",
            "project",
            "owner",
            "deadline",
            "level",
            "status",
            "closed_on",
        ],
        search_fields=["description", "project__name", "resolution"],
        filter_fields=["status", "level", "project"],
        form_fields=ProblemForm.Meta.fields,
        select_related=["project", "owner"],
        form_class=ProblemForm,
        nav=NavItem(
            "economy", _("项目问题清单"), "projects:problem_list", "exclamation-triangle", 33
        ),
    )
)

weekly_resource = register(
    Resource(
        model=WeeklyReport,
        key="weekly-reports",
        list_columns=["display_name", "week", "percent", "investment_completed", "reporter"],
        search_fields=["project__name", "text"],
        filter_fields=["project", "week"],
        form_fields=WeeklyReportForm.Meta.fields,
        select_related=["project", "reporter"],
        form_class=WeeklyReportForm,
        nav=NavItem("economy", _("项目周调度"), "projects:weeklyreport_list", "calendar-check", 34),
    )
)


class CategoryForm(ResourceForm):
    class Meta:
        model = ProjectCategory
        fields = ["key", "label", "order"]


category_resource = register(
    Resource(
        model=ProjectCategory,
        key="categories",
        list_columns=["label", "order"],  # the key is a code: only in the form that edits it
        search_fields=["label", "key"],
        form_fields=["key", "label", "order"],
        detail_fields=["label", "order"],
        form_class=CategoryForm,
        default_sort="order",
    )
)

for item in [
    NavItem("economy", _("项目挂图（甘特图）"), "projects:wall_gantt", "bar-chart-steps", 31),
    NavItem("economy", _("项目三未清单"), "projects:sanwei", "list-check", 32),
]:
    register_nav(item)
