"""强特色: agricultural bases, their seasons and output.

- `Crop`: 作物/产品 (羊肚菌, 金蝉, 火龙果 …) — a town's own list; the agriculture clerk adds one
  on the 作物品种 page, no developer needed.
- `SalesChannel`: 销售渠道 (the city's 菜篮子, 电商 …) — the town's own list, like crops.
- `Base`: 农业基地 — crop, planting mode, area in 亩, main village and the other villages it
  spans, operator (an enterprise of the register, or a cooperative / family farm / household
  by name), location point or GeoJSON outline, start year, investment (万元). A base larger
  than its villages' farmland on record carries a stored warning (`rules_bases`).
- `Season`: 生产季 of a base — planted area, planting and harvest dates, output as entered
  (kg or 吨) and normalised to kg, output value (万元), sales channels, jobs created and the
  workers of the labour register employed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenwu.agriculture import rules_bases as rules
from zhenwu.core.base import TownScopedModel
from zhenwu.core.fields import village_field

__all__ = ["Base", "Crop", "OperatorKind", "OutputUnit", "SalesChannel", "Season"]


class OperatorKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    HOUSEHOLD = "household", _("种养大户（农户）")
    COLLECTIVE = "collective", _("村集体经济组织")


class OutputUnit(models.TextChoices):
    KG = "kg", _("千克")
    TON = "t", _("吨")


class Crop(TownScopedModel):
    """作物/产品. Each town keeps its own list; a clerk adds one on the page."""

    name = models.CharField(_("作物/产品"), max_length=30)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("作物品种")
        verbose_name_plural = _("作物品种")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="agriculture_crop_unique",
                violation_error_message="本镇已有该作物/产品。",
            )
        ]

    def __str__(self):
        return self.name


class SalesChannel(TownScopedModel):
    """销售渠道 (菜篮子, 商超, 电商 …): the town's own list."""

    name = models.CharField(_("销售渠道"), max_length=30)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("销售渠道")
        verbose_name_plural = _("销售渠道")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="agriculture_channel_unique",
                violation_error_message="本镇已有该销售渠道。",
            )
        ]

    def __str__(self):
        return self.name


_DEC = {"max_digits": 12, "decimal_places": 2}


