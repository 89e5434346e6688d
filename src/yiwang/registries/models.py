"""Base registries (人口库, 法人库): the single source of truth read by every service."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Division
from yiwang.core.validators import IdNumberValidator, UsccValidator


class Industry(models.Model):
    """An industry class of GB/T 4754-2017 (国民经济行业分类): a section letter or a 2–4 digit code."""

    code = models.CharField(_("行业代码"), max_length=5, primary_key=True)
    name = models.CharField(_("行业名称"), max_length=128)
    section = models.CharField(_("门类"), max_length=1)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("国民经济行业分类")
        verbose_name_plural = _("国民经济行业分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Person(models.Model):
    """A natural person in the population registry (人口库)."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True, validators=[IdNumberValidator()])
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    division = models.ForeignKey(Division, verbose_name=_("户籍地行政区划"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("户籍地址"), max_length=200)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    is_deceased = models.BooleanField(_("已死亡"), default=False)

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        indexes = [models.Index(fields=["division"])]

    def __str__(self) -> str:
        return self.name


class LegalEntity(models.Model):
    """An enterprise or other legal person in the legal-entity registry (法人库 / 市场主体)."""

    class EntityType(models.TextChoices):
        LIMITED_COMPANY = "limited", _("有限责任公司")
        JOINT_STOCK = "joint_stock", _("股份有限公司")
        SOLE_PROPRIETOR = "sole", _("个人独资企业")
        PARTNERSHIP = "partnership", _("合伙企业")
        INDIVIDUAL_BUSINESS = "individual", _("个体工商户")
        COOPERATIVE = "cooperative", _("农民专业合作社")

    class Size(models.TextChoices):
        MICRO = "micro", _("微型")
        SMALL = "small", _("小型")
        MEDIUM = "medium", _("中型")
        LARGE = "large", _("大型")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        REVOKED = "revoked", _("吊销")
        CANCELLED = "cancelled", _("注销")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[UsccValidator()])
    name = models.CharField(_("名称"), max_length=128)
    entity_type = models.CharField(_("主体类型"), max_length=16, choices=EntityType.choices)
    legal_representative = models.ForeignKey(
        Person, verbose_name=_("法定代表人"), on_delete=models.PROTECT, related_name="represented_entities"
    )
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=14, decimal_places=2)
    industry = models.ForeignKey(Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, verbose_name=_("住所所在区划"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("住所"), max_length=200)
    status = models.CharField(_("登记状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    founding_date = models.DateField(_("成立日期"))
    size = models.CharField(_("企业规模"), max_length=8, choices=Size.choices)
    headcount = models.PositiveIntegerField(_("从业人数"))
    annual_revenue = models.DecimalField(_("年营业收入（万元）"), max_digits=16, decimal_places=2)
    tags = models.JSONField(_("标签"), default=list, blank=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        indexes = [models.Index(fields=["division"]), models.Index(fields=["industry"])]

    def __str__(self) -> str:
        return self.name
