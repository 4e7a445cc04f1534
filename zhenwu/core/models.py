"""Cross-cutting models: towns and villages, departments, users and roles, the change log,
attachments, comments, the holiday override table and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.core.actor import Source
from zhenwu.core.base import ChangeLoggedModel, TownScopedModel


class Town(ChangeLoggedModel):
    """A township (乡镇). The root of every domain record's scope."""

    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", "行政区划代码应为12位数字")],
        help_text=_("12位统计用区划代码，如 421081104000"),
    )
    county = models.CharField(_("县（市、区）"), max_length=50)
    city = models.CharField(_("市（州）"), max_length=50)
    province = models.CharField(_("省"), max_length=50)
    area_km2 = models.DecimalField(
        _("国土面积（平方千米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    motto = models.CharField(_("称号"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering = ["code"]

    def __str__(self):
        return self.name


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("行政村")
    COMMUNITY = "community", _("社区")


class Village(TownScopedModel):
    """An administrative village (行政村) or community (社区) of a town."""

    scope_module = "core"

    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(
        _("类型"), max_length=12, choices=VillageKind.choices, default=VillageKind.VILLAGE
    )
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", "区划代码应为12位数字")],
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    secretary = models.CharField(_("党支部书记"), max_length=30, blank=True)
    population = models.PositiveIntegerField(_("户籍人口"), null=True, blank=True)
    area_mu = models.DecimalField(
        _("面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("备注"), blank=True)
    is_demo_name = models.BooleanField(
        _("示例名称"), default=False, help_text=_("演示数据中未在访谈中出现的村名，待录入真实名称")
    )

    class Meta:
        verbose_name = _("村（社区）")
        verbose_name_plural = _("村（社区）")
        ordering = ["town", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"], condition=Q(is_deleted=False), name="village_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class DepartmentKind(models.TextChoices):
    OFFICE = "office", _("科室")
    TASKFORCE = "taskforce", _("专班")
    CENTER = "center", _("站所中心")


# Modules a department can be given to edit. Later modules add theirs here.
MODULE_CHOICES = [
    ("core", _("基础数据")),
    ("plan", _("工作计划")),
    ("investment", _("招商引资")),
    ("projects", _("重点项目")),
    ("land", _("征地拆迁")),
    ("enterprises", _("企业培育")),
    ("inspections", _("人居环境")),
    ("agriculture", _("农业农村")),
    ("labor", _("劳务品牌")),
    ("cadres", _("干部管理")),
]


class Department(TownScopedModel):
    """A 科室 or 专班; its staff edit the modules it is given."""

    scope_module = "core"

    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(
        _("类型"), max_length=12, choices=DepartmentKind.choices, default=DepartmentKind.OFFICE
    )
    modules = models.JSONField(
        _("负责模块"), default=list, blank=True, help_text=_("本部门人员可编辑的模块")
    )
    head = models.CharField(_("负责人"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["town", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="department_unique_name",
            )
        ]

    def __str__(self):
        return self.name

    def module_labels(self) -> list[str]:
        names = dict(MODULE_CHOICES)
        return [str(names.get(m, m)) for m in self.modules]

    def get_modules_display(self) -> str:
        """工作计划、招商引资 — module names, not codes (lists, detail pages, cards)."""
        return "、".join(self.module_labels())


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    LEADER = "leader", _("领导")
    STAFF = "staff", _("科室人员")
    VILLAGE = "village", _("村干部")
    INSPECTOR = "inspector", _("督查员")
    VIEWER = "viewer", _("市县查看")


class ZhenwuUserManager(UserManager):
    pass


class User(AbstractUser, ChangeLoggedModel):
    """A person who signs in. The role decides what they may do; town, departments and
    villages decide where. Scoping lives in `scoping.py`, nowhere else."""

    changelog_secret_fields = ("password",)
    # Masked for users without the permission (no Resource declares the account's fields).
    personal_fields = ("phone",)

    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.STAFF)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属乡镇"),
        help_text=_("市县查看人员可不填（可查看全部乡镇）"),
    )
    full_name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="members", verbose_name=_("所属部门")
    )
    villages = models.ManyToManyField(
        Village, blank=True, related_name="cadres", verbose_name=_("负责村（社区）")
    )
    can_see_personal_numbers = models.BooleanField(
        _("可查看完整证件号"), default=False, help_text=_("否则身份证号、手机号在列表和导出中打码")
    )

    objects = ZhenwuUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_town_admin(self):
        return self.is_superuser or self.role == Role.ADMIN


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    RESTORE = "restore", _("恢复")
    PURGE = "purge", _("彻底删除")


class ObjectChangeQuerySet(models.QuerySet):
    """Change-log entries. `about(content_types)` keeps the entries of those content types and
    tells the scoping gate (`changelog_read.visible_entries`) so: it then builds the visibility
    subquery of those models only, not one per change-logged model (the API's `model` filter).
    The result is exactly as strict: the other models' subqueries could match no kept entry."""

    _about: frozenset[int] | None = None

    def about(self, content_types) -> ObjectChangeQuerySet:
        ids = frozenset(ct.pk if isinstance(ct, ContentType) else int(ct) for ct in content_types)
        qs = self.filter(content_type_id__in=sorted(ids))
        qs._about = ids if self._about is None else self._about & ids
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._about = self._about
        return clone


class ObjectChange(models.Model):
    """One write to one record: who, when, through which door, before and after."""

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    user_name = models.CharField(_("操作人"), max_length=150, blank=True)
    source = models.CharField(_("途径"), max_length=10, choices=Source.CHOICES)
    request_id = models.CharField(_("请求号"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("对象ID"))
    object_repr = models.CharField(_("对象"), max_length=200)
    town = models.ForeignKey(
        Town, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        Village, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed_fields = models.JSONField(_("变更字段"), default=list, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @classmethod
    def scope_gate(cls, queryset, user, action):
        """An entry is visible exactly when its record is (`changelog_read.visible_entries`);
        the log is written by the platform only, never changed through the gate."""
        from zhenwu.core.changelog_read import visible_entries

        if action != "view":
            return queryset.none()
        return visible_entries(queryset, user)

    @property
    def display_changes(self):
        """The changed fields as people read them (`changelog_read.present`). Pages present a
        whole page of entries for their user at once; an entry read on its own is presented
        as to nobody in particular: personal numbers masked, related records unnamed."""
        if not hasattr(self, "_display_changes"):
            from zhenwu.core.changelog_read import present

            present([self], None)
        return self._display_changes

    @property
    def model_label(self):
        model = self.content_type.model_class()
        return model._meta.verbose_name if model else self.content_type.model

    def field_diffs(self):
        """[(field label, before, after)] for display: `display_changes` as tuples (a pseudo
        field's one-line summary in place of after)."""
        return [(c.label, c.before, c.summary or c.after) for c in self.display_changes]


#: Pseudo-fields of change-log entries that sum up bulk writes on a parent record: the
#: monthly-figures import logs one entry per firm, {"monthly_figures": {"2025-03": {…}}}.
PSEUDO_FIELD_LABELS = {"monthly_figures": "月度经营数据"}


class ChangeSummary(str):
    """A one-line summary shown instead of before → after (see change_item.html)."""

    is_summary = True


def _months_summary(before, after) -> ChangeSummary:
    """{"2025-01": {…}, …} before/after → 「新增 12 个月的数据（2025-01 至 2025-12）；修改 …」."""
    before, after = before or {}, after or {}

    def span(months):
        months = sorted(months)
        if len(months) == 1:
            return months[0]
        if len(months) <= 3:
            return "、".join(months)
        return f"{months[0]} 至 {months[-1]}"

    created = [m for m in after if m not in before]
    changed = [m for m in after if m in before]
    parts = []
    if created:
        parts.append(f"新增 {len(created)} 个月的数据（{span(created)}）")
    if changed:
        parts.append(f"修改 {len(changed)} 个月的数据（{span(changed)}）")
    return ChangeSummary("；".join(parts) or "无变化")


def _attachment_path(instance, filename):
    return (
        f"attachments/{instance.town_id}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename}"
    )


class AttachedToRecord(TownScopedModel):
    """Something hung on another record (any model): its scope follows the parent's town and
    village, copied at creation so the gate can filter without a generic join."""

    village_path = "village"
    village_null_visible = True
    scope_module = "core"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    parent = GenericForeignKey("content_type", "object_id")
    village = models.ForeignKey(
        Village, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @classmethod
    def scope_gate(cls, queryset, user, action):
        """Seen only with a parent the user may see (`changelog_read.visible_attached`)."""
        from zhenwu.core.changelog_read import visible_attached

        return visible_attached(queryset, user, action)


class Attachment(AttachedToRecord):
    """A file or photo attached to any record."""

    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    mime_type = models.CharField(_("类型"), max_length=100)
    is_photo = models.BooleanField(_("照片"), default=False)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.name


class Comment(AttachedToRecord):
    """A remark in a record's comment thread."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("发表人"),
    )
    body = models.TextField(_("内容"), max_length=5000)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.body[:40]


class HolidayOverride(ChangeLoggedModel):
    """A correction to the work calendar. National ones (no town) come from the State Council
    notice (国务院办公厅关于部分节假日安排的通知) for years the holiday package does not cover
    yet and belong to the deployment's administrators (superusers); a town's administrator adds
    local working-day changes that apply to that town alone (consulted after the national ones,
    so a local entry wins for its town)."""

    town = models.ForeignKey(
        Town,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
        help_text=_("留空为全国调整（仅系统部署管理员）；填写则只对该乡镇生效"),
    )
    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：春节、国庆节调休上班"))
    source_doc = models.CharField(_("依据文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(town__isnull=True),
                name="holiday_national_unique_date",
                violation_error_message="该日期已有全国调整。",
            ),
            models.UniqueConstraint(
                fields=["town", "date"],
                name="holiday_town_unique_date",
                violation_error_message="本镇该日期已有调整。",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.user} 的令牌（{self.created_at:%Y-%m-%d}）"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            digest=cls.hash(raw),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        return raw


class ChoiceSynonym(ChangeLoggedModel):
    """A word offices write for one choice of one field (「已签约」 for the investment stage
    「签约」): ledger imports accept it beside the choice's own label. Deployment-wide; seeded
    by migration with the common words, extended by administrators (Django admin)."""

    model = models.CharField(
        _("模型"), max_length=60, help_text=_("应用.模型，如 investment.investment")
    )
    field = models.CharField(_("字段"), max_length=60, help_text=_("如 stage"))
    word = models.CharField(_("写法"), max_length=30)
    value = models.CharField(_("对应选项值"), max_length=30, help_text=_("选项的值，如 signed"))

    class Meta:
        verbose_name = _("选项同义词")
        verbose_name_plural = _("选项同义词")
        ordering = ["model", "field", "word"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "field", "word"], name="choice_synonym_unique_word"
            )
        ]

    def __str__(self):
        return f"{self.model}.{self.field}：{self.word} → {self.value}"

    def clean(self):
        from django.apps import apps
        from django.core.exceptions import ValidationError

        try:
            f = apps.get_model(self.model)._meta.get_field(self.field)
        except (LookupError, ValueError, Exception):
            raise ValidationError({"field": "找不到该模型或字段"}) from None
        values = {str(v) for v, _ in (f.choices or ())}
        if self.value not in values:
            raise ValidationError({"value": f"不是该字段的选项，可选：{'、'.join(sorted(values))}"})

    @classmethod
    def for_field(cls, model, field_name: str) -> dict[str, str]:
        """{word: choice value} for one field of one model."""
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        return dict(cls.objects.filter(model=label, field=field_name).values_list("word", "value"))
