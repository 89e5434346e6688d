"""Divisions, departments, users of four kinds, roles with scopes, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.fields import BlindIndexField, EncryptedTextField
from yiwang.core.validators import IdNumberValidator, UsccValidator


class Division(models.Model):
    """An administrative division (行政区划) from the statistical division codes.

    Codes are hierarchical, so a subtree is a code prefix: 33 (province), 3301 (city), 330102 (county),
    330102001 (township). ``code`` is stored in full form (6 digits down to county, 9 for a township).
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡级")

    code = models.CharField(_("行政区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    prefix = models.CharField(_("代码前缀"), max_length=12, db_index=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs) -> None:
        self.prefix = self.prefix_for(self.code, self.level)
        super().save(*args, **kwargs)

    @staticmethod
    def prefix_for(code: str, level: int) -> str:
        """The code prefix shared by this division and everything under it."""
        return {1: code[:2], 2: code[:4], 3: code[:6]}.get(level, code)

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    @property
    def full_name(self) -> str:
        names = []
        node: Division | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Department(models.Model):
    """A government department at one division level (e.g. 西湖区市场监督管理局).

    ``kind`` says which line of government it belongs to; the authoritative source of a data element
    (一数一源) is a kind, so that 西湖区公安分局 and 上城区公安分局 are both sources of population data.
    """

    class Kind(models.TextChoices):
        MARKET_REGULATION = "market_regulation", _("市场监督管理")
        PUBLIC_SECURITY = "public_security", _("公安")
        HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障")
        HEALTH = "health", _("卫生健康")
        HOUSING = "housing", _("住房和城乡建设")
        TAX = "tax", _("税务")
        CIVIL_AFFAIRS = "civil_affairs", _("民政")
        HOUSING_FUND = "housing_fund", _("住房公积金")
        ADMINISTRATIVE_APPROVAL = "administrative_approval", _("行政审批")
        DATA_RESOURCES = "data_resources", _("数据资源管理")
        SCIENCE_TECHNOLOGY = "science_technology", _("科学技术")
        ECONOMY_INFORMATION = "economy_information", _("经济和信息化")
        DEVELOPMENT_REFORM = "development_reform", _("发展和改革")
        OTHER = "other", _("其他")

    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    kind = models.CharField(_("部门类别"), max_length=32, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    division = models.ForeignKey(
        Division, verbose_name=_("所属行政区划"), on_delete=models.PROTECT, related_name="departments"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["division_id", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login of one of four kinds: a person, an enterprise agent, an official, an administrator."""

    encrypted_row_key = "username"  # ciphertexts bound to the row (core.fields); a rename goes through save()

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        AGENT = "agent", _("企业经办人")
        OFFICIAL = "official", _("工作人员")
        ADMIN = "admin", _("系统管理员")

    kind = models.CharField(_("用户类型"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    id_number = EncryptedTextField(_("公民身份号码"), null=True, blank=True, validators=[IdNumberValidator()])
    id_number_index = BlindIndexField(source="id_number", null=True, unique=True)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    enterprise_uscc = models.CharField(
        _("所属企业统一社会信用代码"), max_length=18, blank=True, validators=[UsccValidator()]
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    failed_login_count = models.PositiveIntegerField(_("连续登录失败次数"), default=0, editable=False)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.kind == self.Kind.OFFICIAL

    @property
    def is_administrator(self) -> bool:
        return self.kind == self.Kind.ADMIN or self.is_superuser

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Role(models.Model):
    """A named set of permissions (e.g. 受理人员, 审批人员, 数据管理员) granted within a scope."""

    code = models.SlugField(_("角色编码"), max_length=64, unique=True)
    name = models.CharField(_("角色名称"), max_length=64)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A role held by a user inside a department, over a division subtree (the scope)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    division = models.ForeignKey(
        Division, verbose_name=_("管辖区划"), on_delete=models.PROTECT, help_text=_("含其下级区划")
    )
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department", "division"], name="uniq_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.department} · {self.division.name}"


class ApiToken(models.Model):
    """A bearer token for an API client acting as a user. Only the SM3 hash of the secret is stored."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class LoginThrottle(models.Model):
    """Failed (or in-flight) password logins from one client address in one fixed window (``accounts.throttle``).

    A row per (address, window start); ``failures`` is raised with a conditional UPDATE before the password is
    checked, so that parallel attempts can never exceed the limit.
    """

    address = models.CharField(_("客户端地址"), max_length=64)
    window_start = models.DateTimeField(_("时间窗起点"))
    failures = models.PositiveIntegerField(_("失败次数"), default=0)

    class Meta:
        verbose_name = _("登录限流")
        verbose_name_plural = _("登录限流")
        constraints = [models.UniqueConstraint(fields=["address", "window_start"], name="uniq_login_throttle")]

    def __str__(self) -> str:
        return f"{self.address} @ {self.window_start:%Y-%m-%d %H:%M}"
