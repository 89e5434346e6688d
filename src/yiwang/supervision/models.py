"""督查: tracked items (major projects, livelihood matters, policies, proposals), their monthly reports and
milestones, three-colour rules with versions, colour history, rectification orders, periodic reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division


class Colour(models.TextChoices):
    GREEN = "green", _("绿码")
    YELLOW = "yellow", _("黄码")
    RED = "red", _("红码")


class Item(models.Model):
    """A tracked item with a responsible unit (责任单位) and a lead unit (牵头单位)."""

    class Category(models.TextChoices):
        PROJECT = "project", _("重大项目")
        LIVELIHOOD = "livelihood", _("民生实事")
        POLICY = "policy", _("政策落实")
        PROPOSAL = "proposal", _("建议提案")

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, db_index=True)
    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        Department, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="supervised_items"
    )
    lead = models.ForeignKey(Department, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    planned_total = models.DecimalField(_("计划总投资（元）"), max_digits=16, decimal_places=2, default=0)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("计划完成日期"))

    class Meta:
        verbose_name = _("督查事项")
        verbose_name_plural = _("督查事项")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="item_dates")]

    def __str__(self) -> str:
        return self.name


class MonthlyReport(models.Model):
    """One month of an item: investment plan and actual (cumulative, yuan), progress, data feeds, evidence."""

    class Source(models.TextChoices):
        FORM = "form", _("表单填报")
        EXCEL = "excel", _("Excel 导入")
        API = "api", _("接口报送")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    planned_investment = models.DecimalField(_("累计计划投资（元）"), max_digits=16, decimal_places=2)
    actual_investment = models.DecimalField(_("累计完成投资（元）"), max_digits=16, decimal_places=2)
    planned_progress = models.DecimalField(_("计划形象进度（%）"), max_digits=5, decimal_places=1)
    actual_progress = models.DecimalField(_("实际形象进度（%）"), max_digits=5, decimal_places=1)
    photos = models.PositiveIntegerField(_("形象进度照片数"), default=0)
    employment = models.PositiveIntegerField(_("带动就业人数"), null=True, blank=True)
    electricity_kwh = models.PositiveBigIntegerField(_("用电量（千瓦时）"), null=True, blank=True)
    registry_investment = models.DecimalField(
        _("登记库投资额（元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("投资项目在线审批监管平台的记录"),
    )
    warning_signals = models.PositiveSmallIntegerField(_("预警信号数"), default=0)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.FORM)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报送时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度报送")
        verbose_name_plural = _("月度报送")
        ordering = ["item_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["item", "month"], name="uniq_report_per_month"),
            models.CheckConstraint(
                condition=Q(actual_progress__gte=0)
                & Q(actual_progress__lte=100)
                & Q(planned_progress__gte=0)
                & Q(planned_progress__lte=100),
                name="report_progress_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.month:%Y-%m}"


class Milestone(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["item_id", "due_on"]

    def __str__(self) -> str:
        return self.title


class ColourRuleSet(models.Model):
    """A version of the three-colour rules (in the shared rule language); exactly one is in force."""

    version = models.PositiveIntegerField(_("版本"), unique=True, editable=False)
    rules = models.TextField(_("规则（YAML）"))
    note = models.CharField(_("修订说明"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    in_force = models.BooleanField(_("现行"), default=False, editable=False)

    class Meta:
        verbose_name = _("三色规则版本")
        verbose_name_plural = _("三色规则版本")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["in_force"], condition=Q(in_force=True), name="one_colour_rule_in_force")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class ColourRecord(models.Model):
    """A colour an item was given, with its reason (the rule, the values, the date): the history."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="colour_history")
    rule_set = models.ForeignKey(ColourRuleSet, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(_("颜色"), max_length=8, choices=Colour.choices)
    reason = models.JSONField(_("原因"), default=dict)
    as_of = models.DateField(_("评价日期"))
    computed_at = models.DateTimeField(_("计算时间"), db_index=True)

    class Meta:
        verbose_name = _("赋码记录")
        verbose_name_plural = _("赋码记录")
        ordering = ["item_id", "-computed_at", "-pk"]
        indexes = [models.Index(fields=["item", "-computed_at"], name="colour_history_item")]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.colour}"


class CurrentColour(models.Model):
    """The colour in force of each item (the newest :class:`ColourRecord`), replaced by each recomputation."""

    item = models.OneToOneField(Item, primary_key=True, on_delete=models.CASCADE, related_name="current_colour")
    record = models.ForeignKey(ColourRecord, on_delete=models.CASCADE, related_name="+")
    colour = models.CharField(_("颜色"), max_length=8, choices=Colour.choices, db_index=True)
    gaming_flags = models.JSONField(_("疑似造假"), default=list)
    signature = models.CharField(
        max_length=400,
        default="",
        editable=False,
        help_text=_("规则版本、颜色、成立的条件和疑似造假标记；不变则不记历史"),
    )

    class Meta:
        verbose_name = _("当前赋码")
        verbose_name_plural = _("当前赋码")

    def __str__(self) -> str:
        return f"{self.item_id} · {self.colour}"


class RectificationOrder(models.Model):
    """A rectification order (督整改) for a red item: a deadline, the evidence required, a reviewed closure."""

    class State(models.TextChoices):
        OPEN = "open", _("整改中")
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已销号")
        REJECTED = "rejected", _("退回重改")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="rectifications")
    record = models.ForeignKey(ColourRecord, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下达时间"), editable=False)
    due_on = models.DateField(_("整改期限"))
    evidence_required = models.TextField(_("须提交的佐证"))
    escalation = models.PositiveSmallIntegerField(
        _("督办层级"), default=0, editable=False, help_text=_("0 责任单位，1 牵头单位，2 上级政府")
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN, editable=False)
    evidence = models.TextField(_("整改佐证"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    review_note = models.TextField(_("审核意见"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("整改单")
        verbose_name_plural = _("整改单")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(state__in=["open", "submitted", "rejected"]), name="one_open_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_state_display()}"


class PeriodicReport(models.Model):
    """A generated weekly or monthly report (周报、月报)."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("周报")
        MONTHLY = "monthly", _("月报")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    body = models.JSONField(_("内容"), default=dict, editable=False)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督查报告")
        verbose_name_plural = _("督查报告")
        ordering = ["-period_end", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"], name="uniq_periodic_report")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"
