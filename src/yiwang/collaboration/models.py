"""一网协同: the organisation tree down to villages and grid groups, instructions with receipts, task forces."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division


class OrgUnit(models.Model):
    """A unit of the five-level organisation tree that receives instructions.

    Levels 1–4 mirror the divisions (province, city, county, township) and carry the division's code; level 5
    holds the villages and communities under a township and the grid groups (网格) under them, which the
    division table does not have. ``path`` is the codes from the root, slash-separated and ending in a slash,
    so a whole subtree is one ``path__startswith``.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("市级")
        COUNTY = 3, _("县级")
        TOWNSHIP = 4, _("乡镇（街道）")
        VILLAGE = 5, _("村（社区）及网格")

    class Kind(models.TextChoices):
        DIVISION = "division", _("行政区划")
        VILLAGE = "village", _("行政村")
        COMMUNITY = "community", _("社区")
        GRID = "grid", _("网格")

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.DIVISION)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("所在行政区划"), on_delete=models.PROTECT, related_name="org_units"
    )
    path = models.CharField(_("路径"), max_length=400, db_index=True, editable=False)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_units",
    )

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    """An instruction (一键触达) sent to every unit of the chosen subtrees, to be acknowledged by a deadline."""

    class State(models.TextChoices):
        SENT = "sent", _("已下发")
        CLOSED = "closed", _("已办结")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("发送部门"), on_delete=models.PROTECT, related_name="+")
    roots = models.JSONField(_("接收范围"), default=list, help_text=_("所选子树的根单位编码"))
    levels = models.JSONField(_("接收层级"), default=list)
    deadline_days = models.JSONField(_("各层级签收时限（工作日）"), default=dict)
    requires_report = models.BooleanField(_("需反馈落实情况"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.SENT, editable=False)
    sent_at = models.DateTimeField(_("下发时间"), editable=False)
    receipt_count = models.PositiveIntegerField(_("接收单位数"), default=0, editable=False)
    recipients_digest = models.CharField(_("接收单位摘要（SM3）"), max_length=64, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("指令")
        verbose_name_plural = _("指令")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Receipt(models.Model):
    """One receiving unit's copy of an instruction: read, acknowledged (签收), reported back, reminded, escalated.

    Each read, acknowledgement and report is also an audit-ledger entry (``ack_entry_seq``, ``report_entry_seq``),
    so a receipt cannot be forged afterwards: :func:`yiwang.collaboration.services.verify_receipts` compares them.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("未读")
        READ = "read", _("已读")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        REPORTED = "reported", _("已反馈")

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="receipts")
    level = models.PositiveSmallIntegerField(_("层级"), choices=OrgUnit.Level.choices)
    due_on = models.DateField(_("签收期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.PENDING, editable=False, db_index=True
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    ack_entry_seq = models.BigIntegerField(_("签收审计序号"), null=True, blank=True, editable=False)
    report = models.TextField(_("落实情况"), blank=True, editable=False)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True, editable=False)
    report_entry_seq = models.BigIntegerField(_("反馈审计序号"), null=True, blank=True, editable=False)
    reminders = models.PositiveSmallIntegerField(_("催办次数"), default=0, editable=False)
    reminded_at = models.DateTimeField(_("最近催办"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("上报上级时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("签收回执")
        verbose_name_plural = _("签收回执")
        ordering = ["instruction_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "unit"], name="uniq_receipt_per_unit"),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(state="read") | Q(acknowledged_at__isnull=False),
                name="receipt_acknowledged_has_time",
            ),
        ]
        indexes = [models.Index(fields=["instruction", "state"], name="receipt_instruction_state")]

    def __str__(self) -> str:
        return f"{self.instruction_id} · {self.unit_id}"


class TaskForce(models.Model):
    """A work group or task force (工作专班): a leader, members from several departments and experts, goals."""

    name = models.CharField(_("专班名称"), max_length=120)
    goal = models.TextField(_("工作目标"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("牵头领导"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("成立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作专班")
        verbose_name_plural = _("工作专班")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A member of a task force: an official of some department, or an outside expert."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所在部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_expert = models.BooleanField(_("外部专家"), default=False)
    duty = models.CharField(_("职责"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["task_force_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_expert=True) | Q(department__isnull=False), name="member_official_has_department"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A meeting of the task force with its agenda and minutes; its decisions become tracked tasks."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("会议日期"))
    agenda = models.TextField(_("议程"))
    minutes = models.TextField(_("纪要"), blank=True)

    class Meta:
        verbose_name = _("专班会议")
        verbose_name_plural = _("专班会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_force} · {self.held_on}"


class Task(models.Model):
    """A task of a task force (挂图作战): an owner, a department, a working-day deadline and a state."""

    class State(models.TextChoices):
        TODO = "todo", _("未开始")
        DOING = "doing", _("推进中")
        BLOCKED = "blocked", _("攻关中")
        DONE = "done", _("已完成")

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(Member, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="tasks")
    department = models.ForeignKey(Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    due_on = models.DateField(_("完成期限"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.TODO, editable=False)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("来源会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    problem = models.TextField(_("攻关问题"), blank=True, editable=False)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("专班任务")
        verbose_name_plural = _("专班任务")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_on__isnull=False), name="task_done_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.title


class LeagueTable(models.Model):
    """A periodic league table (定期晾晒) of the task force's departments, published to its members."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="league_tables")
    as_of = models.DateField(_("统计日期"))
    rows = models.JSONField(_("排名"), default=list, editable=False)
    published_at = models.DateTimeField(_("发布时间"), editable=False)

    class Meta:
        verbose_name = _("晾晒榜单")
        verbose_name_plural = _("晾晒榜单")
        ordering = ["-as_of", "-pk"]
        constraints = [models.UniqueConstraint(fields=["task_force", "as_of"], name="uniq_league_per_day")]

    def __str__(self) -> str:
        return f"{self.task_force} · {self.as_of}"
