"""一网统管 risk: the enterprise graph's relations, monthly credit-risk scoring runs with their explanations, and
leads (线索) with their closed loop 预警 → 核查 → 处置.

The class itself is written to the credit registry (``registries.CreditRating``, element ``credit.risk_class``),
its authoritative home; this app keeps how each class was reached so that it can be reproduced and explained.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.registries.models import LegalEntity, Person


class EntityRole(models.Model):
    """A person (or an investing firm) in a role at a firm: 法定代表人, 股东, 董事, 监事, with its source.

    The legal representative is also on ``LegalEntity``; shareholders and officers are registered here by the
    registration authority (市场监管局) until the legal-entity registry carries them itself.
    """

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
        SHAREHOLDER = "shareholder", _("股东")
        DIRECTOR = "director", _("董事")
        SUPERVISOR = "supervisor", _("监事")

    entity = models.ForeignKey(LegalEntity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("职务或身份"), max_length=24, choices=Role.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("自然人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("投资企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    share_ratio = models.DecimalField(_("持股比例（%）"), max_digits=6, decimal_places=2, null=True, blank=True)
    source = models.ForeignKey(Department, verbose_name=_("来源部门"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业关联人员")
        verbose_name_plural = _("企业关联人员")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(holder_entity__isnull=True))
                | (Q(person__isnull=True) & Q(holder_entity__isnull=False) & Q(role="shareholder")),
                name="risk_role_one_holder",
            ),
        ]
        indexes = [models.Index(fields=["entity"]), models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.role}"


class AnnualReport(models.Model):
    """A filed annual report (企业年度报告公示, 《企业信息公示暂行条例》第八条), as received from 市场监管."""

    entity = models.ForeignKey(LegalEntity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField(_("报告年度"))
    filed_on = models.DateField(_("报送日期"))

    class Meta:
        verbose_name = _("企业年度报告")
        verbose_name_plural = _("企业年度报告")
        constraints = [models.UniqueConstraint(fields=["entity", "year"], name="risk_annual_report_once")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.year}"


class RiskModel(models.Model):
    """One version of the scoring configuration: the indicator file's digest, the model's coefficients and the
    standardisation, the class thresholds. Never changed after a run used it."""

    version = models.CharField(_("模型版本"), max_length=64, unique=True)
    kind = models.CharField(_("模型来源"), max_length=16)
    config_digest = models.CharField(_("指标配置摘要"), max_length=32)
    parameters = models.JSONField(_("模型参数"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险模型版本")
        verbose_name_plural = _("风险模型版本")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version


class ClassificationRun(models.Model):
    """The monthly credit-risk classification (每月信用风险分类) of every active firm."""

    month = models.DateField(_("分类月份"), unique=True, help_text=_("该月第一天"))
    rated_on = models.DateField(_("评定日期"))
    model = models.ForeignKey(RiskModel, verbose_name=_("模型版本"), on_delete=models.PROTECT, related_name="runs")
    department = models.ForeignKey(Department, verbose_name=_("评定部门"), on_delete=models.PROTECT, related_name="+")
    entities = models.PositiveIntegerField(_("参评主体数"), default=0)
    class_counts = models.JSONField(_("各类数量"), default=dict)
    leads_raised = models.PositiveIntegerField(_("生成线索数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    created_by = models.ForeignKey(User, verbose_name=_("执行人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("执行时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用风险分类批次")
        verbose_name_plural = _("信用风险分类批次")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class RiskScore(models.Model):
    """One firm's score and class in one run, with everything needed to reproduce and explain it."""

    run = models.ForeignKey(
        ClassificationRun, verbose_name=_("分类批次"), on_delete=models.PROTECT, related_name="scores"
    )
    entity = models.ForeignKey(
        LegalEntity, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="risk_scores"
    )
    score = models.PositiveSmallIntegerField(_("风险分值"))
    risk_class = models.CharField(_("信用风险分类"), max_length=1)
    group_id = models.PositiveIntegerField(_("关联企业群"), default=0)
    explanation = models.JSONField(_("评分说明"))

    class Meta:
        verbose_name = _("风险评分")
        verbose_name_plural = _("风险评分")
        constraints = [models.UniqueConstraint(fields=["run", "entity"], name="risk_score_once_per_run")]
        indexes = [models.Index(fields=["entity", "run"]), models.Index(fields=["run", "risk_class"])]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.risk_class} {self.score}"


class Alert(models.Model):
    """A lead (线索) raised by an indicator or the model, and its closed loop: 预警 → 核查 → 处置 → 结果."""

    class Status(models.TextChoices):
        RAISED = "raised", _("待核查")
        VERIFYING = "verifying", _("核查中")
        CLOSED = "closed", _("已办结")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("属实")
        UNFOUNDED = "unfounded", _("不属实")

    class Disposal(models.TextChoices):
        NONE = "none", _("无需处置")
        RECTIFIED = "rectified", _("责令改正")
        INSPECTION = "inspection", _("转定向检查")
        CASE = "case", _("立案查处")

    number = models.CharField(_("线索编号"), max_length=32, unique=True)
    entity = models.ForeignKey(LegalEntity, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("触发指标"), max_length=32)
    title = models.CharField(_("线索标题"), max_length=200)
    run = models.ForeignKey(
        ClassificationRun, verbose_name=_("分类批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.JSONField(_("证据"))
    department = models.ForeignKey(Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        User, verbose_name=_("核查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RAISED)
    raised_on = models.DateField(_("预警日期"))
    due_on = models.DateField(_("核查期限"))
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.CharField(_("核查结论"), max_length=16, choices=Outcome.choices, blank=True)
    disposal = models.CharField(_("处置方式"), max_length=16, choices=Disposal.choices, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    regulation_lead = models.ForeignKey(
        "regulation.Lead", verbose_name=_("移送线索"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "regulation.EnforcementCase",
        verbose_name=_("立案案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        ordering = ["-raised_on", "number"]
        indexes = [models.Index(fields=["status", "department"]), models.Index(fields=["entity", "indicator"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "indicator"], condition=~Q(status="closed"), name="risk_alert_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & ~Q(disposal="") & ~Q(result="")),
                name="risk_alert_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AlertEvent(models.Model):
    """One step of a lead's history (raised, assigned, verified, closed), shown on the lead's page."""

    alert = models.ForeignKey(Alert, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索办理记录")
        verbose_name_plural = _("线索办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"


class Objection(models.Model):
    """A firm's objection to its class (信用修复 / 异议申请), answered by the rating department."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    score = models.ForeignKey(
        RiskScore, verbose_name=_("风险评分"), on_delete=models.PROTECT, related_name="objections"
    )
    submitted_by = models.ForeignKey(User, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("处理意见"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分类异议")
        verbose_name_plural = _("分类异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.score_id} {self.status}"
