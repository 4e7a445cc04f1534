"""Enterprise register and 四上 cultivation (issue 5; domain-rules §1).

- `Enterprise`: the register (USCC, GB/T 4754 code, village, 包保 cadre, tags) and its entry
  status toward the 一套表 unit register (candidate → papers ready → submitted → approved/入库 →
  reporting, plus 退库 [?]); status moves only through `services` (one function per event,
  each writing an `EntryEvent`).
- `ChecklistItem`: the documents checklist for entry (domain-rules §1.2), one row per item,
  files attached through core attachments.
- `MonthlyFigure`: a firm's monthly report (营业收入, 主营业务收入, 产值, 从业人员, 税收).
- `ThresholdRule`: the versioned rule table (domain-rules §1.1) per town, seeded from
  `classification.DEFAULT_RULES` on first use; administrators edit it.
- `PoolSetting`: per-town 培育库 share and entry batch dates ([L]/[?], configurable).
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenwu.core.base import AllManager, LiveManager, TownScopedModel
from zhenwu.core.fields import account_field, person_name_field, village_field
from zhenwu.core.idnumbers import validate_uscc
from zhenwu.core.timeline import TimelineEvent, move_headline
from zhenwu.enterprises import classification as cls
from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code


class Qualification(models.TextChoices):
    GENERAL = "general", _("施工总承包")
    SPECIALTY = "specialty", _("专业承包")
    LABOR = "labor", _("劳务分包")
    NONE = "none", _("无")


class EntryRoute(models.TextChoices):
    NEW = "new", _("新开业/新投产（月度入库）")
    UPGRADE = "upgrade", _("小升规（年度入库）")


class EntryStatus(models.TextChoices):
    CANDIDATE = "candidate", _("培育中")
    PAPERS_READY = "papers_ready", _("材料齐备")
    SUBMITTED = "submitted", _("已申报")
    APPROVED = "approved", _("已入库")
    REPORTING = "reporting", _("在库报数")
    WITHDRAWN = "withdrawn", _("已退库")


# The forward order of entry statuses; 退库 is a separate exit (see services).
ENTRY_ORDER = [
    EntryStatus.CANDIDATE,
    EntryStatus.PAPERS_READY,
    EntryStatus.SUBMITTED,
    EntryStatus.APPROVED,
    EntryStatus.REPORTING,
]
ABOVE_SCALE_STATUSES = (EntryStatus.APPROVED, EntryStatus.REPORTING)


class Category(models.TextChoices):
    INDUSTRY = "industry", _("规模以上工业")
    CONSTRUCTION = "construction", _("有资质的建筑业")
    REAL_ESTATE = "real_estate", _("房地产开发经营业")
    WHOLESALE = "wholesale", _("限额以上批发业")
    RETAIL = "retail", _("限额以上零售业")
    ACCOMMODATION = "accommodation", _("限额以上住宿业")
    CATERING = "catering", _("限额以上餐饮业")
    SERVICES = "services", _("规模以上服务业")


class Metric(models.TextChoices):
    MAIN_REVENUE = "main_revenue", _("年主营业务收入")
    REVENUE = "revenue", _("年营业收入")
    QUALIFICATION = "qualification", _("建筑业资质")
    ACTIVITY = "activity", _("房地产开发经营活动")


def validate_industry_code(value: str) -> None:
    try:
        parse_industry_code(value)
    except IndustryCodeError as exc:
        raise ValidationError(str(exc)) from None


class Enterprise(TownScopedModel):
    village_path = "village"

    name = models.CharField(_("企业名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, help_text=_("18位，校验位会检查（GB 32100-2015）")
    )
    industry_code = models.CharField(
        _("行业代码"),
        max_length=8,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754-2017，门类字母加2–4位数字，如 C2922、F52、E48"),
    )
    address = models.CharField(_("注册地址"), max_length=200, blank=True)
    village = village_field()
    legal_rep = models.CharField(_("法定代表人"), max_length=30, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    qualification = models.CharField(
        _("建筑业资质"),
        max_length=10,
        choices=Qualification.choices,
        default=Qualification.NONE,
        help_text=_("仅建筑业：施工总承包、专业承包资质入统；劳务分包不入统"),
    )
    has_development_activity = models.BooleanField(
        _("有房地产开发经营活动"), default=True, help_text=_("仅房地产开发经营业（K7010）")
    )
    is_waterproofing = models.BooleanField(_("防水企业"), default=False)
    platform_joined_on = models.DateField(
        _("加入省防水供应链平台日期"), null=True, blank=True, help_text=_("未加入留空")
    )
    cadre = account_field(_("包保干部"), responsible=False)
    cadre_name = person_name_field(_("包保干部"))
    entry_route = models.CharField(
        _("入库途径"), max_length=10, choices=EntryRoute.choices, default=EntryRoute.UPGRADE
    )
    entry_status = models.CharField(
        _("入库状态"),
        max_length=14,
        choices=EntryStatus.choices,
        default=EntryStatus.CANDIDATE,
        editable=False,
    )
    status_since = models.DateField(_("状态日期"), null=True, blank=True, editable=False)
    approved_on = models.DateField(_("入库日期"), null=True, blank=True, editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业名录")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "uscc"],
                condition=Q(is_deleted=False),
                name="enterprise_uscc_unique_per_town",
                violation_error_message="本镇已有相同统一社会信用代码的企业。",
            )
        ]
        indexes = [models.Index(fields=["town", "entry_status"])]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.uscc:
            result = validate_uscc(self.uscc)
            if not result.valid:
                errors["uscc"] = "；".join(result.errors)
            else:
                self.uscc = result.normalized
                # a bulk import has matched the code against the town already (core.bulk)
                if self.town_id and not getattr(self, "_bulk_checked", False):
                    clash = (
                        Enterprise.objects.filter(town_id=self.town_id, uscc=self.uscc)
                        .exclude(pk=self.pk)
                        .first()
                    )
                    if clash is not None:
                        from zhenwu.core.actor import current_actor
                        from zhenwu.core.scoping import taken_message

                        errors["uscc"] = taken_message(
                            current_actor().user, "统一社会信用代码", self.uscc, clash
                        )
        if self.industry_code:
            with contextlib.suppress(IndustryCodeError):  # the field validator reports it
                self.industry_code = parse_industry_code(self.industry_code).code
        if self.platform_joined_on and not self.is_waterproofing:
            errors["platform_joined_on"] = "只有防水企业才能登记加入省防水供应链平台。"
        if errors:
            raise ValidationError(errors)

    @property
    def industry(self):
        try:
            return parse_industry_code(self.industry_code)
        except IndustryCodeError:
            return None

    def get_industry_code_display(self) -> str:
        """「C3351 建筑、安全用金属制品制造」 on pages and cards (`tables.display_value`); the
        ledger and the API keep the bare code."""
        industry = self.industry
        return f"{self.industry_code} {industry.name}" if industry else self.industry_code

    @property
    def is_above_scale(self) -> bool:
        return self.entry_status in ABOVE_SCALE_STATUSES


class EntryEventKind(models.TextChoices):
    """How an entry step moved the firm: forward along ENTRY_ORDER, out (退库), or back in."""

    ADVANCE = "advance", _("推进")
    WITHDRAW = "withdraw", _("退库")
    RESTART = "restart", _("重新培育")


def entry_event_kind(from_status: str, to_status: str) -> str:
    """The kind of a move between two entry statuses (also fills old rows: migration 0003)."""
    if to_status == EntryStatus.WITHDRAWN:
        return EntryEventKind.WITHDRAW
    if from_status == EntryStatus.WITHDRAWN:
        return EntryEventKind.RESTART
    return EntryEventKind.ADVANCE


class EntryEvent(TimelineEvent, TownScopedModel):
    """One step of an enterprise's entry workflow (the timeline on its page; the shared shape
    is `core.timeline`). Also a town-scoped record: soft-deletable, seen through the gate."""

    village_path = "enterprise__village"
    subject_field = "enterprise"
    own_fields = ("from_status", "to_status")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="events", verbose_name=_("企业")
    )
    kind = models.CharField(_("环节"), max_length=10, choices=EntryEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=14, choices=EntryStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=14, choices=EntryStatus.choices)

    objects = LiveManager()
    all_objects = AllManager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("入库进程")
        verbose_name_plural = _("入库进程")
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        indexes = [models.Index(fields=["town", "to_status", "on_date"])]

    @property
    def headline(self) -> str:
        return move_headline(self.get_from_status_display(), self.get_to_status_display())

    def __str__(self):
        return f"{self.enterprise_id}：{self.get_to_status_display()}（{self.on_date}）"


class ChecklistKey(models.TextChoices):
    APPLICATION = "application", _("一套表调查单位纳入申报表")
    LICENSE = "license", _("营业执照")
    PROFIT = "profit", _("最新利润表")
    VAT = "vat", _("增值税纳税申报表及附列资料(一)")
    PHOTOS = "photos", _("厂门及车间照片")
    PLEDGE = "pledge", _("真实性承诺书")
    LEDGER_12M = "ledger_12m", _("连续12个月产值营收台账（小升规）")
    OUTPUT_NOTE = "output_note", _("产值达标情况说明（新投产）")


def checklist_keys_for(route: str) -> list[str]:
    """domain-rules §1.2 (Hangzhou list [V-local]): common papers + the route-specific one."""
    common = [
        ChecklistKey.APPLICATION,
        ChecklistKey.LICENSE,
        ChecklistKey.PROFIT,
        ChecklistKey.VAT,
        ChecklistKey.PHOTOS,
        ChecklistKey.PLEDGE,
    ]
    extra = ChecklistKey.LEDGER_12M if route == EntryRoute.UPGRADE else ChecklistKey.OUTPUT_NOTE
    return [*common, extra]


class ChecklistItem(TownScopedModel):
    village_path = "enterprise__village"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("企业")
    )
    key = models.CharField(_("材料"), max_length=20, choices=ChecklistKey.choices)
    done = models.BooleanField(_("已完成"), default=False)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("入库材料")
        verbose_name_plural = _("入库材料清单")
        ordering = ["enterprise_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "key"],
                condition=Q(is_deleted=False),
                name="checklist_item_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_key_display()}"


class MonthlyFigure(TownScopedModel):
    """A firm's figures for one month (当月值, not cumulative), amounts in 万元."""

    village_path = "enterprise__village"
    # A bulk write (the monthly-figures import) logs one entry per firm, not per month:
    # {"monthly_figures": {"2025-03": {"revenue": "123.40", …}}} (core.bulk, ObjectChange).
    changelog_bulk_parent = "enterprise"
    changelog_bulk_field = "monthly_figures"
    changelog_bulk_values = ("revenue", "main_revenue", "output_value", "employees", "taxes")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="figures", verbose_name=_("企业")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    revenue = models.DecimalField(
        _("营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    main_revenue = models.DecimalField(
        _("主营业务收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output_value = models.DecimalField(
        _("产值（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    taxes = models.DecimalField(
        _("税收（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("月度经营数据")
        verbose_name_plural = _("月度经营数据")
        ordering = ["enterprise_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month"],
                condition=Q(is_deleted=False),
                name="monthly_figure_unique",
                violation_error_message="该企业该月份的数据已存在。",
            )
        ]
        indexes = [models.Index(fields=["town", "month"])]

    def __str__(self):
        return f"{self.enterprise} {self.month:%Y-%m}"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("数据项")

    def changelog_bulk_key(self) -> str:
        return f"{self.month:%Y-%m}"

    @staticmethod
    def changelog_bulk_text(name, value):
        """Amounts as plain text to the cent ("123.40", "120"), head counts as numbers."""
        if value is None or name == "employees":
            return value
        text = f"{Decimal(str(value)).quantize(Decimal('0.01')) + 0:f}"
        return text[:-3] if text.endswith(".00") else text

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        for name in ("revenue", "main_revenue", "output_value", "taxes"):
            value = getattr(self, name)
            if value is not None and value < 0:
                label = self._meta.get_field(name).verbose_name
                errors[name] = f"{label}不能为负数（填写的是 {value}）。"
        if (
            self.enterprise_id
            and self.month
            and not errors
            and not getattr(self, "_bulk_checked", False)  # the import matched the months
        ):
            clash = (
                MonthlyFigure.objects.filter(enterprise_id=self.enterprise_id, month=self.month)
                .exclude(pk=self.pk)
                .exists()
            )
            if clash:
                errors["month"] = f"该企业 {self.month:%Y年%m月} 的数据已存在，请编辑原记录。"
        if errors:
            raise ValidationError(errors)


_SCOPE_SPLIT = re.compile(r"[\s,，、;；]+")


class ThresholdRule(TownScopedModel):
    """One versioned 四上 rule (domain-rules §1.1); converted to `classification.ThresholdRule`."""

    scope_module = "core"  # administrators only (staff read it)

    category = models.CharField(_("类别"), max_length=14, choices=Category.choices)
    label = models.CharField(_("名称"), max_length=50)
    tier = models.CharField(_("档次"), max_length=2, blank=True)
    scope = models.CharField(
        _("行业范围"),
        max_length=200,
        help_text=_("GB/T 4754-2017 代码前缀，用逗号分隔，如 G, I, N, Q84"),
    )
    metric = models.CharField(_("指标"), max_length=14, choices=Metric.choices)
    min_value_wan = models.DecimalField(
        _("门槛（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("收入类指标必填；资质/活动类留空"),
    )
    effective_from = models.PositiveSmallIntegerField(
        _("起始年度"), null=True, blank=True, help_text=_("含；留空表示未限定")
    )
    effective_to = models.PositiveSmallIntegerField(
        _("终止年度"), null=True, blank=True, help_text=_("含；留空表示至今有效")
    )
    source_url = models.URLField(_("依据来源"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("四上入库标准")
        verbose_name_plural = _("四上入库标准")
        ordering = ["category", "tier", "effective_from", "pk"]

    def __str__(self):
        years = f"{self.effective_from or '…'}–{self.effective_to or '至今'}"
        return f"{self.label}{self.tier and f'（{self.tier}档）'}（{years}）"

    @property
    def scope_list(self) -> tuple[str, ...]:
        return tuple(s for s in _SCOPE_SPLIT.split(self.scope.strip()) if s)

    def to_rule(self) -> cls.ThresholdRule:
        return cls.ThresholdRule(
            category=self.category,
            label=self.label,
            scope=self.scope_list,
            metric=self.metric,
            min_value_wan=self.min_value_wan,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            tier=self.tier or None,
            source_url=self.source_url,
            note=self.note,
        )

    def clean(self):
        try:
            rule = self.to_rule()
        except (ValueError, IndustryCodeError) as exc:
            field = "min_value_wan" if "门槛" in str(exc) else "scope"
            if "年份" in str(exc):
                field = "effective_to"
            raise ValidationError({field: str(exc)}) from None
        self.scope = ", ".join(rule.scope)


class PoolSetting(TownScopedModel):
    """Per-town settings of the 培育库 (domain-rules §1.2: [L] local practice, [?] unconfirmed)."""

    scope_module = "core"

    pool_share = models.DecimalField(
        _("入库培育比例"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("[?] 达到门槛的该比例即纳入培育库（各地常见60%–80%），默认0.70"),
    )
    monthly_deadline_day = models.PositiveSmallIntegerField(
        _("月度入库材料截止日"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("[L] 新开业/新投产单位：目标月份前一个月的该日前报送（厦门火炬区：20日）"),
    )
    annual_batches = models.CharField(
        _("年度入库批次截止日"),
        max_length=60,
        default="11-15, 12-26",
        help_text=_(
            "[L] 小升规年度入库批次，格式 月-日，逗号分隔（富民：11-15、12-26；厦门：10-20）"
        ),
    )

    class Meta:
        verbose_name = _("培育库设置")
        verbose_name_plural = _("培育库设置")
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=Q(is_deleted=False),
                name="pool_setting_one_per_town",
                violation_error_message="本镇已有培育库设置，请编辑原设置。",
            )
        ]

    def __str__(self):
        return f"培育库设置（{self.town}）"

    def batch_dates(self) -> list[tuple[int, int]]:
        out = []
        for part in _SCOPE_SPLIT.split(self.annual_batches.strip()):
            if not part:
                continue
            m = re.fullmatch(r"(\d{1,2})[-/月.](\d{1,2})日?", part)
            if not m:
                raise ValueError(part)
            out.append((int(m.group(1)), int(m.group(2))))
        return sorted(out)

    def clean(self):
        import datetime

        try:
            dates = self.batch_dates()
            for month, day in dates:
                datetime.date(2024, month, day)
        except ValueError:
            raise ValidationError(
                {"annual_batches": "批次日期格式应为「月-日」，多个用逗号分隔，如 11-15, 12-26。"}
            ) from None
        if not dates:
            raise ValidationError({"annual_batches": "至少填写一个年度入库批次日期。"})
