"""The yearly work plan: plan → theme (板块) → measure (举措) → target (指标), with manual
progress reports, frozen month colours (history) and supervised tasks (督办) with their timeline.

A target's actual value comes from its indicator (a registered query over live records, see
`indicators.py`) or, when it has none, from the latest manual progress report."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhenwu.core import formats
from zhenwu.core.base import TownScopedModel
from zhenwu.core.fields import account_field, department_field
from zhenwu.core.timeline import TimelineEvent
from zhenwu.plan.indicators import get_indicator


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("不低于（≥）")
    AT_MOST = "lte", _("不高于（≤）")


class Curve(models.TextChoices):
    LINEAR = "linear", _("按日均匀（线性）")
    STEPPED = "stepped", _("按月阶梯")
    CUSTOM = "custom", _("自定义月度进度")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    NONE = "none", _("无法判断")


WEIGHT = dict(
    max_digits=6,
    decimal_places=2,
    default=Decimal(1),
    validators=[MinValueValidator(Decimal(0), "权重不能为负数")],
)


class Plan(TownScopedModel):
    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(2000, "年度应在2000—2100之间"),
            MaxValueValidator(2100, "年度应在2000—2100之间"),
        ],
    )
    name = models.CharField(_("计划名称"), max_length=100)
    note = models.TextField(_("说明"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复制自"),
        editable=False,
    )

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "name"],
                condition=Q(is_deleted=False),
                name="plan_unique_name",
                violation_error_message="本镇该年度已有同名计划",
            )
        ]

    def __str__(self):
        return f"{self.year}年 {self.name}"


class Theme(TownScopedModel):
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="themes", verbose_name=_("计划")
    )
    name = models.CharField(_("板块"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    leader = account_field(_("包保领导"), responsible=True)
    department = department_field(_("责任部门"))
    weight = models.DecimalField(_("权重"), **WEIGHT)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("板块")
        verbose_name_plural = _("板块")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.name


class Measure(TownScopedModel):
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="measures", verbose_name=_("板块")
    )
    name = models.CharField(_("举措"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    leader = account_field(_("包保领导"), responsible=True)
    department = department_field(_("责任部门"))
    weight = models.DecimalField(_("权重"), **WEIGHT)
    context = models.TextField(
        _("背景与往年成效"), blank=True, help_text=_("往年已完成的事实等背景，不计入本年度指标")
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("举措")
        verbose_name_plural = _("举措")
        ordering = ["theme", "order", "id"]

    def __str__(self):
        return self.name


class Target(TownScopedModel):
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="targets", verbose_name=_("举措")
    )
    name = models.CharField(_("指标"), max_length=120)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "目标值不能为负数")],
    )
    comparison = models.CharField(
        _("比较方式"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    indicator_key = models.CharField(
        _("计算指标"),
        max_length=80,
        blank=True,
        help_text=_("留空表示手工填报进度；选择后实际值由业务台账自动计算"),
    )
    indicator_params = models.JSONField(_("指标参数"), default=dict, blank=True)
    weight = models.DecimalField(_("权重"), **WEIGHT)
    leader = account_field(_("包保领导"), responsible=True)
    department = department_field(_("责任部门"))
    curve = models.CharField(
        _("进度曲线"), max_length=10, choices=Curve.choices, default=Curve.LINEAR
    )
    curve_shares = models.JSONField(
        _("月度累计进度（%）"),
        default=list,
        blank=True,
        help_text=_("自定义曲线：12个月末累计应完成的百分比，如 5,10,…,100"),
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True, help_text=_("默认为年底"))
    yellow_margin = models.DecimalField(
        _("黄灯容差（百分点）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[
            MinValueValidator(Decimal(0), "黄灯容差应在0—100之间"),
            MaxValueValidator(Decimal(100), "黄灯容差应在0—100之间"),
        ],
        help_text=_("落后于时序进度不足该百分点（以目标值计）为黄灯，达到或超过为红灯"),
    )
    report_frequency = models.CharField(
        _("填报频次"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("目标指标")
        verbose_name_plural = _("目标指标")
        ordering = ["measure", "order", "id"]

    def __str__(self):
        return self.name

    @property
    def plan_year(self) -> int:
        return self.measure.theme.plan.year

    @property
    def indicator_display(self) -> str:
        return self.get_indicator_key_display()

    indicator_display.fget.short_description = _("计算指标")

    def get_indicator_key_display(self) -> str:
        """The indicator's name, never its key (the key shows only in the administrator's form)."""
        if not self.indicator_key:
            return "手工填报进度"
        indicator = get_indicator(self.indicator_key)
        return indicator.label if indicator else "未注册的指标"

    def get_indicator_params_display(self) -> str:
        """The parameters in words: 只计工业项目：是；计划总投资下限：10,000万元."""
        indicator = get_indicator(self.indicator_key)
        if not self.indicator_params:
            return ""
        if indicator is None:
            return "—"
        return indicator.describe_params(self.indicator_params)

    def clean(self):
        errors = {}
        if self.indicator_key and get_indicator(self.indicator_key) is None:
            errors["indicator_key"] = (
                f"计算指标「{self.indicator_key}」未注册（所属模块可能未安装）"
            )
        if not isinstance(self.indicator_params, dict):
            errors["indicator_params"] = '指标参数应为 JSON 对象，如 {"category": "key"}'
        if self.curve == Curve.CUSTOM:
            from zhenwu.plan.rules import validate_shares

            message = validate_shares(self.curve_shares)
            if message:
                errors["curve_shares"] = message
        if errors:
            raise ValidationError(errors)


class ProgressReport(TownScopedModel):
    """A manual progress report: the cumulative value reached by `date` (累计完成)."""

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="reports", verbose_name=_("指标")
    )
    date = models.DateField(_("填报日期"), default=timezone.localdate)
    value = models.DecimalField(
        _("累计完成值"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "完成值不能为负数")],
    )
    note = models.TextField(_("进展说明"), blank=True)
    reported_by = account_field(_("填报人"), responsible=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("进度填报")
        verbose_name_plural = _("进度填报")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["target", "date"], name="plan_report_target_date")]

    def __str__(self):
        return f"{self.target} {self.date:%Y-%m-%d}：{self.value.normalize():f}"

    @property
    def summary(self) -> str:
        return str(self)

    summary.fget.short_description = _("进度填报")

    def clean(self):
        if self.target_id and self.target.indicator_key:
            raise ValidationError({"target": "该指标由业务台账自动计算，不能手工填报进度"})


class MonthStatus(models.Model):
    """A target's colour frozen at a month's end (history); never recomputed afterwards."""

    town = models.ForeignKey("core.Town", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="month_statuses", verbose_name=_("指标")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    status = models.CharField(_("状态"), max_length=6, choices=Light.choices)
    raw_status = models.CharField(_("未经追赶规则的状态"), max_length=6, choices=Light.choices)
    actual = models.DecimalField(_("月末实际值"), max_digits=14, decimal_places=2, null=True)
    expected = models.DecimalField(_("月末应完成值"), max_digits=14, decimal_places=2, null=True)
    frozen_at = models.DateTimeField(_("冻结时间"), default=timezone.now)

    class Meta:
        verbose_name = _("月度状态")
        verbose_name_plural = _("月度状态")
        ordering = ["target", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year", "month"], name="monthstatus_unique_month"
            )
        ]

    def __str__(self):
        return f"{self.target} {self.year}-{self.month:02d} {self.get_status_display()}"


class TaskSource(models.TextChoices):
    PLAN = "plan", _("工作计划")
    MEETING = "meeting", _("会议决定")
    INSTRUCTION = "instruction", _("领导批示")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURNED = "returned", _("已退办")
    COMPLETED = "completed", _("已办结")
    CLOSED = "closed", _("已销号")


OPEN_STATUSES = (
    TaskStatus.ASSIGNED,
    TaskStatus.SIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.RETURNED,
)


class Task(TownScopedModel):
    """A supervised task (督办事项)."""

    title = models.CharField(_("督办事项"), max_length=200)
    description = models.TextField(_("具体要求"), blank=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=TaskSource.choices, default=TaskSource.PLAN
    )
    source_note = models.CharField(
        _("来源说明"), max_length=200, blank=True, help_text=_("会议名称、批示文号等")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("计划"),
    )
    target = models.ForeignKey(
        Target,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("关联指标"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("交办人"),
    )
    assignee_department = department_field(_("承办部门"))
    assignee = account_field(_("承办人"), responsible=True)
    assigned_on = models.DateField(_("交办日期"), default=timezone.localdate)
    deadline = models.DateField(_("办理时限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    pending_extension_date = models.DateField(
        _("申请延期至"), null=True, blank=True, editable=False
    )
    pending_extension_reason = models.TextField(_("延期理由"), blank=True, editable=False)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["town", "status", "deadline"], name="plan_task_open")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskEventKind(models.TextChoices):
    ASSIGN = "assign", _("交办")
    SIGN = "sign", _("签收")
    REPORT = "report", _("反馈进展")
    COMPLETE = "complete", _("办结")
    CLOSE = "close", _("销号")
    RETURN = "return", _("退办")
    EXTEND_REQUEST = "extend", _("申请延期")
    EXTEND_APPROVE = "extend_ok", _("同意延期")
    EXTEND_REJECT = "extend_no", _("驳回延期")


class TaskEvent(TimelineEvent):
    """One step on a task's timeline (督办环节; the shared shape is `core.timeline`)."""

    subject_field = "task"
    own_fields = ("new_deadline",)

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="events", verbose_name=_("任务")
    )
    kind = models.CharField(_("环节"), max_length=10, choices=TaskEventKind.choices)
    new_deadline = models.DateField(_("时限"), null=True, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("督办环节")
        verbose_name_plural = _("督办环节")

    @property
    def extra(self) -> str:
        if not self.new_deadline:
            return ""
        return f"{gettext('时限')} {formats.date_cell(self.new_deadline)}"