class Base(TownScopedModel):
    village_path = "village"

    name = models.CharField(_("基地名称"), max_length=100)
    crop = models.ForeignKey(
        Crop, on_delete=models.PROTECT, related_name="bases", verbose_name=_("作物/产品")
    )
    planting_mode = models.CharField(
        _("种养模式"),
        max_length=50,
        blank=True,
        help_text=_("如：林下立体种养、大棚种植、露地种植"),
    )
    area_mu = models.DecimalField(
        _("基地面积（亩）"), **_DEC, validators=[MinValueValidator(rules.MIN_AREA)]
    )
    village = village_field(_("所在村（社区）"))
    other_villages = models.ManyToManyField(
        "core.Village",
        blank=True,
        related_name="+",
        verbose_name=_("涉及其他村"),
        help_text=_("基地跨村时选择"),
    )
    operator_kind = models.CharField(
        _("经营主体类型"),
        max_length=12,
        choices=OperatorKind.choices,
        default=OperatorKind.COOPERATIVE,
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经营企业"),
        help_text=_("经营主体为企业时，从企业名录中选择"),
    )
    operator_name = models.CharField(
        _("经营主体名称"), max_length=100, blank=True, help_text=_("合作社、家庭农场或农户的名称")
    )
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    outline = models.TextField(
        _("基地范围（地图边界）"), blank=True, help_text=_("经纬度坐标的边界（GeoJSON 面），可不填")
    )
    start_year = models.PositiveSmallIntegerField(
        _("建设年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
    )
    investment = models.DecimalField(_("累计投资（万元）"), **_DEC, null=True, blank=True)
    warning = models.TextField(_("提醒"), blank=True, editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("农业基地")
        verbose_name_plural = _("农业基地")
        ordering = ["crop__order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="agriculture_base_unique",
                violation_error_message="本镇已有同名基地。",
            )
        ]
        indexes = [models.Index(fields=["town", "village"])]

    def __str__(self):
        return self.name

    @property
    def operator(self) -> str:
        if self.enterprise_id:
            return str(self.enterprise)
        return self.operator_name

    operator.fget.short_description = _("经营主体")

    def villages(self) -> list:
        """The main village and the others the base spans (saved ones only)."""
        out = [self.village] if self.village_id else []
        if self.pk:
            out += [v for v in self.other_villages.all() if v.pk != self.village_id]
        return out

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.operator_kind == OperatorKind.ENTERPRISE:
            if not self.enterprise_id and not self.operator_name:
                errors["enterprise"] = ["经营主体为企业时，请从企业名录中选择经营企业"]
        elif self.enterprise_id:
            errors["enterprise"] = ["经营主体不是企业时，不能选择经营企业；请填写经营主体名称"]
        elif not self.operator_name:
            errors["operator_name"] = ["请填写经营主体名称（合作社、家庭农场或农户）"]
        if self.enterprise_id and self.town_id and self.enterprise.town_id != self.town_id:
            errors["enterprise"] = ["经营企业不属于本镇"]
        errors.update(rules.check_point(self.lat, self.lng))
        if self.outline:
            try:
                self.outline = rules.check_outline(self.outline)
            except rules.RuleError as exc:
                errors.setdefault("outline", []).append(exc.message)
        if self.crop_id and self.town_id and self.crop.town_id != self.town_id:
            errors["crop"] = ["作物/产品不属于本镇"]
        if errors:
            raise ValidationError(errors)
        self.warning = rules.base_warning(self)


class Season(TownScopedModel):
    village_path = "base__village"

    base = models.ForeignKey(
        Base, on_delete=models.PROTECT, related_name="seasons", verbose_name=_("基地")
    )
    label = models.CharField(
        _("茬口/季别"), max_length=30, help_text=_("如：2025年秋冬茬、2025年度")
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, editable=False)
    planted_area_mu = models.DecimalField(
        _("种植面积（亩）"), **_DEC, validators=[MinValueValidator(rules.MIN_AREA)]
    )
    planting_date = models.DateField(_("种植日期"))
    harvest_start = models.DateField(_("采收开始日期"), null=True, blank=True)
    harvest_end = models.DateField(_("采收结束日期"), null=True, blank=True)
    output_amount = models.DecimalField(
        _("产量"), max_digits=14, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    output_unit = models.CharField(
        _("产量单位"), max_length=2, choices=OutputUnit.choices, default=OutputUnit.KG
    )
    output_kg = models.DecimalField(
        _("产量（千克）"), max_digits=16, decimal_places=3, null=True, editable=False
    )
    output_value = models.DecimalField(
        _("产值（万元）"), **_DEC, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    sales_channels = models.ManyToManyField(
        SalesChannel, blank=True, related_name="+", verbose_name=_("销售渠道")
    )
    jobs_created = models.PositiveIntegerField(_("带动就业（人）"), default=0)
    workers = models.ManyToManyField(
        "labor.Worker",
        blank=True,
        related_name="+",
        verbose_name=_("务工人员"),
        help_text=_("在劳务品牌务工人员名册中登记的，可关联"),
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("基地生产季")
        verbose_name_plural = _("基地生产季")
        ordering = ["-planting_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "label"],
                condition=Q(is_deleted=False),
                name="agriculture_season_unique",
                violation_error_message="该基地已登记这一茬口/季别。",
            )
        ]
        indexes = [models.Index(fields=["town", "planting_date"])]

    def __str__(self):
        return f"{self.base} {self.label}" if self.base_id else self.label

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("生产季")

    @property
    def output_ton(self):
        return rules.kg_to_ton(self.output_kg)

    output_ton.fget.short_description = _("产量（吨）")

    def clean(self):
        errors = rules.check_season(
            planting_date=self.planting_date,
            harvest_start=self.harvest_start,
            harvest_end=self.harvest_end,
            planted_area_mu=self.planted_area_mu,
            base_area_mu=self.base.area_mu if self.base_id else None,
            base_name=str(self.base) if self.base_id else "",
        )
        if self.base_id and self.town_id and self.base.town_id != self.town_id:
            errors["base"] = ["基地不属于本镇"]
        if errors:
            raise ValidationError(errors)
        self._normalise()

    def _normalise(self):
        if self.planting_date:
            self.year = self.planting_date.year
        self.output_kg = rules.to_kg(self.output_amount, self.output_unit)

    def save(self, *args, **kwargs):
        # Year and kg always follow what was typed, whichever door saved it.
        self._normalise()
        super().save(*args, **kwargs)
