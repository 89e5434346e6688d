"""Applications (办件): one case of a service item, its timeline, materials and the day counter for numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.applications.lifecycle import FINAL_STATES, STATE_TONES, State
from yiwang.catalog.models import MaterialRequirement, ServiceItem
from yiwang.certificates.models import Certificate
from yiwang.core.fields import BlindIndexField, EncryptedTextField


class Channel(models.TextChoices):
    """办理渠道: where an application came in. The same service on every channel; reports are cut by it."""

    ONLINE = "online", _("网上办")
    MOBILE = "mobile", _("掌上办")
    WINDOW = "window", _("窗口办")
    ASSISTED = "assisted", _("帮代办")
    KIOSK = "kiosk", _("自助终端")
    THIRD_PARTY = "third_party", _("第三方渠道")


class Application(models.Model):
    """One application. The applicant is a person (ID number) or an enterprise (USCC), acting through a user."""

    encrypted_row_key = "application_no"  # the applicant code's ciphertext is bound to this row (core.fields)

    application_no = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications")
    item_version = models.PositiveIntegerField(_("事项版本"))
    department = models.ForeignKey(Department, verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, verbose_name=_("办理区划"), on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(User, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        User,
        verbose_name=_("委托人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("授权代办时，被代办的本人"),
    )
    channel = models.CharField(
        _("办理渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE, db_index=True
    )
    assisted_by = models.ForeignKey(
        User,
        verbose_name=_("帮办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("窗口工作人员或社区帮代办人员：代申请人录入，申请人本人确认"),
    )
    applicant_id = EncryptedTextField(_("申请人证件号码"), help_text=_("公民身份号码或统一社会信用代码"))
    applicant_index = BlindIndexField(source="applicant_id", db_index=True)
    applicant_name = models.CharField(_("申请人"), max_length=128)
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    request_digest = models.CharField(
        _("请求摘要"), max_length=64, blank=True, default="", help_text=_("同一幂等键重复提交时，核对内容是否一致")
    )
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.SUBMITTED)
    form_data = models.JSONField(_("表单内容"), default=dict)
    prefilled_fields = models.JSONField(_("免填字段"), default=list, help_text=_("取自基础库的字段名"))
    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("承诺办结日期"), null=True, blank=True)
    legal_due_on = models.DateField(_("法定办结日期"), null=True, blank=True)
    paused_on = models.DateField(_("挂起日期"), null=True, blank=True)
    commitment = models.BooleanField(_("告知承诺制"), default=False)
    deficiency = models.JSONField(_("容缺材料"), default=list, blank=True)
    correction_items = models.JSONField(_("补正清单"), default=list, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    auto_decision = models.JSONField(
        _("秒批比对结果"), null=True, blank=True, help_text=_("每个条件、所用数据及来源、法律依据")
    )
    in_bundle = models.BooleanField(
        _("一件事子办件"), default=False, help_text=_("一件事联办的一部分：补正与办结结果由一件事合并告知")
    )
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result_certificate = models.ForeignKey(
        Certificate, verbose_name=_("办理结果证照"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="uniq_submission_key"),
        ]
        indexes = [
            models.Index(fields=["department", "state", "due_on"]),
            models.Index(fields=["division", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_no} {self.item.name}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def state_tone(self) -> str:
        """The tone of the state's status tag (info, success, warning, danger, neutral)."""
        return STATE_TONES.get(self.state, "info")


class ApplicationEvent(models.Model):
    """One step of the timeline the applicant sees: who did what, when, and the note given."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=24, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24)
    actor = models.ForeignKey(User, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办件环节")
        verbose_name_plural = _("办件环节")
        ordering = ["application_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class SubmittedMaterial(models.Model):
    """A material of an application: an upload (stored with its SM3 hash) or a reference to an e-certificate."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey(MaterialRequirement, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("电子证照"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="materials/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    added_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")

    def __str__(self) -> str:
        return self.file_name or str(self.certificate)


class DailyCounter(models.Model):
    """The last application number used per division and day, on SQLite (one upsert inside the submission's
    transaction); PostgreSQL numbers from a sequence per division and day instead (``applications.numbers``)."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["division", "day"], name="uniq_counter_day")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.day} #{self.last}"


class Rating(models.Model):
    """好差评: the applicant's 1–5 rating of a finished application (非常满意 … 非常不满意)."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        BASIC = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)
    comment = models.TextField(_("评价内容"), blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.score}"


class Rectification(models.Model):
    """差评整改: a rating of 1–2 opens a case for the department, with a deadline and a follow-up visit (回访)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改待回访")
        CLOSED = "closed", _("已回访办结")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    measures = models.TextField(_("整改措施"), blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    follow_up = models.TextField(_("回访记录"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    applicant_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"


class Delegation(models.Model):
    """授权代办: a person authorises another user to handle some or all services for them, for a period."""

    principal = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        User, verbose_name=_("代办人"), on_delete=models.PROTECT, related_name="delegations_held"
    )
    relationship = models.CharField(_("关系"), max_length=32, help_text=_("如：子女、配偶、社区工作人员"))
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("授权事项"), blank=True, help_text=_("留空表示全部事项"), related_name="+"
    )
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("授权代办")
        verbose_name_plural = _("授权代办")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="delegation_period"
            ),
            models.CheckConstraint(condition=~models.Q(principal=models.F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.delegate}"
