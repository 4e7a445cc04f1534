"""The platform's own registered models: villages and departments."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import Column, Ledger, register_ledger
from zhenwu.core.models import MODULE_CHOICES, Department, Village
from zhenwu.core.registry import NavItem, Resource, register, register_nav


@register_ledger
class VillageLedger(Ledger):
    key = "villages"
    model = Village
    title = "村（社区）名册"
    match_on = ("name",)
    columns = [
        Column(
            "name", "名称", required=True, synonyms=("村名", "村（社区）", "村社区名称", "村庄名称")
        ),
        Column(
            "kind", "类型", kind="choice", synonyms=("村/社区",), synonyms_map={"村": "village"}
        ),
        Column("code", "区划代码", synonyms=("统计用区划代码", "行政区划代码", "代码")),
        Column("order", "排序", kind="int", synonyms=("序号",)),
        Column("secretary", "党支部书记", synonyms=("书记", "支部书记")),
        Column("population", "户籍人口", kind="int", synonyms=("人口", "总人口")),
        Column("area_mu", "面积（亩）", kind="area", synonyms=("面积", "国土面积")),
        Column("note", "备注", synonyms=("说明",)),
    ]


def _modules_text(department) -> str:
    return "、".join(department.module_labels())


@register_ledger
class DepartmentLedger(Ledger):
    """部门与专班: name, kind, head and phone (masked in exports for users without the right),
    and the modules its staff edit, written as their Chinese names 「招商引资、重点项目」."""

    key = "departments"
    model = Department
    title = "部门与专班"
    match_on = ("name",)
    columns = [
        Column("name", "名称", required=True, synonyms=("部门", "部门名称", "科室", "专班名称")),
        Column(
            "kind",
            "类型",
            kind="choice",
            synonyms=("部门类型",),
            synonyms_map={"站所": "center", "中心": "center", "工作专班": "taskforce"},
        ),
        Column("head", "负责人", synonyms=("部门负责人", "主任", "站长")),
        Column("phone", "联系电话", kind="phone", synonyms=("电话", "办公电话")),
        Column("order", "排序", kind="int", synonyms=("序号",)),
        Column(
            "modules",
            "负责模块",
            export=_modules_text,
            synonyms=("可编辑模块", "模块"),
            help_text="用顿号分隔，如「招商引资、重点项目」",
        ),
    ]

    def convert(self, c, value, user, report, row_no):
        if c.key == "modules":
            by_label = {str(label): key for key, label in MODULE_CHOICES}
            keys = set(by_label.values())
            out = []
            for part in re.split(r"[、,，;；\s/]+", str(value)):
                if not part:
                    continue
                key = by_label.get(part) or (part if part in keys else None)
                if key is None:
                    raise p.CellError(f"未知模块「{part}」，可选：{'、'.join(by_label)}")
                if key not in out:
                    out.append(key)
            return out
        return super().convert(c, value, user, report, row_no)

    def _parser_for(self, c):
        if c.key == "modules":
            return lambda v: p.parse_text(v)
        return super()._parser_for(c)

    def plan_writes(self, parsed, user, report):
        for _row, values in parsed:
            if "modules" in values and values["modules"] is None:
                values["modules"] = []
        return super().plan_writes(parsed, user, report)


village_resource = register(
    Resource(
        model=Village,
        key="villages",
        list_columns=["name", "kind", "code", "secretary", "population", "order"],
        search_fields=["name", "code", "secretary"],
        filter_fields=["kind"],
        form_fields=["name", "kind", "code", "order", "secretary", "population", "area_mu", "note"],
        detail_fields=[
            "name",
            "kind",
            "code",
            "order",
            "secretary",
            "population",
            "area_mu",
            "note",
            "is_demo_name",
        ],
        default_sort="order",
        ledger=VillageLedger,
        # Every module's records of the village (registered village sections, core/homes.py).
        detail_template="core/partials/village_records.html",
        nav=NavItem("base", _("村（社区）"), "core:village_list", "houses", 10),
    )
)


class DepartmentForm(ResourceForm):
    modules = forms.MultipleChoiceField(
        label="负责模块",
        choices=MODULE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="本部门人员可编辑的模块",
    )

    class Meta:
        model = Department
        fields = ["name", "kind", "head", "phone", "order", "modules"]


department_resource = register(
    Resource(
        model=Department,
        key="departments",
        list_columns=["name", "kind", "head", "phone", "modules"],
        search_fields=["name", "head"],
        filter_fields=["kind"],
        form_fields=["name", "kind", "head", "phone", "order", "modules"],
        form_class=DepartmentForm,
        personal_fields=("phone",),
        default_sort="order",
        ledger=DepartmentLedger,
        nav=NavItem("base", _("部门与专班"), "core:department_list", "diagram-3", 20),
    )
)

for item in [
    NavItem("plan", _("首页"), "core:home", "house", 1),
    NavItem("admin", _("用户与权限"), "core:user_list", "people", 10),
    NavItem("admin", _("变更记录"), "core:changelog", "clock-history", 20),
    NavItem("admin", _("回收站"), "core:recycle_bin", "trash", 30),
    NavItem("admin", _("节假日调整"), "core:holiday_list", "calendar-week", 40),
]:
    register_nav(item)
