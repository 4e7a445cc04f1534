"""Key projects (项目为王): projects with their leader, team and plan (一项目一领导一专班一方案),
milestones scheduled backward from the deadline (倒排工期), weekly dispatch (周调度), problem
lists (问题清单) and frozen baselines. Rules live in `services.py`, `rules.py` and the pure
engine `scheduling.py`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.core.base import LiveManager, TownScopedModel
from zhenwu.core.fields import account_field, department_field, person_name_field, village_field


class ProjectChildManager(LiveManager):
    """Records of a project disappear with it when it goes to the recycle bin (and come back
    when it is restored): lists, counts and the API never show orphans."""

    def get_queryset(self):
        return super().get_queryset().filter(project__is_deleted=False)


class DependencyManager(LiveManager):
    """Links whose milestones (or project) are in the recycle bin do not count."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(
                predecessor__is_deleted=False,
                successor__is_deleted=False,
                successor__project__is_deleted=False,
            )
        )


AMOUNT = dict(
    max_digits=14,
    decimal_places=2,
    null=True,
    blank=True,
    validators=[MinValueValidator(Decimal(0), "金额不能为负数")],
)
AREA = dict(
    max_digits=12,
    decimal_places=2,
    null=True,
    blank=True,
    validators=[MinValueValidator(Decimal(0), "面积不能为负数")],
)


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("谋划")
    PREPARING = "preparing", _("前期")
    BUILDING = "building", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")


# Statuses at or after the start of construction (for counts and the 三未 rules).
STARTED_STATUSES = (ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.OPERATING)
FINISHED_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.OPERATING)


class FarmlandBuildType(models.TextChoices):
    NEW = "new", _("新建")
    UPGRADE = "upgrade", _("改造提升")


class FarmlandMappingStatus(models.TextChoices):
    """上图入库: the project's parcels drawn on the national farmland map and filed."""

    UNMAPPED = "unmapped", _("未上图")
    MAPPED = "mapped", _("已上图")
    STORED = "stored", _("已入库")


# The eight work areas of a 高标准农田 project (田、土、水、路、林、电、技、管): field name, short
# label, what the office writes there.
FARMLAND_WORKS = [
    ("work_tian", "田", _("田块整治（土地平整、田块归并）")),
    ("work_tu", "土", _("土壤改良（培肥、酸化治理）")),
    ("work_shui", "水", _("灌溉排水（沟渠、泵站、管道）")),
    ("work_lu", "路", _("田间道路（机耕路、生产路）")),
    ("work_lin", "林", _("农田防护（防护林、生态护坡）")),
    ("work_dian", "电", _("农田输配电")),
    ("work_ji", "技", _("科技服务（良种良法、监测设施）")),
    ("work_guan", "管", _("建后管护（管护制度、责任落实）")),
]


class ProblemLevel(models.TextChoices):
    TOWN = "town", _("镇级协调")
    CITY = "city", _("提请市级协调")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("未销号")
    CLOSED = "closed", _("已销号")


# The categories every town starts with (`services.ensure_categories`); admins may add more.
DEFAULT_CATEGORIES = [
    ("key", "重点项目", 10),
    ("livelihood", "民生实事", 20),
    ("farmland", "高标准农田", 30),
    ("other", "其他", 90),
]


class ProjectCategory(TownScopedModel):
    """A kind of project (重点项目 / 民生实事 / 高标准农田 / 其他 …), configurable per town.
    `key` is what plan indicators bind to (`projects.completed_count?category=livelihood`)."""

    scope_module = "projects"

    key = models.SlugField(
        _("代码"), max_length=30, help_text=_("英文代码，指标按此筛选，如 key、livelihood")
    )
    label = models.CharField(_("名称"), max_length=30)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["town", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "key"],
                condition=Q(is_deleted=False),
                name="projectcategory_unique_key",
                violation_error_message="本镇已有相同代码的项目类别",
            )
        ]

    def __str__(self):
        return self.label


