"""征地拆迁 (双征), issue 12 — domain-rules.md §5.

- `LandPriceZone`: 区片综合地价, versioned by effective date and document number.
- `HousePrice`: 房屋补偿标准 per structure, versioned the same way.
- `Campaign`: 征收任务 — the key project / investment it serves, 批文号, target 亩 and 户, the
  交地 deadline, 包保领导 and team; its statutory steps (`CampaignStep`) are scheduled backward
  from the deadline by the projects module's scheduler (`selectors.campaign_schedule`).
- `Parcel`: 地块, area in m² or 亩 (1 亩 = 666.67 m²), GB/T 21010 land type, compensation
  computed from the 区片 price in force.
- `Household`: 被征收户, one file per household, stage 摸底 → … → 结算 each dated.
- `Dispute` and `DisputeContact`: 矛盾/异议/信访 and every contact made until resolved.
- `MapLayer`: village outlines (GeoJSON uploaded by an administrator) for the offline map.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhenwu.core import asof
from zhenwu.core.base import LiveManager, TownScopedModel
from zhenwu.core.idnumbers import validate_resident_id
from zhenwu.land import rules

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
NONNEG = [MinValueValidator(Decimal(0), "不能为负数")]


# 「0101 水田」: the code, then the class name in the reader's language (marked in land.rules).
LAND_TYPE_CHOICES = [(c, format_lazy("{} {}", c, _(n))) for c, n in rules.LAND_TYPES]


class Structure(models.TextChoices):
    FRAME = "frame", _("框架")
    BRICK_CONCRETE = "brick_concrete", _("砖混")
    BRICK_WOOD = "brick_wood", _("砖木")
    EARTH_WOOD = "earth_wood", _("土木")
    SIMPLE = "simple", _("简易")


class Resettlement(models.TextChoices):
    MONEY = "money", _("货币补偿")
    HOUSE = "house", _("安置房")
    HOMESTEAD = "homestead", _("重新安排宅基地")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("未付")
    PARTIAL = "partial", _("部分支付")
    PAID = "paid", _("已付清")


class Stage(models.TextChoices):
    NONE = "none", _("未摸底")
    SURVEY = "survey", _("摸底")
    APPRAISE = "appraise", _("测绘评估")
    PUBLICIZE = "publicize", _("公示")
    SIGN = "sign", _("签约")
    VACATE = "vacate", _("腾空")
    DEMOLISH = "demolish", _("拆除")
    SETTLE = "settle", _("结算")


class DisputeKind(models.TextChoices):
    CONFLICT = "conflict", _("矛盾")
    OBJECTION = "objection", _("异议")
    PETITION = "petition", _("信访")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("未化解")
    RESOLVED = "resolved", _("已化解")


class StepKey(models.TextChoices):
    PRE_NOTICE = "pre_notice", _("征收预公告")
    SURVEY = "survey", _("土地现状调查")
    RISK = "risk", _("社会稳定风险评估")
    DRAFT = "draft", _("补偿安置方案拟定")
    PUBLISH = "publish", _("补偿安置方案公告")
    REGISTER = "register", _("补偿登记")
    SIGN = "sign", _("补偿安置协议签订")
    APPROVAL = "approval", _("报批")
    NOTICE = "notice", _("征收土地公告")
    PAY = "pay", _("补偿兑付")
    HANDOVER = "handover", _("交地")


def _rid_errors(value: str) -> tuple[str, list[str]]:
    res = validate_resident_id(value, today=asof.today())
    return res.normalized, list(res.errors)


# --- price tables ----------------------------------------------------------------------------
class LandPriceZone(TownScopedModel):
    """区片综合地价 (one row per zone and effective date)."""

    scope_module = "core"  # administrators only (land staff read it)

    zone_code = models.CharField(_("区片编号"), max_length=20)
    grade = models.CharField(_("区片等级"), max_length=20, blank=True)
    county = models.CharField(_("县（市）区划代码"), max_length=6, default="421081")
    price_yuan_per_mu = models.DecimalField(
        _("综合地价（元/亩）"), max_digits=12, decimal_places=2, validators=NONNEG
    )
    land_comp_ratio = models.DecimalField(
        _("土地补偿费占比（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(40),
        validators=[*NONNEG, MaxValueValidator(Decimal(100), "不能超过100%")],
    )
    resettlement_ratio = models.DecimalField(
        _("安置补助费占比（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[*NONNEG, MaxValueValidator(Decimal(100), "不能超过100%")],
    )
    effective_from = models.DateField(_("执行日期"))
    doc_no = models.CharField(_("文件文号"), max_length=60)

    class Meta:
        verbose_name = _("区片综合地价")
        verbose_name_plural = _("区片综合地价")
        ordering = ["zone_code", "-effective_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "zone_code", "effective_from"],
                condition=Q(is_deleted=False),
                name="land_zone_unique_version",
                violation_error_message="该区片在该执行日期已有地价。",
            )
        ]

    def __str__(self):
        return f"区片{self.zone_code}（{self.effective_from}起）"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("区片地价")

    def clean(self):
        if (
            self.land_comp_ratio is not None
            and self.resettlement_ratio is not None
            and self.land_comp_ratio + self.resettlement_ratio > 100
        ):
            raise ValidationError(
                {"resettlement_ratio": "土地补偿费与安置补助费占比合计不能超过100%"}
            )


class HousePrice(TownScopedModel):
    """房屋补偿标准 (per structure and effective date)."""

    scope_module = "core"  # administrators only (land staff read it)

    structure = models.CharField(_("房屋结构"), max_length=16, choices=Structure.choices)
    price_yuan_per_m2 = models.DecimalField(
        _("补偿单价（元/平方米）"), max_digits=10, decimal_places=2, validators=NONNEG
    )
    uncertified_pct = models.DecimalField(
        _("无证面积补偿比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[*NONNEG, MaxValueValidator(Decimal(100), "不能超过100%")],
    )
    effective_from = models.DateField(_("执行日期"))
    doc_no = models.CharField(_("文件文号"), max_length=60)

    class Meta:
        verbose_name = _("房屋补偿标准")
        verbose_name_plural = _("房屋补偿标准")
        ordering = ["structure", "-effective_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "structure", "effective_from"],
                condition=Q(is_deleted=False),
                name="land_houseprice_unique_version",
                violation_error_message="该结构在该执行日期已有补偿标准。",
            )
        ]

    def __str__(self):
        return f"{self.get_structure_display()}（{self.effective_from}起）"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("补偿标准")


# --- campaigns -------------------------------------------------------------------------------
class Campaign(TownScopedModel):
    """征收任务: town-level (village cadres read it; their households are theirs)."""

    scope_module = "land"

    name = models.CharField(_("征收任务"), max_length=100)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="land_campaigns",
        verbose_name=_("服务的重点项目"),
    )
    investment = models.ForeignKey(
        "investment.Investment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="land_campaigns",
        verbose_name=_("服务的招商项目"),
    )
    approval_no = models.CharField(_("批文号"), max_length=60, blank=True)
    scope = models.TextField(_("征收范围"), blank=True)
    target_mu = models.DecimalField(
        _("目标面积（亩）"), max_digits=12, decimal_places=2, validators=NONNEG
    )
    target_households = models.PositiveIntegerField(_("目标户数"), default=0)
    start_date = models.DateField(_("启动日期"), help_text=_("征收预公告最早可发布的日期"))
    handover_deadline = models.DateField(_("交地期限"), help_text=_("倒排工期的锚点"))
    handed_over_on = models.DateField(_("实际交地日期"), null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_land_campaigns",
        verbose_name=_("包保领导"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="land_campaign_teams",
        verbose_name=_("专班成员"),
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("征收任务")
        verbose_name_plural = _("征收任务")
        ordering = ["-handover_deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="land_campaign_unique_name",
                violation_error_message="已有同名的征收任务。",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.handover_deadline and self.handover_deadline < self.start_date:
            raise ValidationError({"handover_deadline": "交地期限不能早于启动日期"})
        if self.handed_over_on and self.start_date and self.handed_over_on < self.start_date:
            raise ValidationError({"handed_over_on": "实际交地日期不能早于启动日期"})

    @property
    def is_completed(self) -> bool:
        return self.handed_over_on is not None


class CampaignStep(TownScopedModel):
    """One statutory step of a campaign (a milestone of its backward schedule)."""

    scope_module = "land"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="steps", verbose_name=_("征收任务")
    )
    key = models.CharField(_("程序"), max_length=16, choices=StepKey.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    duration = models.PositiveIntegerField(
        _("工期"), help_text=_("工作日；补偿安置方案公告按自然日")
    )
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完成"), null=True, blank=True)

    class Meta:
        verbose_name = _("征收程序节点")
        verbose_name_plural = _("征收程序节点")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "key"],
                condition=Q(is_deleted=False),
                name="land_step_unique",
            )
        ]

    def __str__(self):
        return f"{self.campaign} · {self.get_key_display()}"

    def clean(self):
        if self.duration is not None:
            problem = rules.check_step_duration(self.key, self.duration)
            if problem:
                raise ValidationError({"duration": problem})
        if self.actual_finish and not self.actual_start:
            raise ValidationError({"actual_start": "填写实际完成前请先填写实际开始"})
        if self.actual_finish and self.actual_start and self.actual_finish < self.actual_start:
            raise ValidationError({"actual_finish": "实际完成不能早于实际开始"})
        loaded = getattr(self, "_loaded_values", None) or {}
        starting = self.actual_start and loaded.get("actual_start") is None
        if self.key in rules.AFTER_PUBLISH and starting and self.campaign_id:
            pending = Hearing.objects.filter(campaign_id=self.campaign_id, held_on__isnull=True)
            n = pending.count()
            if n:
                raise ValidationError(
                    {
                        "actual_start": f"本任务有{n}件听证申请尚未举行听证，须先举行听证，"
                        f"才能开始「{self.get_key_display()}」"
                    }
                )


# --- parcels and households ------------------------------------------------------------------
class _Compensated(TownScopedModel):
    """What parcels and households share: a cadre (包户), the payment, the override reason."""

    village_path = "village"
    scope_module = "land"
    personal_fields = ()
    person_roles = {"cadre": "member"}

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, verbose_name=_("征收任务"))
    number = models.CharField(_("编号"), max_length=30)
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    group = models.CharField(_("村民小组"), max_length=30, blank=True)
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("包户干部"),
    )
    paid_amount = models.DecimalField(_("已付金额（元）"), **MONEY, validators=NONNEG)
    override_reason = models.CharField(
        _("调整原因"),
        max_length=200,
        blank=True,
        help_text=_("补偿金额与按价格标准计算的不同，或付款超过核定补偿时必填（记入变更记录）"),
    )
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        abstract = True

    def _check_point(self, errors):
        if self.lon is not None and not (-180 <= self.lon <= 180):
            errors["lon"] = ["经度应在−180～180之间"]
        if self.lat is not None and not (-90 <= self.lat <= 90):
            errors["lat"] = ["纬度应在−90～90之间"]

    def _check_number_unique(self, errors):
        if not (self.campaign_id and self.number) or getattr(self, "_keys_checked", False):
            return  # (an import has matched every row by its key already, in one query)
        clash = (
            type(self)
            .objects.filter(campaign_id=self.campaign_id, number=self.number)
            .exclude(pk=self.pk)
            .exists()
        )
        if clash:
            errors["number"] = [f"编号「{self.number}」在本征收任务中已存在"]


class Parcel(_Compensated):
    """地块 (ledger: 地块台账)."""

    contractor_name = models.CharField(_("承包户"), max_length=30, blank=True)
    contractor_id = models.CharField(_("承包户身份证号码"), max_length=18, blank=True)
    location = models.CharField(_("坐落"), max_length=100, blank=True)
    area_m2 = models.DecimalField(
        _("面积（平方米）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    area_mu = models.DecimalField(
        _("面积（亩）"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    land_type = models.CharField(_("地类"), max_length=4, choices=LAND_TYPE_CHOICES)
    basic_farmland = models.BooleanField(_("永久基本农田"), default=False)
    price_zone = models.CharField(_("区片"), max_length=20, blank=True)
    land_comp = models.DecimalField(_("土地补偿费（元）"), **MONEY, validators=NONNEG)
    resettlement_comp = models.DecimalField(_("安置补助费（元）"), **MONEY, validators=NONNEG)
    crop_comp = models.DecimalField(_("青苗费（元）"), **MONEY, validators=NONNEG)
    attachment_comp = models.DecimalField(_("地上附着物（元）"), **MONEY, validators=NONNEG)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    agreed_on = models.DateField(_("协议日期"), null=True, blank=True)
    payment_status = models.CharField(
        _("付款状态"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    handed_over_on = models.DateField(_("交地日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["campaign", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                condition=Q(is_deleted=False),
                name="land_parcel_unique_number",
                violation_error_message="地块编号在本征收任务中已存在。",
            )
        ]
        indexes = [models.Index(fields=["campaign", "village"])]

    def __str__(self):
        return self.number

    @property
    def computed_parts(self) -> tuple[Decimal, Decimal] | None:
        """(土地补偿费, 安置补助费) from the 区片 price in force on the agreement (or
        registration) date; None without a zone or price."""
        if not (self.price_zone and self.area_mu and self.town_id):
            return None
        on = self.agreed_on or self.registered_on or asof.today()
        cache = getattr(self, "_price_cache", None)  # an import reads the table once
        if cache is not None:
            rows = cache.get(self.price_zone, [])
        else:
            rows = LandPriceZone.objects.filter(town_id=self.town_id, zone_code=self.price_zone)
        row = rules.pick_version([(r.effective_from, r) for r in rows], on)
        if row is None:
            return None
        return rules.land_compensation(
            self.area_mu, row.price_yuan_per_mu, row.land_comp_ratio, row.resettlement_ratio
        )

    @property
    def total_comp(self) -> Decimal:
        return sum(
            (x or Decimal(0))
            for x in (self.land_comp, self.resettlement_comp, self.crop_comp, self.attachment_comp)
        )

    total_comp.fget.short_description = _("补偿合计（元）")

    def clean(self):
        errors: dict[str, list[str]] = {}
        loaded = getattr(self, "_loaded_values", None) or {}
        if self.pk and self.area_m2 is not None and self.area_mu is not None:
            # An edit that changed one unit only: the other follows it (both changed and
            # disagreeing is the error).
            m2_changed = loaded.get("area_m2") != self.area_m2
            mu_changed = loaded.get("area_mu") != self.area_mu
            if mu_changed and not m2_changed:
                self.area_m2 = None
            elif m2_changed and not mu_changed:
                self.area_mu = None
        try:
            self.area_m2, self.area_mu = rules.resolve_area(self.area_m2, self.area_mu)
        except rules.RuleError as exc:
            errors[exc.field] = [exc.message]
        if self.contractor_id:
            self.contractor_id, problems = _rid_errors(self.contractor_id)
            if problems:
                errors["contractor_id"] = problems
        if self.price_zone and self.area_mu and "area_mu" not in errors:
            computed = self.computed_parts
            if computed is None:
                errors["price_zone"] = [
                    f"区片「{self.price_zone}」在{self.agreed_on or self.registered_on or '今天'}没有执行中的综合地价"
                ]
            else:
                land, resettle = computed
                if self.land_comp is None:
                    self.land_comp = land
                if self.resettlement_comp is None:
                    self.resettlement_comp = resettle
                differs = self.land_comp != land or self.resettlement_comp != resettle
                if differs and not self.override_reason.strip():
                    errors["override_reason"] = [
                        f"按区片地价计算：土地补偿费 {land} 元、安置补助费 {resettle} 元；"
                        "填写不同的金额须说明调整原因"
                    ]
        problem = rules.check_payment(self.paid_amount, self.total_comp, self.override_reason)
        if problem:
            errors["paid_amount"] = [problem]
        for later, earlier, label in (
            ("agreed_on", "registered_on", "协议日期不能早于登记日期"),
            ("handed_over_on", "agreed_on", "交地日期不能早于协议日期"),
        ):
            a, b = getattr(self, later), getattr(self, earlier)
            if a and b and a < b:
                errors[later] = [label]
        if self.handed_over_on and not self.agreed_on:
            errors.setdefault("handed_over_on", []).append("尚未签订协议，不能交地")
        self._check_point(errors)
        self._check_number_unique(errors)
        if errors:
            raise ValidationError(errors)


class HouseholdManager(LiveManager):
    """Every household read carries `open_dispute` (an open 矛盾/异议/信访), one subquery, so
    every list, board and API flags it without a query per household."""

    def get_queryset(self):
        open_disputes = Dispute.objects.filter(household=models.OuterRef("pk"), status="open")
        return super().get_queryset().annotate(open_dispute=models.Exists(open_disputes))


class Household(_Compensated):
    """被征收户 (一户一档)."""

    objects = HouseholdManager()

    head_name = models.CharField(_("户主"), max_length=30)
    head_id = models.CharField(_("户主身份证号码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    members = models.PositiveSmallIntegerField(_("安置人口"), default=1)
    homestead_m2 = models.DecimalField(
        _("宅基地面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=NONNEG,
    )  # fmt: skip
    structure = models.CharField(
        _("房屋结构"), max_length=16, choices=Structure.choices, blank=True
    )
    floors = models.PositiveSmallIntegerField(
        _("层数"), null=True, blank=True, validators=[MaxValueValidator(20, "层数不能超过20")]
    )
    area_certified = models.DecimalField(
        _("证载建筑面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=NONNEG,
    )  # fmt: skip
    area_uncertified = models.DecimalField(
        _("无证建筑面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=NONNEG,
    )  # fmt: skip
    year_built = models.PositiveSmallIntegerField(
        _("建成年份"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1900, "建成年份应在1900年之后"),
            MaxValueValidator(2100, "建成年份无效"),
        ],
    )
    appraiser = models.CharField(_("评估机构"), max_length=60, blank=True)
    appraised_value = models.DecimalField(_("评估额（元）"), **MONEY, validators=NONNEG)
    resettlement = models.CharField(
        _("安置方式"), max_length=12, choices=Resettlement.choices, blank=True
    )
    house_comp = models.DecimalField(_("房屋补偿（元）"), **MONEY, validators=NONNEG)
    decoration_comp = models.DecimalField(_("装修补偿（元）"), **MONEY, validators=NONNEG)
    attachment_comp = models.DecimalField(_("附属物补偿（元）"), **MONEY, validators=NONNEG)
    moving_fee = models.DecimalField(_("搬迁费（元）"), **MONEY, validators=NONNEG)
    transition_fee = models.DecimalField(_("过渡费（元）"), **MONEY, validators=NONNEG)
    reward = models.DecimalField(_("奖励（元）"), **MONEY, validators=NONNEG)
    stage = models.CharField(
        _("阶段"), max_length=10, choices=Stage.choices, default=Stage.NONE, editable=False
    )
    surveyed_on = models.DateField(_("摸底日期"), null=True, blank=True)
    appraised_on = models.DateField(_("测绘评估日期"), null=True, blank=True)
    publicized_on = models.DateField(_("公示日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    vacated_on = models.DateField(_("腾空日期"), null=True, blank=True)
    demolished_on = models.DateField(_("拆除日期"), null=True, blank=True)
    settled_on = models.DateField(_("结算日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("被征收户")
        verbose_name_plural = _("被征收户")
        ordering = ["campaign", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                condition=Q(is_deleted=False),
                name="land_household_unique_number",
                violation_error_message="户编号在本征收任务中已存在。",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "village"]),
            models.Index(fields=["campaign", "stage"]),
        ]

    def __str__(self):
        return f"{self.number} {self.head_name}"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("被征收户")

    @property
    def dispute_flag(self) -> str:
        """ "有未化解矛盾" when the household has an open dispute (read with the manager's
        annotation; a household loaded otherwise asks once)."""
        flag = getattr(self, "open_dispute", None)
        if flag is None and self.pk:
            flag = self.disputes.filter(status=DisputeStatus.OPEN).exists()
        return "有未化解矛盾" if flag else ""

    dispute_flag.fget.short_description = _("矛盾纠纷")

    def stage_dates(self) -> dict:
        return {f: getattr(self, f) for f in rules.STAGE_FIELDS.values()}

    @property
    def computed_house_comp(self) -> Decimal | None:
        if not (self.structure and self.town_id) or (
            self.area_certified is None and self.area_uncertified is None
        ):
            return None
        on = self.appraised_on or self.surveyed_on or asof.today()
        cache = getattr(self, "_price_cache", None)  # an import reads the table once
        if cache is not None:
            rows = cache.get(self.structure, [])
        else:
            rows = HousePrice.objects.filter(town_id=self.town_id, structure=self.structure)
        row = rules.pick_version([(r.effective_from, r) for r in rows], on)
        if row is None:
            return None
        return rules.house_compensation(
            self.area_certified, self.area_uncertified, row.price_yuan_per_m2, row.uncertified_pct
        )

    @property
    def total_comp(self) -> Decimal:
        return sum(
            (x or Decimal(0))
            for x in (
                self.house_comp,
                self.decoration_comp,
                self.attachment_comp,
                self.moving_fee,
                self.transition_fee,
                self.reward,
            )
        )

    total_comp.fget.short_description = _("补偿合计（元）")

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.head_id:
            self.head_id, problems = _rid_errors(self.head_id)
            if problems:
                errors["head_id"] = problems
        computed = self.computed_house_comp
        if computed is not None:
            if self.house_comp is None:
                self.house_comp = computed
            elif self.house_comp != computed and not self.override_reason.strip():
                errors["override_reason"] = [
                    f"按房屋补偿标准计算房屋补偿为 {computed} 元；填写不同的金额须说明调整原因"
                ]
        elif self.structure and (self.area_certified or self.area_uncertified):
            on = self.appraised_on or self.surveyed_on or asof.today()
            errors["structure"] = [
                f"{on}没有执行中的「{self.get_structure_display()}」房屋补偿标准"
            ]
        problem = rules.check_payment(self.paid_amount, self.total_comp, self.override_reason)
        if problem:
            errors["paid_amount"] = [problem]
        appraised = bool(self.appraised_on and self.appraiser and self.appraised_value is not None)
        self._check_hearing(errors)
        for f, message in rules.check_stage_dates(self.stage_dates(), appraised=appraised).items():
            errors.setdefault(f, []).append(message)
        self._check_point(errors)
        self._check_number_unique(errors)
        if errors:
            raise ValidationError(errors)

    def _check_hearing(self, errors):
        """签约 rests on the published 方案: not while a hearing this household (or its
        collective, a request without a household) asked for has not been held."""
        loaded = getattr(self, "_loaded_values", None) or {}
        if not (self.signed_on and self.campaign_id) or loaded.get("signed_on") is not None:
            return
        cache = getattr(self, "_hearing_cache", None)  # an import reads the requests once
        if cache is not None:
            blockers = cache.get(self.campaign_id, set())
            blocked = 0 in blockers or (self.pk is not None and self.pk in blockers)
        else:
            blocked = (
                Hearing.objects.filter(campaign_id=self.campaign_id, held_on__isnull=True)
                .filter(Q(household__isnull=True) | Q(household_id=self.pk))
                .exists()
            )
        if blocked:
            errors.setdefault("signed_on", []).append(
                "该户（或所在集体）申请的听证尚未举行，须先举行听证才能签约"
            )

    def save(self, *args, **kwargs):
        # The stage always follows the dates, whichever door saved them.
        self.stage = rules.stage_of(self.stage_dates())
        super().save(*args, **kwargs)


class Dispute(TownScopedModel):
    """矛盾/异议/信访 of a household."""

    village_path = "household__village"
    scope_module = "land"

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("被征收户")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=DisputeKind.choices)
    raised_on = models.DateField(_("提出日期"))
    summary = models.TextField(_("诉求"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolved_on = models.DateField(_("化解日期"), null=True, blank=True)
    resolution = models.TextField(_("化解情况"), blank=True)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-raised_on", "pk"]

    def __str__(self):
        return f"{self.household} · {self.get_kind_display()}（{self.raised_on}）"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("矛盾纠纷")

    def clean(self):
        errors = {}
        if self.status == DisputeStatus.RESOLVED:
            if not self.resolved_on:
                errors["resolved_on"] = "已化解的须填写化解日期"
            if not self.resolution.strip():
                errors["resolution"] = "已化解的须填写化解情况"
        elif self.resolved_on:
            errors["resolved_on"] = "未化解的不能填写化解日期"
        if self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = "化解日期不能早于提出日期"
        if errors:
            raise ValidationError(errors)


class DisputeContact(TownScopedModel):
    """One contact made about a dispute (date, who, what was said, next step)."""

    village_path = "dispute__household__village"
    scope_module = "land"

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("矛盾纠纷")
    )
    contacted_on = models.DateField(_("日期"))
    who = models.CharField(_("接谈人"), max_length=60)
    said = models.TextField(_("谈话内容"))
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("接谈记录")
        verbose_name_plural = _("接谈记录")
        ordering = ["contacted_on", "pk"]

    def __str__(self):
        return f"{self.contacted_on} {self.who}"

    def clean(self):
        if self.dispute_id and self.contacted_on and self.contacted_on < self.dispute.raised_on:
            raise ValidationError({"contacted_on": "接谈日期不能早于诉求提出日期"})


class Hearing(TownScopedModel):
    """听证: requested by a household or a collective (村/组) within the 方案公告 period; until
    it is held, no household of the request signs and no step after 方案公告 starts."""

    village_path = "village"
    scope_module = "land"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("征收任务")
    )
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    group = models.CharField(_("村民小组"), max_length=30, blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("申请户"),
        help_text=_("不填：由集体经济组织（村、组）申请"),
    )
    applicant = models.CharField(_("申请人"), max_length=60)
    requested_on = models.DateField(_("申请日期"))
    held_on = models.DateField(_("听证日期"), null=True, blank=True)
    outcome = models.TextField(_("听证结果"), blank=True)

    class Meta:
        verbose_name = _("听证")
        verbose_name_plural = _("听证")
        ordering = ["-requested_on", "pk"]

    def __str__(self):
        who = self.household.head_name if self.household_id else f"{self.village}{self.group}"
        return f"{self.campaign} · {who}听证申请（{self.requested_on}）"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("听证")

    @property
    def status(self) -> str:
        return "已举行" if self.held_on else "待举行"

    status.fget.short_description = _("状态")

    def clean(self):
        errors: dict[str, list[str]] = {}
        window = None
        if self.campaign_id:
            publish = CampaignStep.objects.filter(
                campaign_id=self.campaign_id, key=StepKey.PUBLISH
            ).first()
            if publish is not None:
                window = rules.hearing_window(
                    publish.actual_start, publish.duration, publish.actual_finish
                )
        for f, message in rules.check_hearing(
            self.requested_on, self.held_on, self.outcome, window
        ).items():
            errors.setdefault(f, []).append(message)
        if self.household_id:
            h = self.household
            if self.campaign_id and h.campaign_id != self.campaign_id:
                errors.setdefault("household", []).append("申请户不属于该征收任务")
            if self.village_id and h.village_id != self.village_id:
                errors.setdefault("village", []).append("村（社区）与申请户所在村不一致")
        if errors:
            raise ValidationError(errors)


class InsuranceStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已公示")
    INSURED = "insured", _("已参保")


class SocialSecurityEntry(TownScopedModel):
    """社保名单: a land-lost farmer of a campaign's household eligible for 被征地农民社会保障
    (土地管理法第48条). The age group is counted on the requisition date (征收土地公告, until
    then the campaign's start) from the ID number; the ID is a personal field (masked)."""

    village_path = "household__village"
    scope_module = "land"

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="social_security",
        verbose_name=_("征收任务"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="social_security",
        verbose_name=_("被征收户"),
    )
    name = models.CharField(_("姓名"), max_length=30)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    per_capita_mu = models.DecimalField(
        _("人均失地面积（亩）"), max_digits=10, decimal_places=4, validators=NONNEG
    )
    age_group = models.CharField(
        _("年龄段"), max_length=10, choices=rules.AGE_GROUPS, blank=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=InsuranceStatus.choices, default=InsuranceStatus.PENDING
    )

    class Meta:
        verbose_name = _("社保名单")
        verbose_name_plural = _("社保名单")
        ordering = ["campaign", "household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_number"],
                condition=Q(is_deleted=False),
                name="land_social_security_unique_person",
                violation_error_message="此人已在本征收任务的社保名单中。",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.household.number if self.household_id else ''}）"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("社保名单")

    # The ledger names the household by its 户编号 within the row's campaign.
    @property
    def household_number(self) -> str:
        pending = getattr(self, "_household_number", None)
        if pending is not None:
            return pending
        return self.household.number if self.household_id else ""

    @household_number.setter
    def household_number(self, value):
        self._household_number = value

    def _requisition_date(self):
        cache = getattr(self, "_notice_cache", None)
        if cache is not None and self.campaign_id in cache:
            return cache[self.campaign_id]
        notice = (
            CampaignStep.objects.filter(campaign_id=self.campaign_id, key=StepKey.NOTICE)
            .values_list("actual_start", flat=True)
            .first()
        )
        return rules.requisition_date(notice, self.campaign.start_date)

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.id_number:
            self.id_number, problems = _rid_errors(self.id_number)
            if problems:
                errors["id_number"] = problems
        if (
            self.household_id
            and self.campaign_id
            and self.household.campaign_id != self.campaign_id
        ):
            errors["household"] = ["该户不属于此征收任务"]
        if self.id_number and "id_number" not in errors and self.campaign_id:
            self.age_group = rules.age_group(self.id_number, self._requisition_date())
        if self.campaign_id and self.id_number and not getattr(self, "_keys_checked", False):
            clash = (
                SocialSecurityEntry.objects.filter(
                    campaign_id=self.campaign_id, id_number=self.id_number
                )
                .exclude(pk=self.pk)
                .exists()
            )
            if clash:
                errors.setdefault("id_number", []).append("此人已在本征收任务的社保名单中")
        if errors:
            raise ValidationError(errors)


class MapLayer(TownScopedModel):
    """村界底图: a GeoJSON of village outlines (WGS 84 / CGCS2000 longitude–latitude)."""

    scope_module = "land"

    name = models.CharField(_("名称"), max_length=60)
    geojson = models.JSONField(_("村界数据"), default=dict)
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("村界底图")
        verbose_name_plural = _("村界底图")
        ordering = ["-pk"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            rules.check_geojson(self.geojson)
        except rules.RuleError as exc:
            raise ValidationError({"geojson": exc.message}) from None
