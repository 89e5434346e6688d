"""Base registries (人口库, 法人库): the single source of truth read by every service."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.core.fields import BlindIndexField, EncryptedTextField
from yiwang.core.identifiers import normalize_identifier
from yiwang.core.keys import index_of
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


class PersonQuerySet(models.QuerySet["Person"]):
    def with_id_number(self, value: str) -> PersonQuerySet:
        """Exact lookup through the blind index (the column itself is encrypted)."""
        return self.filter(id_number_index=index_of(normalize_identifier(value)))


class Person(models.Model):
    """A natural person in the population registry (人口库)."""

    #: Every ciphertext of the row is bound to its ID number's blind index (``core.fields``): not copyable.
    encrypted_row_key = "id_number_index"

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    id_number = EncryptedTextField(_("公民身份号码"), validators=[IdNumberValidator()])
    id_number_index = BlindIndexField(source="id_number", unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    division = models.ForeignKey(Division, verbose_name=_("户籍地行政区划"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("户籍地址"), max_length=200)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    is_deceased = models.BooleanField(_("已死亡"), default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        permissions = [("unmask_person", _("为明确目的查看未脱敏的个人信息"))]
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
    # Reported after registration by their own sources (统计, 人社, 税务): unknown for a newly founded entity.
    size = models.CharField(_("企业规模"), max_length=8, choices=Size.choices, blank=True)
    headcount = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("年营业收入（万元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    tax_paid = models.DecimalField(_("上年度纳税额（万元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    social_insurance_headcount = models.PositiveIntegerField(_("社保参保人数"), null=True, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        indexes = [models.Index(fields=["division"]), models.Index(fields=["industry"])]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """A standard data element (数据元) with exactly one authoritative source (一数一源一标准).

    ``code`` is ``<registry>.<field>`` (``person.name``, ``entity.headcount``); the source is a department
    kind, so every county's 公安 bureau is a source of population data and no other line of government is.
    Classification follows GB/T 43697-2024 (一般/重要/核心数据) and personal-information sensitivity (PIPL).
    """

    class Registry(models.TextChoices):
        PERSON = "person", _("人口库")
        ENTITY = "entity", _("法人库")
        CREDIT = "credit", _("信用信息库")

    class DataType(models.TextChoices):
        STRING = "string", _("字符串")
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("数值")
        DATE = "date", _("日期")
        BOOLEAN = "boolean", _("布尔")
        CODE = "code", _("代码")
        TAGS = "tags", _("标签集合")

    class Level(models.TextChoices):
        GENERAL = "general", _("一般数据")
        IMPORTANT = "important", _("重要数据")
        CORE = "core", _("核心数据")

    class Sensitivity(models.TextChoices):
        NONE = "none", _("非个人信息")
        PERSONAL = "personal", _("个人信息")
        SENSITIVE = "sensitive", _("敏感个人信息")

    class Mask(models.TextChoices):
        NONE = "none", _("不脱敏")
        ID_NUMBER = "id_number", _("证件号码")
        PHONE = "phone", _("手机号码")
        NAME = "name", _("姓名")
        ADDRESS = "address", _("地址")
        MONTH = "month", _("日期到月")
        FULL = "full", _("全部遮蔽")

    code = models.CharField(_("数据元编码"), max_length=64, unique=True)
    registry = models.CharField(_("所属基础库"), max_length=16, choices=Registry.choices)
    field_name = models.CharField(_("字段"), max_length=64)
    name = models.CharField(_("中文名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    data_type = models.CharField(_("数据类型"), max_length=16, choices=DataType.choices)
    format_rule = models.CharField(_("格式与校验"), max_length=200, blank=True)
    unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    source_kind = models.CharField(_("权威来源部门类别"), max_length=32, choices=Department.Kind.choices)
    level = models.CharField(_("数据分级"), max_length=16, choices=Level.choices, default=Level.GENERAL)
    sensitivity = models.CharField(_("个人信息敏感程度"), max_length=16, choices=Sensitivity.choices)
    mask = models.CharField(_("默认脱敏规则"), max_length=16, choices=Mask.choices, default=Mask.NONE)

    class Meta:
        verbose_name = _("数据元")
        verbose_name_plural = _("数据元")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["registry", "field_name"], name="uniq_element_field")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RecordVersion(models.Model):
    """One version of a registry record: a full snapshot, who changed what, why, and from when it holds.

    ``valid_from`` is the business date from which the values hold (a headcount reported for 2025-06-30);
    ``recorded_at`` is when the platform learned it. Point-in-time reads ("as of") use ``valid_from``.
    """

    registry = models.CharField(_("基础库"), max_length=16, choices=DataElement.Registry.choices)
    record_key = models.CharField(_("记录标识"), max_length=64, help_text=_("统一社会信用代码或内部编号"))
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    data = models.JSONField(_("快照"))
    changed = models.JSONField(_("变更字段"), default=list)
    department = models.ForeignKey(
        Department, verbose_name=_("来源部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("记录版本")
        verbose_name_plural = _("记录版本")
        ordering = ["registry", "record_key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["registry", "record_key", "version"], name="uniq_record_version")
        ]
        indexes = [models.Index(fields=["registry", "record_key", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.registry}:{self.record_key} v{self.version}"


class Discrepancy(models.Model):
    """A value reported by a non-authoritative department that differs from the registry (数据异议/纠错).

    Kept for the authoritative source to resolve; citizens' error reports land here too.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    element = models.ForeignKey(DataElement, verbose_name=_("数据元"), on_delete=models.PROTECT)
    record_key = models.CharField(_("记录标识"), max_length=64)
    division = models.ForeignKey(
        Division, verbose_name=_("记录所在区划"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    current_value = models.JSONField(_("库中值"), null=True)
    reported_value = models.JSONField(_("报告值"), null=True)
    reported_by_department = models.ForeignKey(
        Department, verbose_name=_("报告部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        User, verbose_name=_("报告人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("处理意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("数据异议")
        verbose_name_plural = _("数据异议")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "element"])]

    def __str__(self) -> str:
        return f"{self.element.code} {self.record_key}"


class CreditRecord(models.Model):
    """An entry of the credit registry (信用信息库): a red or black list entry, or an administrative penalty."""

    class Kind(models.TextChoices):
        RED_LIST = "red_list", _("守信激励（红名单）")
        BLACK_LIST = "black_list", _("失信惩戒（黑名单）")
        PENALTY = "penalty", _("行政处罚")

    entity = models.ForeignKey(LegalEntity, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="credit")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    decision_no = models.CharField(_("决定文书号"), max_length=64, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("认定部门"), on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    legal_basis = models.CharField(_("法律依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class CreditRating(models.Model):
    """A credit-risk class A/B/C/D (信用风险分类) of an entity, with its date and source; the latest one holds."""

    class RiskClass(models.TextChoices):
        A = "A", _("A 类（信用风险低）")
        B = "B", _("B 类（信用风险一般）")
        C = "C", _("C 类（信用风险较高）")
        D = "D", _("D 类（信用风险高）")

    entity = models.ForeignKey(
        LegalEntity, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="ratings"
    )
    risk_class = models.CharField(_("信用风险分类"), max_length=1, choices=RiskClass.choices)
    rated_on = models.DateField(_("评定日期"))
    department = models.ForeignKey(Department, verbose_name=_("评定部门"), on_delete=models.PROTECT, related_name="+")
    model_version = models.CharField(_("评价模型"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("信用风险分类")
        verbose_name_plural = _("信用风险分类")
        ordering = ["entity", "-rated_on"]
        indexes = [models.Index(fields=["entity", "rated_on"])]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.risk_class} ({self.rated_on})"


class UnmaskPurpose(models.Model):
    """A purpose of use (查看用途) an official may declare to read a person's data in clear, and who may declare it.

    Purposes come from this configured list, per role (GB/T 35273-2020 §5.1: a purpose stated and specific; the
    principle of least sufficient use); free text only supplements a listed purpose. Unlisted or not the caller's
    role's: refused with the list the caller may choose from.
    """

    code = models.SlugField(_("用途编码"), max_length=64, unique=True)
    name = models.CharField(_("用途"), max_length=64, unique=True)
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    roles = models.JSONField(_("可声明的角色"), default=list, help_text=_('角色编码列表，如 ["approver"]'))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("查看用途")
        verbose_name_plural = _("查看用途")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