class Project(TownScopedModel):
    """A key project, livelihood project (民生实事) or farmland project."""

    village_path = "village"

    name = models.CharField(_("项目名称"), max_length=100)
    category = models.ForeignKey(
        ProjectCategory, on_delete=models.PROTECT, related_name="projects", verbose_name=_("类别")
    )
    investment = models.ForeignKey(
        "investment.Investment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("关联招商项目"),
    )
    year = models.PositiveSmallIntegerField(
        _("建设年度"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(2000, "年度应在2000—2100之间"),
            MaxValueValidator(2100, "年度应在2000—2100之间"),
        ],
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING
    )
    total_investment = models.DecimalField(_("计划总投资（万元）"), **AMOUNT)
    annual_investment = models.DecimalField(_("年度计划投资（万元）"), **AMOUNT)
    completed_investment = models.DecimalField(_("累计完成投资（万元）"), **AMOUNT)
    location = models.CharField(_("建设地点"), max_length=100, blank=True)
    village = village_field(related_name="projects")
    leader = account_field(_("包保领导"), responsible=True, related_name="led_projects")
    leader_name = person_name_field(_("包保领导"))
    department = department_field(_("责任单位"), related_name="projects")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="project_teams",
        verbose_name=_("专班成员"),
    )
    plan_text = models.TextField(
        _("推进方案"), blank=True, help_text=_("一项目一方案：建设内容、推进措施、时间节点")
    )
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_finish = models.DateField(_("计划竣工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    building_since = models.DateField(
        _("主体施工开始"), null=True, blank=True, help_text=_("实质性建设（主体工程）开始日期")
    )
    actual_finish = models.DateField(_("实际竣工"), null=True, blank=True)
    deadline = models.DateField(
        _("完成时限"), null=True, blank=True, help_text=_("倒排工期的截止日期（最晚竣工日）")
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["town", "category__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="project_unique_name",
                violation_error_message="本镇已有同名项目",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        pairs = [
            ("planned_finish", "planned_start", "计划竣工日期不能早于计划开工日期"),
            ("actual_finish", "actual_start", "实际竣工日期不能早于实际开工日期"),
            ("building_since", "actual_start", "主体施工开始日期不能早于实际开工日期"),
        ]
        for later, earlier, message in pairs:
            a, b = getattr(self, later), getattr(self, earlier)
            if a and b and a < b:
                errors[later] = message
        if self.actual_finish and not self.actual_start:
            errors["actual_start"] = "已填实际竣工日期，请同时填写实际开工日期"
        if self.status in FINISHED_STATUSES and not self.actual_finish:
            errors["actual_finish"] = "项目已竣工/投产，请填写实际竣工日期"
        if self.status in STARTED_STATUSES and not self.actual_start:
            errors["actual_start"] = "项目已开工，请填写实际开工日期"
        if errors:
            raise ValidationError(errors)


class FarmlandDetail(TownScopedModel):
    """高标准农田 project fields (domain-rules §6; 《农田建设项目管理办法》)."""

    village_path = "project__village"
    scope_module = "projects"

    objects = ProjectChildManager()

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="farmland", verbose_name=_("项目")
    )
    approval_no = models.CharField(_("批复文号"), max_length=100, blank=True)
    build_type = models.CharField(
        _("建设类型"),
        max_length=10,
        choices=FarmlandBuildType.choices,
        default=FarmlandBuildType.NEW,
    )
    area_mu = models.DecimalField(_("建设面积（亩）"), **AREA)
    water_saving_mu = models.DecimalField(_("高效节水灌溉面积（亩）"), **AREA)
    new_farmland_mu = models.DecimalField(_("新增耕地（亩）"), **AREA)
    fiscal_funds = models.DecimalField(_("财政资金（万元）"), **AMOUNT)
    # 资金来源 (the 财政资金 above is the fiscal total; its parts and the non-fiscal money).
    central_funds = models.DecimalField(_("其中：中央财政（万元）"), **AMOUNT)
    provincial_funds = models.DecimalField(_("其中：省级财政（万元）"), **AMOUNT)
    local_funds = models.DecimalField(_("其中：市县财政（万元）"), **AMOUNT)
    social_funds = models.DecimalField(_("社会资本及自筹（万元）"), **AMOUNT)
    # 八大建设内容：田、土、水、路、林、电、技、管 (content and quantity, as the office writes it).
    work_tian = models.CharField(_("田（田块整治）"), max_length=200, blank=True)
    work_tu = models.CharField(_("土（土壤改良）"), max_length=200, blank=True)
    work_shui = models.CharField(_("水（灌溉排水）"), max_length=200, blank=True)
    work_lu = models.CharField(_("路（田间道路）"), max_length=200, blank=True)
    work_lin = models.CharField(_("林（农田防护）"), max_length=200, blank=True)
    work_dian = models.CharField(_("电（农田输配电）"), max_length=200, blank=True)
    work_ji = models.CharField(_("技（科技服务）"), max_length=200, blank=True)
    work_guan = models.CharField(_("管（建后管护）"), max_length=200, blank=True)
    design_approval_no = models.CharField(_("初步设计批复文号"), max_length=100, blank=True)
    design_approved_on = models.DateField(_("初步设计批复日期"), null=True, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=100, blank=True)
    supervisor = models.CharField(_("监理单位"), max_length=100, blank=True)
    # 开工 is the project's own 实际开工 (Project.actual_start); the later stages live here.
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    county_checked_on = models.DateField(_("县级初验日期"), null=True, blank=True)
    accepted_on = models.DateField(_("竣工验收日期"), null=True, blank=True)
    mapping_status = models.CharField(
        _("上图入库状态"),
        max_length=10,
        choices=FarmlandMappingStatus.choices,
        default=FarmlandMappingStatus.UNMAPPED,
    )
    mapped_on = models.DateField(_("上图入库日期"), null=True, blank=True)
    keeper = models.CharField(_("管护主体"), max_length=100, blank=True)
    has_sign_board = models.BooleanField(_("已设公示牌"), default=False)

    class Meta:
        verbose_name = _("高标准农田信息")
        verbose_name_plural = _("高标准农田信息")

    def __str__(self):
        return f"{self.project} 农田信息"

    @property
    def per_mu_investment(self) -> Decimal | None:
        """亩均投资（元/亩）= 总投资（万元）× 10000 ÷ 建设面积（亩）。"""
        total = self.project.total_investment
        if not total or not self.area_mu:
            return None
        return (total * 10000 / self.area_mu).quantize(Decimal("0.01"))

    @property
    def works(self) -> list[tuple[str, str, str]]:
        """The eight work areas as (short label, long label, content)."""
        return [
            (short, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name, short, _hint in FARMLAND_WORKS
        ]

    def clean(self):
        from zhenwu.projects import rules

        project = self.project if self.project_id else None
        errors = {}
        errors.update(
            rules.farmland_stage_errors(
                [
                    ("design_approved_on", "初步设计批复", self.design_approved_on),
                    ("actual_start", "开工（实际开工）", project and project.actual_start),
                    ("completed_on", "完工", self.completed_on),
                    ("county_checked_on", "县级初验", self.county_checked_on),
                    ("accepted_on", "竣工验收", self.accepted_on),
                    ("mapped_on", "上图入库", self.mapped_on),
                ],
                today=timezone.localdate(),
            )
        )
        errors.update(
            rules.farmland_funding_errors(
                total=project and project.total_investment,
                fiscal=self.fiscal_funds,
                central=self.central_funds,
                provincial=self.provincial_funds,
                local=self.local_funds,
                social=self.social_funds,
            )
        )
        errors.update(rules.farmland_mapping_errors(self.mapping_status, self.mapped_on))
        if (
            self.water_saving_mu
            and self.area_mu is not None
            and self.water_saving_mu > self.area_mu
        ):
            errors["water_saving_mu"] = "高效节水灌溉面积不能大于建设面积"
        if errors:
            raise ValidationError(errors)


class Milestone(TownScopedModel):
    """A node (节点) of a project's schedule."""

    village_path = "project__village"
    scope_module = "projects"

    objects = ProjectChildManager()

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目")
    )
    name = models.CharField(_("节点名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    duration = models.PositiveIntegerField(
        _("工期"), default=1, help_text=_("工作日（勾选「按日历天」则为日历天）；0 表示里程碑")
    )
    calendar_days = models.BooleanField(
        _("按日历天"), default=False, help_text=_("如公示期、养护期等按自然日计算的工期")
    )
    fixed_start = models.DateField(
        _("固定开始日期"),
        null=True,
        blank=True,
        help_text=_("必须在此日开始（如上级定的开工仪式）"),
    )
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完成"), null=True, blank=True)
    percent_complete = models.DecimalField(
        _("完成百分比"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        validators=[
            MinValueValidator(Decimal(0), "完成百分比应在0—100之间"),
            MaxValueValidator(Decimal(100), "完成百分比应在0—100之间"),
        ],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(is_deleted=False),
                name="milestone_unique_name",
                violation_error_message="本项目已有同名节点",
            )
        ]

    def __str__(self):
        return f"{self.project.name} · {self.name}" if self.project_id else self.name

    @property
    def display_name(self) -> str:
        return str(self)

    display_name.fget.short_description = _("节点")

    def clean(self):
        errors = {}
        if self.actual_finish and self.actual_start and self.actual_finish < self.actual_start:
            errors["actual_finish"] = "实际完成日期不能早于实际开始日期"
        if self.actual_finish and not self.actual_start:
            errors["actual_start"] = "已填实际完成日期，请同时填写实际开始日期"
        if self.project_id and self.town_id and self.project.town_id != self.town_id:
            errors["project"] = "项目不属于本镇"
        if errors:
            raise ValidationError(errors)


class MilestoneDependency(TownScopedModel):
    """Finish-to-start link: the successor may start `lag` working days after the predecessor
    finishes (negative lag = may overlap)."""

    village_path = "successor__project__village"
    scope_module = "projects"

    objects = DependencyManager()

    predecessor = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("前置节点"),
    )
    successor = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("后续节点"),
    )
    lag = models.IntegerField(
        _("间隔（工作日）"),
        default=0,
        validators=[
            MinValueValidator(-365, "间隔应在 -365 到 365 个工作日之间"),
            MaxValueValidator(365, "间隔应在 -365 到 365 个工作日之间"),
        ],
    )

    class Meta:
        verbose_name = _("节点前置关系")
        verbose_name_plural = _("节点前置关系")
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                condition=Q(is_deleted=False),
                name="milestonedependency_unique",
                violation_error_message="这两个节点之间已有前置关系",
            )
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name}"

    def clean(self):
        if self.predecessor_id and self.successor_id:
            if self.predecessor_id == self.successor_id:
                raise ValidationError({"predecessor": "节点不能以自身为前置节点"})
            if self.predecessor.project_id != self.successor.project_id:
                raise ValidationError({"predecessor": "前置节点必须属于同一项目"})


