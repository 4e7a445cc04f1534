"""招商引资 ledger (domain-rules §8): investment projects, their stage timeline, monthly funds
received (到位资金) and follow-ups (跟进).

Stages move forward only, through `services.move_stage`; every move is an `InvestmentEvent`.
Counting rules (a project counts once; a capital increase counts only the increase) and the
computed flags live in `rules.py`; the plan's indicators in `indicators.py`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhenwu.core import asof
from zhenwu.core.base import TownScopedModel
from zhenwu.core.fields import account_field, department_field, person_name_field, village_field
from zhenwu.core.timeline import TimelineEvent


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工投产")
    PRODUCING = "producing", _("达产")
    TERMINATED = "terminated", _("终止")


# The forward order of the live stages and the date field each one stores.
STAGE_ORDER: tuple[str, ...] = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.COMPLETED,
    Stage.PRODUCING,
)
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.LEAD: "lead_on",
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.PRODUCING: "producing_on",
    Stage.TERMINATED: "terminated_on",
}


class Origin(models.TextChoices):
    OUT_OF_PROVINCE = "out_of_province", _("省外")
    IN_PROVINCE = "in_province", _("省内市外")
    ABROAD = "abroad", _("境外")
    LOCAL = "local", _("本地")


class ProjectType(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业")
    AGRICULTURAL = "agricultural", _("农业")
    SERVICES = "services", _("服务业")
    INFRASTRUCTURE = "infrastructure", _("基础设施")


class Nature(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("扩建")
    RENOVATION = "renovation", _("改建")
    CAPITAL_INCREASE = "capital_increase", _("增资")


class LeadSource(models.TextChoices):
    ENTRUSTED = "entrusted", _("委托招商")
    BUSINESS = "business", _("以商招商")
    EXHIBITION = "exhibition", _("展会")
    RESIDENT = "resident", _("驻点招商")
    ONLINE = "online", _("网络招商")
    OTHER = "other", _("其他")


class SigningType(models.TextChoices):
    AGREEMENT = "agreement", _("协议")
    CONTRACT = "contract", _("合同")


def _not_negative(label: str):
    return MinValueValidator(Decimal(0), f"{label}不能为负数")


def _amount(label, **kw):
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[_not_negative(label)],
        **kw,
    )


class Investment(TownScopedModel):
    """One 招商引资 project. For 增资 (capital increase) `planned_total_wan` is the increase
    only: that is what every count and threshold sees (domain-rules §8, 三明 rule)."""

    village_path = "village"

    code = models.CharField(
        _("项目编号"),
        max_length=30,
        validators=[RegexValidator(r"^\S+$", "项目编号不能包含空格")],
        help_text=_("本镇内唯一，如 ZS-2025-001"),
    )
    name = models.CharField(_("项目名称"), max_length=200)
    investor_name = models.CharField(_("投资方"), max_length=200, blank=True)
    investor_uscc = models.CharField(
        _("投资方统一社会信用代码"), max_length=18, blank=True, help_text=_("18位，校验位会检查")
    )
    investor_origin = models.CharField(
        _("投资方来源地"), max_length=20, choices=Origin.choices, blank=True
    )
    industry_code = models.CharField(
        _("行业代码"),
        max_length=8,
        blank=True,
        help_text=_("GB/T 4754-2017 行业代码，如 C3024、C2641"),
    )
    industry_chain = models.CharField(_("产业链"), max_length=50, blank=True)
    project_type = models.CharField(
        _("项目类型"), max_length=20, choices=ProjectType.choices, default=ProjectType.INDUSTRIAL
    )
    nature = models.CharField(
        _("建设性质"), max_length=20, choices=Nature.choices, default=Nature.NEW
    )
    planned_total_wan = _amount(
        _("计划总投资（万元）"), help_text=_("增资项目只填本次增资额（只计增量）")
    )
    fixed_asset_wan = _amount(_("其中固定资产投资（万元）"))
    land_mu = models.DecimalField(
        _("用地（亩）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[_not_negative("用地面积")],
    )
    site = models.CharField(_("选址"), max_length=200, blank=True)
    village = village_field()
    leader = account_field(_("包保领导"), responsible=True)
    leader_name = person_name_field(_("包保领导"))
    department = department_field(_("责任单位"))
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    source = models.CharField(_("招商方式"), max_length=20, choices=LeadSource.choices, blank=True)
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="increases",
        verbose_name=_("原项目"),
        help_text=_("增资项目所增资的原项目（同一项目只计一次签约）"),
    )

    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    lead_on = models.DateField(_("线索日期"), null=True, blank=True)
    negotiating_on = models.DateField(_("在谈日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约时间"), null=True, blank=True, db_index=True)
    started_on = models.DateField(_("开工时间"), null=True, blank=True, db_index=True)
    completed_on = models.DateField(_("竣工投产时间"), null=True, blank=True)
    producing_on = models.DateField(_("达产时间"), null=True, blank=True)
    terminated_on = models.DateField(_("终止时间"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)

    signing_type = models.CharField(
        _("签约类型"), max_length=20, choices=SigningType.choices, blank=True
    )
    signing_event = models.CharField(_("签约活动"), max_length=200, blank=True)
    planned_start_on = models.DateField(_("计划开工时间"), null=True, blank=True)
    planned_production_on = models.DateField(_("计划投产时间"), null=True, blank=True)
    problems = models.TextField(_("问题与诉求"), blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                condition=Q(is_deleted=False),
                name="investment_unique_code",
                violation_error_message="项目编号在本镇已存在",
            )
        ]
        indexes = [models.Index(fields=["town", "stage"])]

    def __str__(self):
        return self.name

    def clean(self):
        from zhenwu.investment import validation

        validation.check_investment(self)

    @property
    def stage_date(self):
        """The date the project entered its current stage."""
        return getattr(self, STAGE_DATE_FIELD[self.stage])

    @property
    def is_live(self) -> bool:
        return self.stage != Stage.TERMINATED

    @property
    def stage_steps(self) -> list[dict]:
        """The stage path for display: each live stage with its date, reached or not."""
        current = self.stage
        steps = []
        for s in STAGE_ORDER:
            when = getattr(self, STAGE_DATE_FIELD[s])
            steps.append(
                {
                    "label": Stage(s).label,
                    "date": when,
                    "reached": when is not None,
                    "current": s == current,
                }
            )
        if current == Stage.TERMINATED:
            steps.append(
                {
                    "label": Stage.TERMINATED.label,
                    "date": self.terminated_on,
                    "reached": True,
                    "current": True,
                }
            )
        return steps

    # --- computed flags (rules.py); thresholds from `selectors.with_flags` annotations ---
    def _setting(self, name, default):
        value = getattr(self, name, None)
        return default if value is None else value

    def flags(self, today=None) -> list[tuple[str, str, str]]:
        """[(key, label, bootstrap colour)] of the flags that apply on `today`; the labels in
        the language of the moment (the API and the ledgers speak Chinese)."""
        from zhenwu.investment import rules

        today = today or asof.today()
        out = []
        if rules.is_above_100m(self.planned_total_wan):
            out.append(("above_100m", gettext("亿元以上"), "primary"))
        if rules.is_industrial(self.project_type):
            out.append(("industrial", gettext("工业"), "secondary"))
        if rules.newly_signed_in(self.signed_on, self.nature, today.year):
            out.append(("new_this_year", gettext("当年新签约"), "success"))
        if self.nature == Nature.CAPITAL_INCREASE:
            out.append(("capital_increase", gettext("增资（只计增量）"), "info"))
        months = self._setting("overdue_months_setting", rules.DEFAULT_OVERDUE_START_MONTHS)
        if rules.is_overdue_start(
            self.signed_on, self.started_on, today, months, terminated=not self.is_live
        ):
            label = gettext("超时限未开工（>%(months)s个月）") % {"months": months}
            out.append(("overdue_start", label, "danger"))
        stale_days = self._setting("stale_days_setting", rules.DEFAULT_STALE_DAYS)
        if hasattr(self, "last_follow_up_on") and rules.is_stale(
            self.stage, self.last_follow_up_on, self.stage_date, today, stale_days
        ):
            label = gettext("久未跟进（>%(days)s天）") % {"days": stale_days}
            out.append(("stale", label, "warning"))
        return out

    @property
    def flags_text(self) -> str:
        return "、".join(label for key, label, _ in self.flags() if key != "industrial")

    flags_text.fget.short_description = _("标记")

    @property
    def size_band(self) -> str | None:
        from zhenwu.investment.rules import size_band

        return size_band(self.planned_total_wan)

    size_band.fget.short_description = _("规模档次")

    @property
    def days_in_stage(self) -> int | None:
        from zhenwu.investment.rules import days_in_stage

        return days_in_stage(self.stage_date, asof.today())

    days_in_stage.fget.short_description = _("本阶段天数")


class InvestmentSettings(TownScopedModel):
    """Per-town thresholds for the flags (defaults in `rules.py`). One row per town, created
    on first use; administrators edit it (staff read it), like the 培育库设置."""

    scope_module = "core"  # administrators only (staff read it)

    overdue_start_months = models.PositiveSmallIntegerField(
        _("超时限未开工（签约后月数）"),
        default=6,
        validators=[
            MinValueValidator(1, "签约后月数应在1—60之间"),
            MaxValueValidator(60, "签约后月数应在1—60之间"),
        ],
        help_text=_("签约超过该月数仍未开工的项目标记为「超时限未开工」（1—60个月）"),
    )
    stale_days = models.PositiveSmallIntegerField(
        _("久未跟进（天数）"),
        default=30,
        validators=[
            MinValueValidator(1, "久未跟进天数应在1—365之间"),
            MaxValueValidator(365, "久未跟进天数应在1—365之间"),
        ],
        help_text=_("超过该天数没有跟进记录的在途项目标记为「久未跟进」（1—365天）"),
    )

    class Meta:
        verbose_name = _("招商引资设置")
        verbose_name_plural = _("招商引资设置")
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=Q(is_deleted=False),
                name="investment_settings_one_per_town",
                violation_error_message="本镇已有招商引资设置，请编辑原设置。",
            )
        ]

    def __str__(self):
        return f"{self.town} 招商引资设置"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("设置")


class FundsReceipt(TownScopedModel):
    """到位资金 of one month for one project (domain-rules §8: monthly snapshots)."""

    village_path = "investment__village"

    investment = models.ForeignKey(
        Investment, on_delete=models.PROTECT, related_name="funds", verbose_name=_("招商项目")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天，如 2025-03-01"))
    amount_wan = models.DecimalField(
        _("实际到位资金（万元）"),
        max_digits=14,
        decimal_places=2,
        validators=[_not_negative("实际到位资金")],
    )
    out_of_province_wan = models.DecimalField(
        _("其中省外资金（万元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[_not_negative("省外资金")],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["investment", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "month"],
                condition=Q(is_deleted=False),
                name="funds_one_per_month",
                violation_error_message="该项目该月已有到位资金记录",
            )
        ]

    def __str__(self):
        return f"{self.investment} {self.month:%Y年%m月} 到位 {self.amount_wan} 万元"

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.month and self.month > asof.today():
            errors["month"] = "月份不能晚于本月"
        if (
            self.amount_wan is not None
            and self.out_of_province_wan is not None
            and self.out_of_province_wan > self.amount_wan
        ):
            errors["out_of_province_wan"] = "省外资金不能大于实际到位资金"
        if errors:
            raise ValidationError(errors)


class FollowUp(TownScopedModel):
    """跟进: a visit or call, with the date of the next one (reminders read `next_on`)."""

    village_path = "investment__village"

    investment = models.ForeignKey(
        Investment, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("招商项目")
    )
    on_date = models.DateField(_("跟进日期"))
    note = models.TextField(_("跟进情况"), max_length=2000)
    next_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    by = account_field(_("跟进人"), responsible=False)

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-on_date", "-id"]

    def __str__(self):
        return f"{self.investment} {self.on_date} 跟进"

    def clean(self):
        errors = {}
        if self.on_date and self.on_date > asof.today():
            errors["on_date"] = "跟进日期不能晚于今天"
        if self.on_date and self.next_on and self.next_on < self.on_date:
            errors["next_on"] = "下次跟进日期不能早于本次跟进日期"
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    CREATED = "created", _("登记项目")
    STAGE_MOVED = "stage_moved", _("阶段推进")
    TERMINATED = "terminated", _("项目终止")
    IMPORTED = "imported", _("台账导入")
    FUNDS_RECORDED = "funds_recorded", _("登记到位资金")
    FOLLOWED_UP = "followed_up", _("跟进")
    PROMOTED = "promoted", _("转入重点项目")


class InvestmentEvent(TimelineEvent):
    """One entry of a project's timeline (项目动态; the shared shape is `core.timeline`):
    written only by the functions in `events.py`, never edited."""

    village_path = "investment__village"
    scope_module = "investment"
    subject_field = "investment"
    own_fields = ("from_stage", "to_stage")

    investment = models.ForeignKey(
        Investment, on_delete=models.CASCADE, related_name="events", verbose_name=_("招商项目")
    )
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices)
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=Stage.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")
        indexes = [models.Index(fields=["investment", "-on_date"])]
