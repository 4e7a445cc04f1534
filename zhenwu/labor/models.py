"""The waterproofing-worker brand 「石首防水建筑工」 (issue 14).

- `Trade`: 工种 (防水工, 保温工 …), a reference table seeded by migration, extended in the admin.
- `Worker`: the registry (resident ID validated as GB 11643, sex and birth date derived from it),
  village, trade, skill level, employment, current employer and place, income band.
- `Certificate`: 证书 held by a worker (type, number, issuer, issued, expires), possibly issued
  by an `Exam` of the training base.
- `TrainingBase`, `Course`, `TrainingSession`, `Enrollment` (trainees and attendance), `Exam`.
- `Placement`: 就业 — worker, employer (the enterprise register when local), project, place and
  its destination class (本镇 / 本县市 / 本省 / 外省 / 境外), start/end, wage band.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenwu.core import asof
from zhenwu.core.base import ChangeLoggedModel, TownScopedModel
from zhenwu.core.fields import village_field
from zhenwu.labor import rules


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class SkillLevel(models.TextChoices):
    L5 = "5", _("初级工（五级）")
    L4 = "4", _("中级工（四级）")
    L3 = "3", _("高级工（三级）")
    L2 = "2", _("技师（二级）")
    L1 = "1", _("高级技师（一级）")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗务工")
    SEEKING = "seeking", _("待岗求职")
    SELF_EMPLOYED = "self", _("自主创业")
    INACTIVE = "inactive", _("暂不务工")


class Destination(models.TextChoices):
    TOWN = "town", _("本镇")
    COUNTY = "county", _("本县市（镇外）")
    PROVINCE = "province", _("本省（县市外）")
    OTHER_PROVINCE = "other_province", _("外省")
    ABROAD = "abroad", _("境外")


class IncomeBand(models.TextChoices):
    B1 = "lt3000", _("3000元以下")
    B2 = "3000_5000", _("3000–5000元")
    B3 = "5000_8000", _("5000–8000元")
    B4 = "8000_12000", _("8000–12000元")
    B5 = "ge12000", _("12000元以上")


class CertificateKind(models.TextChoices):
    SKILL = "skill", _("职业技能等级证书")
    SPECIAL = "special", _("专项职业能力证书")
    OPERATION = "operation", _("特种作业操作证")
    TRAINING = "training", _("培训合格证书")
    OTHER = "other", _("其他证书")


class Attendance(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    ATTENDED = "attended", _("已参训")
    ABSENT = "absent", _("缺训")


ATTENDED = (Attendance.ATTENDED,)
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


class Trade(ChangeLoggedModel):
    """工种. Seeded (防水工, 保温工 …) by the migration; administrators add more in the admin."""

    name = models.CharField(_("工种"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工种")
        verbose_name_plural = _("工种")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Worker(TownScopedModel):
    village_path = "village"

    name = models.CharField(_("姓名"), max_length=30)
    resident_id = models.CharField(
        _("身份证号码"), max_length=18, help_text=_("18位公民身份号码；15位老证号会自动升为18位")
    )
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, editable=False)
    village = village_field()
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工种"),
    )
    skill_level = models.CharField(
        _("技能等级"), max_length=1, choices=SkillLevel.choices, blank=True
    )
    employment_status = models.CharField(
        _("就业状态"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.SEEKING,
    )
    employer = models.CharField(_("当前用工单位"), max_length=100, blank=True)
    work_place = models.CharField(_("务工地点"), max_length=100, blank=True)
    destination = models.CharField(
        _("务工地类别"), max_length=16, choices=Destination.choices, blank=True
    )
    income_band = models.CharField(
        _("月收入"), max_length=12, choices=IncomeBand.choices, blank=True
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("务工人员")
        verbose_name_plural = _("务工人员")
        ordering = ["village__order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "resident_id"],
                condition=Q(is_deleted=False),
                name="labor_worker_unique_resident_id",
                violation_error_message="本镇已登记该身份证号码。",
            )
        ]
        indexes = [models.Index(fields=["town", "village"])]

    def __str__(self):
        return self.name

    def apply_resident_id(self, today: date | None = None) -> list[str]:
        """Normalise the ID (15 → 18 digits) and derive sex and birth date; the errors."""
        check = rules.check_resident_id(self.resident_id, today=today)
        if not check.valid:
            return check.errors
        self.resident_id = check.normalized
        self.sex = rules.derive_sex(check.normalized) or ""
        self.birth_date = rules.derive_birth_date(check.normalized)
        return []

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.resident_id:
            today = asof.today()
            problems = self.apply_resident_id(today)
            if problems:
                errors["resident_id"] = problems
            elif self.birth_date and rules.age_on(self.birth_date, today) < rules.MIN_WORKING_AGE:
                errors["resident_id"] = [
                    f"出生日期 {self.birth_date} 未满{rules.MIN_WORKING_AGE}周岁，不能登记为务工人员"
                ]
            elif self.town_id and not getattr(self, "_matched_by_ledger", False):
                # (an import has matched every row by ID already, in one query)
                clash = (
                    Worker.objects.filter(town_id=self.town_id, resident_id=self.resident_id)
                    .exclude(pk=self.pk)
                    .first()
                )
                if clash is not None:
                    errors["resident_id"] = [
                        f"身份证号码 {self.resident_id} 已登记为「{clash.name}」，不能重复登记"
                    ]
        if self.phone:
            phone = re.sub(r"\s+", "", self.phone)
            if not _PHONE.match(phone):
                errors["phone"] = [
                    f"联系电话「{self.phone}」格式不正确（手机11位，座机如0716-7123456）"
                ]
            else:
                self.phone = phone
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Sex and birth date always follow the ID, whichever door saved it.
        if self.resident_id:
            self.apply_resident_id()
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        return rules.age_on(self.birth_date, asof.today()) if self.birth_date else None

    age.fget.short_description = _("年龄")


class TrainingBase(TownScopedModel):
    """防水培训就业基地. Built when its construction project (重点项目) is completed, or on the
    date typed here when no project is linked."""

    name = models.CharField(_("基地名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建设项目"),
        help_text=_("关联重点项目后，以项目实际竣工日期为建成日期"),
    )
    completed_on = models.DateField(
        _("建成日期"), null=True, blank=True, help_text=_("未关联建设项目时填写")
    )
    capacity = models.PositiveIntegerField(_("年培训能力（人次）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("培训就业基地")
        verbose_name_plural = _("培训就业基地")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"], condition=Q(is_deleted=False), name="labor_base_unique"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def built_on(self) -> date | None:
        if self.project_id:
            return self.project.actual_finish
        return self.completed_on

    built_on.fget.short_description = _("建成日期（实际）")


class Course(TownScopedModel):
    name = models.CharField(_("课程名称"), max_length=100)
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工种"),
    )
    level = models.CharField(_("培训等级"), max_length=1, choices=SkillLevel.choices, blank=True)
    hours = models.DecimalField(
        _("标准学时"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"), "学时应大于0")],
    )
    content = models.TextField(_("培训内容"), blank=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"], condition=Q(is_deleted=False), name="labor_course_unique"
            )
        ]

    def __str__(self):
        return self.name


class TrainingSession(TownScopedModel):
    """One class (期次) of a course: dates, trainer, hours, place; trainees are `Enrollment`s."""

    name = models.CharField(_("班次名称"), max_length=100)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("课程")
    )
    base = models.ForeignKey(
        TrainingBase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("培训基地"),
    )
    start_date = models.DateField(_("开班日期"))
    end_date = models.DateField(_("结业日期"))
    trainer = models.CharField(_("授课教师"), max_length=60, blank=True)
    hours = models.DecimalField(
        _("学时"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"), "学时应大于0")],
    )
    place = models.CharField(_("培训地点"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("计划人数"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"], condition=Q(is_deleted=False), name="labor_session_unique"
            )
        ]
        indexes = [models.Index(fields=["town", "end_date"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": f"结业日期 {self.end_date} 早于开班日期 {self.start_date}，请核对。"}
            )


class Enrollment(TownScopedModel):
    """A trainee of a session and their attendance (参训 counts one 人次)."""

    village_path = "worker__village"
    village_null_visible = False

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("培训班"),
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("学员")
    )
    attendance = models.CharField(
        _("出勤"), max_length=10, choices=Attendance.choices, default=Attendance.ENROLLED
    )
    hours_attended = models.DecimalField(
        _("实到学时"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), "学时不能为负数")],
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "worker"],
                condition=Q(is_deleted=False),
                name="labor_enrollment_unique",
                violation_error_message="该学员已在本班。",
            )
        ]

    def __str__(self):
        return f"{self.worker} · {self.session}"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("参训记录")

    def clean(self):
        if self.session_id and self.worker_id:
            clash = (
                Enrollment.objects.filter(session_id=self.session_id, worker_id=self.worker_id)
                .exclude(pk=self.pk)
                .exists()
            )
            if clash:
                raise ValidationError({"worker": f"「{self.worker}」已在「{self.session}」中。"})
        if (
            self.hours_attended is not None
            and self.session_id
            and self.hours_attended > self.session.hours
        ):
            raise ValidationError(
                {
                    "hours_attended": f"实到学时 {self.hours_attended} 超过本班学时 {self.session.hours}。"
                }
            )


class Exam(TownScopedModel):
    """A skill assessment (技能等级认定 / 专项能力考核) of a session; passing it issues certificates."""

    name = models.CharField(_("考核名称"), max_length=100)
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exams",
        verbose_name=_("培训班"),
    )
    exam_date = models.DateField(_("考核日期"))
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工种"),
    )
    level = models.CharField(_("等级"), max_length=1, choices=SkillLevel.choices, blank=True)
    certificate_kind = models.CharField(
        _("颁发证书类型"),
        max_length=10,
        choices=CertificateKind.choices,
        default=CertificateKind.SKILL,
    )
    issuer = models.CharField(_("评价（发证）机构"), max_length=100)
    valid_years = models.PositiveSmallIntegerField(
        _("证书有效期（年）"), null=True, blank=True, help_text=_("留空表示长期有效")
    )

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["-exam_date", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.session_id and self.exam_date and self.exam_date < self.session.start_date:
            raise ValidationError(
                {
                    "exam_date": f"考核日期 {self.exam_date} 早于培训班开班日期 {self.session.start_date}。"
                }
            )


class Certificate(TownScopedModel):
    village_path = "worker__village"

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("持证人")
    )
    kind = models.CharField(
        _("证书类型"), max_length=10, choices=CertificateKind.choices, default=CertificateKind.SKILL
    )
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工种"),
    )
    level = models.CharField(_("等级"), max_length=1, choices=SkillLevel.choices, blank=True)
    number = models.CharField(_("证书编号"), max_length=50)
    issuer = models.CharField(_("发证机构"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效留空"))
    exam = models.ForeignKey(
        Exam,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("考核"),
    )

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_on", "pk"]
        indexes = [models.Index(fields=["town", "issued_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("证书")

    def clean(self):
        errors = {}
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            errors["expires_on"] = (
                f"有效期至 {self.expires_on} 早于发证日期 {self.issued_on}，请核对。"
            )
        if self.issued_on and self.issued_on > asof.today():
            errors["issued_on"] = f"发证日期 {self.issued_on} 晚于今天。"
        if self.number and self.town_id:
            clash = (
                Certificate.objects.filter(
                    town_id=self.town_id, kind=self.kind, number=self.number.strip()
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                errors["number"] = f"证书编号 {self.number} 已登记（持证人：{clash.worker}）。"
        if errors:
            raise ValidationError(errors)


class Placement(TownScopedModel):
    """就业: one job of a worker. Local employers link to the enterprise register."""

    village_path = "worker__village"

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="placements", verbose_name=_("务工人员")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("本地企业"),
        help_text=_("用工单位是本镇企业名录中的企业时选择"),
    )
    employer = models.CharField(
        _("用工单位"), max_length=100, blank=True, help_text=_("外地单位直接填写名称")
    )
    project = models.CharField(_("工程项目"), max_length=100, blank=True)
    place = models.CharField(_("务工地点"), max_length=100)
    destination = models.CharField(_("务工地类别"), max_length=16, choices=Destination.choices)
    start_date = models.DateField(_("上岗日期"))
    end_date = models.DateField(_("离岗日期"), null=True, blank=True)
    wage_band = models.CharField(_("月工资"), max_length=12, choices=IncomeBand.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("就业记录")
        verbose_name_plural = _("就业记录")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["town", "start_date"])]

    def __str__(self):
        return f"{self.worker} · {self.employer_name}"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("就业记录")

    @property
    def employer_name(self) -> str:
        return self.employer or (self.enterprise.name if self.enterprise_id else "")

    employer_name.fget.short_description = _("用工单位")

    def clean(self):
        errors = {}
        if self.enterprise_id and not self.employer:
            self.employer = self.enterprise.name[:100]
        if not self.employer:
            errors["employer"] = "请填写用工单位（本镇企业可在「本地企业」中选择）。"
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = (
                f"离岗日期 {self.end_date} 早于上岗日期 {self.start_date}，请核对。"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        today = asof.today()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)