class Baseline(TownScopedModel):
    """A frozen plan (基线): each milestone's planned dates at the moment of freezing."""

    village_path = "project__village"
    scope_module = "projects"

    objects = ProjectChildManager()

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("项目")
    )
    name = models.CharField(_("基线名称"), max_length=60)
    taken_on = models.DateField(_("冻结日期"))
    taken_by = account_field(_("冻结人"), responsible=False)
    project_start = models.DateField(_("计划开始"))
    project_finish = models.DateField(_("计划完成"))
    # {milestone id (str): {"name", "start", "finish"}} — dates ISO
    data = models.JSONField(_("节点计划"), default=dict)

    class Meta:
        verbose_name = _("计划基线")
        verbose_name_plural = _("计划基线")
        ordering = ["project", "-taken_on", "-id"]

    def __str__(self):
        return f"{self.project.name} · {self.name}"


def monday_of(day):
    return day - timedelta(days=day.weekday())


class WeeklyReport(TownScopedModel):
    """周调度: one progress report per project per ISO week (stored as its Monday)."""

    village_path = "project__village"
    scope_module = "projects"

    objects = ProjectChildManager()

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="weekly_reports", verbose_name=_("项目")
    )
    week = models.DateField(_("周次（周一）"), help_text=_("填写该周任意一天，保存为该周周一"))
    text = models.TextField(_("本周进展"))
    percent = models.DecimalField(
        _("形象进度（%）"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        validators=[
            MinValueValidator(Decimal(0), "形象进度应在0—100之间"),
            MaxValueValidator(Decimal(100), "形象进度应在0—100之间"),
        ],
    )
    investment_completed = models.DecimalField(_("累计完成投资（万元）"), **AMOUNT)
    reporter = account_field(_("填报人"), responsible=False)

    class Meta:
        verbose_name = _("周调度")
        verbose_name_plural = _("周调度")
        ordering = ["-week", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "week"],
                condition=Q(is_deleted=False),
                name="weeklyreport_unique_week",
                violation_error_message="该项目本周已填报周调度",
            )
        ]

    def __str__(self):
        if not self.week:
            return "周调度"
        iso = self.week.isocalendar()
        name = self.project.name if self.project_id else ""
        return f"{name} {iso.year}年第{iso.week}周"

    @property
    def display_name(self) -> str:
        return str(self)

    display_name.fget.short_description = _("周次")

    def clean(self):
        if self.week:
            self.week = monday_of(self.week)


