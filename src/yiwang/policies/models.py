"""Proactive benefits (免申即享): policies and their rule versions, matching runs, offers, payouts, objections."""

from __future__ import annotations

import zlib
from decimal import Decimal

import numpy as np
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.core.fields import EncryptedTextField

ZERO = Decimal("0.00")


class Policy(models.Model):
    """A benefit policy (惠企/惠民政策) with its budget; its rules live in versions (``current_version``)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("惠企")
        PERSON = "person", _("惠民")

    class Route(models.TextChoices):
        PROACTIVE = "proactive", _("免申即享")
        FAST_TRACK = "fast_track", _("快申快享")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停止")

    code = models.CharField(_("政策编码"), max_length=64, unique=True)
    title = models.CharField(_("政策名称"), max_length=200)
    kind = models.CharField(_("政策类别"), max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    department = models.ForeignKey(
        Department, verbose_name=_("主管部门"), on_delete=models.PROTECT, related_name="policies"
    )
    legal_references = models.TextField(_("政策依据"), blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    route = models.CharField(_("兑现方式"), max_length=16, choices=Route.choices, default=Route.PROACTIVE)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    current_version = models.ForeignKey(
        "PolicyVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_total = models.DecimalField(_("资金预算（元）"), max_digits=16, decimal_places=2, default=ZERO)
    budget_committed = models.DecimalField(
        _("已承诺资金（元）"), max_digits=16, decimal_places=2, default=ZERO, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_committed__lte=models.F("budget_total")), name="policy_within_budget"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def budget_remaining(self) -> Decimal:
        return self.budget_total - self.budget_committed


class PolicyVersion(models.Model):
    """One version of a policy's rules (YAML with ``conditions`` and ``amount``). Immutable once a run used it."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    rules = models.TextField(_("规则（YAML）"))
    created_by = models.ForeignKey(
        User, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策规则版本")
        verbose_name_plural = _("政策规则版本")
        ordering = ["policy", "number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="uniq_policy_version")]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and MatchResult.objects.filter(version_id=self.pk).exists():
            raise ValueError("a policy version used by a matching run is immutable; create a new version")
        super().save(*args, **kwargs)


class MatchRun(models.Model):
    """A full matching run: the evidence of which snapshot was matched against which versions (数据比对)."""

    versions: models.ManyToManyField[PolicyVersion, MatchResult] = models.ManyToManyField(
        PolicyVersion, through="MatchResult", verbose_name=_("政策版本")
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    as_of = models.DateField(_("比对基准日"))
    snapshot_hash = models.CharField(_("数据快照摘要（SM3）"), max_length=64)
    entity_count = models.PositiveIntegerField(_("主体数"))
    uscc_order = models.BinaryField(_("快照主体顺序（zlib）"))
    counts = models.JSONField(_("各政策符合数"), default=dict)
    amounts_total = models.DecimalField(_("测算总金额（元）"), max_digits=18, decimal_places=2, default=ZERO)
    offers_created = models.PositiveIntegerField(_("推送数"), default=0)
    seconds = models.FloatField(_("匹配耗时（秒）"), default=0.0)
    created_by = models.ForeignKey(
        User, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("匹配批次")
        verbose_name_plural = _("匹配批次")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.entity_count})"

    @staticmethod
    def pack_usccs(usccs: np.ndarray) -> bytes:
        return zlib.compress(np.ascontiguousarray(usccs, dtype="S18").tobytes(), 6)

    def usccs(self) -> np.ndarray:
        """The snapshot's USCC order, row by row."""
        return np.frombuffer(zlib.decompress(bytes(self.uscc_order)), dtype="S18")


class MatchResult(models.Model):
    """One policy's result in a run: the eligible set as a packed bitmap over the run's USCC order."""

    run = models.ForeignKey(MatchRun, verbose_name=_("匹配批次"), on_delete=models.CASCADE, related_name="results")
    version = models.ForeignKey(PolicyVersion, verbose_name=_("政策版本"), on_delete=models.PROTECT, related_name="+")
    eligible_count = models.PositiveIntegerField(_("符合数"))
    amount_total = models.DecimalField(_("测算金额（元）"), max_digits=18, decimal_places=2, default=ZERO)
    bitmap = models.BinaryField(_("符合主体位图（zlib）"))
    pushed = models.BooleanField(_("已推送"), default=False)

    class Meta:
        verbose_name = _("政策匹配结果")
        verbose_name_plural = _("政策匹配结果")
        constraints = [models.UniqueConstraint(fields=["run", "version"], name="uniq_run_version")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.version_id}: {self.eligible_count}"

    @staticmethod
    def pack(words: np.ndarray) -> bytes:
        return zlib.compress(np.ascontiguousarray(words, dtype=np.uint64).tobytes(), 6)

    def rows(self) -> np.ndarray:
        """Row indices (into the run's USCC order) of the eligible entities."""
        words = np.frombuffer(zlib.decompress(bytes(self.bitmap)), dtype=np.uint64)
        bits = np.unpackbits(words.view(np.uint8), bitorder="little")
        return np.flatnonzero(bits).astype(np.int64)

    def eligible_usccs(self) -> list[str]:
        usccs = self.run.usccs()
        return [u.decode("ascii") for u in usccs[self.rows()]]


class Offer(models.Model):
    """The push notice of a benefit to one eligible entity (免申即享推送), awaiting its 意愿确认."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已放弃")
        EXPIRED = "expired", _("已过期")

    run = models.ForeignKey(MatchRun, verbose_name=_("匹配批次"), on_delete=models.PROTECT, related_name="offers")
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="offers")
    version = models.ForeignKey(PolicyVersion, verbose_name=_("政策版本"), on_delete=models.PROTECT, related_name="+")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    entity_name = models.CharField(_("企业名称"), max_length=128)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    explanation = models.JSONField(_("比对依据"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OFFERED)
    created_at = models.DateTimeField(_("推送时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(_("放弃原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政策推送")
        verbose_name_plural = _("政策推送")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "policy", "uscc"], name="uniq_offer_per_run"),
            # one open (offered or confirmed) offer per policy and entity, whatever runs overlap: never paid twice
            models.UniqueConstraint(
                fields=["policy", "uscc"],
                condition=models.Q(status__in=["offered", "confirmed"]),
                name="uniq_open_offer_per_policy",
            ),
        ]
        indexes = [models.Index(fields=["uscc", "status"]), models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.uscc}"


class PayoutBatch(models.Model):
    """A payment file of pending payouts handed to the treasury (拨付批次)."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="batches")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payout_count = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("总金额（元）"), max_digits=18, decimal_places=2, default=ZERO)
    file_hash = models.CharField(_("支付文件摘要（SM3）"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.policy_id} #{self.pk}"


class Payout(models.Model):
    """The payment of a confirmed benefit (兑现), within the policy's budget."""

    encrypted_row_key = "offer"  # the bank account's ciphertext is bound to this row (core.fields)

    class Status(models.TextChoices):
        PENDING = "pending", _("待拨付")
        EXPORTED = "exported", _("已导出")
        PAID = "paid", _("已拨付")

    offer = models.OneToOneField(Offer, verbose_name=_("推送"), on_delete=models.PROTECT, related_name="payout")
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    bank_account = EncryptedTextField(_("收款账号"))
    bank_account_masked = models.CharField(_("收款账号（脱敏）"), max_length=40)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    batch = models.ForeignKey(
        PayoutBatch,
        verbose_name=_("拨付批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("兑现拨付")
        verbose_name_plural = _("兑现拨付")
        ordering = ["pk"]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.amount}"


class Objection(models.Model):
    """An objection raised during public notice (公示异议)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="objections")
    uscc = models.CharField(_("所涉统一社会信用代码"), max_length=18, blank=True)
    subject = models.CharField(_("所涉对象"), max_length=200, blank=True)
    reason = models.TextField(_("异议理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    filed_by = models.ForeignKey(
        User, verbose_name=_("提出人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.policy_id}: {self.uscc or self.subject}"
