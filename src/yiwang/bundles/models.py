"""一件事联办: bundles of service items of several departments, applied for once, approved in parallel.

A :class:`Bundle` lists its items (:class:`BundleItem`) and the order they depend on each other (``depends_on``:
an item starts only when those items have produced their result). A :class:`BundleApplication` is one applicant's
case of a bundle: one merged form, and one :class:`BundleChild` per item, each pointing at an ordinary
``applications.Application`` once it has started. The bundle's state is derived from its children.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications.models import Application
from yiwang.catalog.models import LifeEvent, ServiceItem


class Bundle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    code = models.CharField(
        _("编码"), max_length=64, unique=True, validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]{1,63}$")]
    )
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    life_event = models.CharField(_("主题"), max_length=32, choices=LifeEvent.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("前置事项"),
        symmetrical=False,
        blank=True,
        related_name="dependents",
        help_text=_("这些事项产生办理结果后，本事项才开始办理"),
    )

    class Meta:
        verbose_name = _("一件事事项")
        verbose_name_plural = _("一件事事项")
        ordering = ["bundle_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="uniq_bundle_item")]

    def __str__(self) -> str:
        return f"{self.bundle_id}: {self.item.name}"


class BundleState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    IN_PROGRESS = "in_progress", _("办理中")
    CORRECTION_REQUESTED = "correction_requested", _("待补正")
    COMPLETED = "completed", _("已办结")
    REFUSED = "refused", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class BundleApplication(models.Model):
    number = models.CharField(_("联办编号"), max_length=32, unique=True)
    bundle = models.ForeignKey(Bundle, verbose_name=_("一件事"), on_delete=models.PROTECT, related_name="applications")
    submitted_by = models.ForeignKey(User, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        User, verbose_name=_("委托人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    request_digest = models.CharField(
        _("请求摘要"), max_length=64, blank=True, default="", help_text=_("同一幂等键重复提交时，核对内容是否一致")
    )
    form_data = models.JSONField(_("合并表单内容"), default=dict)
    field_map = models.JSONField(
        _("字段映射"), default=dict, help_text=_("提交时冻结：一件事事项 → {事项字段: 合并表单字段}")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    state = models.CharField(
        _("状态"),
        max_length=24,
        choices=BundleState.choices,
        default=BundleState.SUBMITTED,
        help_text=_("由各子办件状态推导，每次推进时刷新"),
    )
    correction_notice = models.CharField(
        _("最近补正告知"), max_length=500, blank=True, help_text=_("已合并告知的补正环节，避免重复告知")
    )
    correction_round = models.PositiveSmallIntegerField(_("补正轮次"), default=0)
    withdrawn_at = models.DateTimeField(
        _("撤回时间"), null=True, blank=True, help_text=_("申请人撤回后，尚未开始的事项不再开始")
    )

    class Meta:
        verbose_name = _("一件事办件")
        verbose_name_plural = _("一件事办件")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="uniq_bundle_submission_key"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.bundle.name}"


class BundleChild(models.Model):
    bundle_application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="children")
    bundle_item = models.ForeignKey(BundleItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        Application,
        verbose_name=_("子办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_child",
    )
    started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    start_error = models.CharField(_("未能开始的原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("一件事子办件")
        verbose_name_plural = _("一件事子办件")
        ordering = ["bundle_application_id", "bundle_item__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle_application", "bundle_item"], name="uniq_bundle_child"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_application_id}/{self.bundle_item_id}"


class BundleUpload(models.Model):
    """A shared material uploaded once for the bundle; attached to each child application when it starts."""

    bundle_application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="uploads")
    key = models.CharField(_("材料键"), max_length=300)
    file = models.FileField(_("文件"), upload_to="bundles/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)

    class Meta:
        verbose_name = _("一件事材料")
        verbose_name_plural = _("一件事材料")
        constraints = [models.UniqueConstraint(fields=["bundle_application", "key"], name="uniq_bundle_upload")]

    def __str__(self) -> str:
        return self.file_name
