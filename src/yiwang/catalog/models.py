"""The service catalogue (政务服务事项 / 实施清单): items, their frozen published versions and required materials.

A :class:`ServiceItem` is one item as implemented by one department in one division (实施清单), with the standard
fields of a guide (办事指南): conditions, legal basis, time limits in working days, fees, channels, the result, the
application form (a JSON Schema whose fields may bind to registry data elements for 免填) and the materials.
Publishing freezes a snapshot in :class:`ItemVersion`; only published items are found by search.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division
from yiwang.certificates.models import CertificateType

#: 实施编码: upper-case letters, digits and hyphens (the national basic code followed by the implementer's part).
ITEM_CODE_PATTERN = r"^[0-9A-Z][0-9A-Z-]{5,63}$"


class ItemType(models.TextChoices):
    """事项类型 (the categories of the national catalogue of government services)."""

    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    BENEFIT = "benefit", _("行政给付")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他行政权力")


class Audience(models.TextChoices):
    """服务对象."""

    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("企业法人")
    BOTH = "both", _("自然人和企业法人")


class LifeEvent(models.TextChoices):
    """主题分类: the life and business events (人生事件 / 企业生命周期) an item belongs to."""

    BIRTH = "birth", _("出生")
    SCHOOL = "school", _("入学")
    EMPLOYMENT = "employment", _("就业")
    MARRIAGE = "marriage", _("婚育")
    RESIDENCE = "residence", _("户籍居住")
    SOCIAL_SECURITY = "social_security", _("社会保障")
    RETIREMENT = "retirement", _("退休")
    BUSINESS_START = "business_start", _("开办企业")
    BUSINESS_LICENCE = "business_licence", _("经营许可")
    CONSTRUCTION = "construction", _("工程建设")
    TAX = "tax", _("纳税缴费")


class ResultKind(models.TextChoices):
    """办理结果类型."""

    CERTIFICATE = "certificate", _("证照")
    APPROVAL = "approval", _("批文")
    PROOF = "proof", _("证明")
    NONE = "none", _("无")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    UNPUBLISHED = "unpublished", _("已下线")


class ServiceItem(models.Model):
    """One service item as implemented by one department in one division (实施清单)."""

    item_code = models.CharField(
        _("实施编码"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(ITEM_CODE_PATTERN)],
        help_text=_("国家基本编码加实施主体编码，大写字母、数字和连字符"),
    )
    basic_code = models.CharField(_("基本编码"), max_length=32, db_index=True)
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=16, choices=ItemType.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="service_items"
    )
    division = models.ForeignKey(Division, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    legal_basis = models.TextField(_("设定依据"))
    conditions = models.TextField(_("受理条件"))
    audience = models.CharField(_("服务对象"), max_length=16, choices=Audience.choices)
    life_events = models.JSONField(_("主题分类"), default=list, blank=True, help_text=_("LifeEvent 编码列表"))
    life_events_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    keywords = models.CharField(_("关键词（俗称）"), max_length=300, blank=True, help_text=_("群众常用说法，空格分隔"))
    legal_time_limit = models.PositiveSmallIntegerField(
        _("法定办结时限（工作日）"), null=True, blank=True, help_text=_("留空表示无法定时限")
    )
    promised_time_limit = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"), help_text=_("0 表示即办"))
    fee_note = models.CharField(_("收费说明"), max_length=500, blank=True)
    fee_amount = models.DecimalField(
        _("收费金额（元）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 表示不收费"),
    )
    online = models.BooleanField(_("网上办理"), default=True)
    window = models.BooleanField(_("窗口办理"), default=True)
    mobile = models.BooleanField(_("掌上办理"), default=False)
    result_kind = models.CharField(_("办理结果类型"), max_length=16, choices=ResultKind.choices)
    result_name = models.CharField(_("办理结果名称"), max_length=128, blank=True)
    result_certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name=_("产生的电子证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_phone = models.CharField(_("咨询电话"), max_length=64, blank=True)
    form_schema = models.JSONField(_("申请表单"), default=dict, blank=True, help_text=_("JSON Schema，字段有中文标题"))
    approval_rules = models.TextField(
        _("秒批规则"), blank=True, help_text=_("规则语言 YAML；全部条件满足且数据齐全时自动准予，否则转人工")
    )
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本号"), default=0, help_text=_("最近一次发布的版本，0 表示未发布"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["item_code"]
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["status", "division"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）"

    def save(self, *args, **kwargs) -> None:
        self.life_events_key = life_events_key(self.life_events)
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == ItemStatus.PUBLISHED

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0

    @property
    def life_event_labels(self) -> list[str]:
        labels = dict(LifeEvent.choices)
        return [str(labels.get(code, code)) for code in self.life_events]

    @property
    def channel_labels(self) -> list[str]:
        pairs = ((self.online, _("网上办理")), (self.window, _("窗口办理")), (self.mobile, _("掌上办理")))
        return [str(label) for on, label in pairs if on]


def life_events_key(codes: list[str] | None) -> str:
    """``|birth|school|``: the life events in one column, so that a filter is a plain SQL ``LIKE`` on any database."""
    return "".join(f"|{code}" for code in sorted(set(codes or []))) + "|" if codes else ""


class ItemVersion(models.Model):
    """A frozen snapshot of an item as published (版本): what the guide said from ``published_at`` on."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("快照"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.CharField(_("发布人"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="uniq_item_version")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"


class Requirement(models.TextChoices):
    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")
    DEFICIENCY_ALLOWED = "deficiency_allowed", _("必要，可容缺受理")


class CurrentMaterials(models.Manager["MaterialRequirement"]):
    """The materials an item asks for now; retired ones stay only for the applications that provided them."""

    def get_queryset(self) -> models.QuerySet[MaterialRequirement]:
        return super().get_queryset().filter(retired_at__isnull=True)


class MaterialRequirement(models.Model):
    """A material the applicant must provide (申请材料); with ``certificate_type`` it is 免提交 by e-certificate.

    A material an item no longer asks for is retired, not deleted, when applications hold it: their records keep
    pointing at what they provided. ``objects`` (and so ``item.materials``) lists the current materials only.
    """

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    requirement = models.CharField(
        _("必要性"), max_length=24, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    source_note = models.CharField(_("来源渠道"), max_length=300, blank=True)
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name=_("可由电子证照替代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_types = models.CharField(_("文件格式"), max_length=64, default="pdf,jpg,png")
    max_size_mb = models.PositiveSmallIntegerField(_("文件大小上限（MB）"), default=10)
    retired_at = models.DateTimeField(
        _("停用时间"), null=True, blank=True, help_text=_("事项不再要求该材料；已提交该材料的办件仍保留记录")
    )

    all_objects = models.Manager()  # history: retired materials included
    objects = CurrentMaterials()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item_id", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def exempt_by_certificate(self) -> bool:
        """免提交: the applicant's e-certificate of this type is fetched instead of an upload."""
        return self.certificate_type_id is not None