class Problem(TownScopedModel):
    """问题清单: a blocker with an owner and a deadline, closed (销号) with its resolution."""

    village_path = "project__village"
    scope_module = "projects"

    objects = ProjectChildManager()

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="problems", verbose_name=_("项目")
    )
    description = models.TextField(_("问题描述"))
    owner = account_field(_("责任人"), responsible=True, related_name="owned_problems")
    raised_on = models.DateField(_("提出日期"))
    deadline = models.DateField(_("解决时限"), null=True, blank=True)
    level = models.CharField(
        _("协调层级"), max_length=10, choices=ProblemLevel.choices, default=ProblemLevel.TOWN
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolution = models.TextField(_("解决情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["status", "deadline", "id"]

    def __str__(self):
        text = self.description.strip().splitlines()[0] if self.description else ""
        return text[:40] or "问题"

    def clean(self):
        errors = {}
        if self.status == ProblemStatus.CLOSED:
            if not (self.resolution or "").strip():
                errors["resolution"] = "销号须填写解决情况"
            if not self.closed_on:
                errors["closed_on"] = "销号须填写销号日期"
        elif self.closed_on:
            errors["closed_on"] = "未销号的问题不能有销号日期"
        if self.closed_on and self.raised_on and self.closed_on < self.raised_on:
            errors["closed_on"] = "销号日期不能早于提出日期"
        if self.deadline and self.raised_on and self.deadline < self.raised_on:
            errors["deadline"] = "解决时限不能早于提出日期"
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, as_of) -> bool:
        return self.status == ProblemStatus.OPEN and bool(self.deadline) and self.deadline < as_of
