"""Kernel tables: the working-day calendar (工作日历) and the tamper-evident audit ledger (审计日志)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import Conflict


class WorkCalendar(models.Model):
    """One calendar date and whether government offices work on it.

    Seeded from the ``holidays`` package (the State Council's 放假安排, including 调休 make-up working weekends)
    and editable by officials; a row an official edited is never overwritten by a later seed. A year is usable
    only once every one of its dates has a row, so that a deadline is never computed from a guess.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("工作日")
        WEEKEND = "weekend", _("周末")
        HOLIDAY = "holiday", _("法定节假日")
        MAKEUP_WORKDAY = "makeup_workday", _("调休上班")

    WORKING_KINDS = frozenset({Kind.WORKDAY, Kind.MAKEUP_WORKDAY})
    #: ``source`` of a row written by ``seed_work_calendar``; anything else means an official edited it.
    SEED_SOURCE_PREFIX = "holidays "
    OFFICIAL_SOURCE_PREFIX = "official:"

    date = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(_("是否工作日"), editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, help_text=_("如：国庆节"))
    source = models.CharField(_("来源"), max_length=64, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_working_day=True, kind__in=["workday", "makeup_workday"])
                | models.Q(is_working_day=False, kind__in=["weekend", "holiday"]),
                name="workcalendar_kind_matches_working_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}{' ' + self.name if self.name else ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_working_day = self.kind in self.WORKING_KINDS
        super().save(*args, **kwargs)

    @property
    def edited_by_official(self) -> bool:
        return not self.source.startswith(self.SEED_SOURCE_PREFIX)


class LedgerIsAppendOnly(Conflict):
    """Audit entries are written once by ``yiwang.core.audit.record`` and never changed or deleted."""

    default_code = "audit_append_only"


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise LedgerIsAppendOnly(_("审计日志只能追加，不能修改或删除。"))


class AuditEntryQuerySet(models.QuerySet):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse


class AuditEntry(models.Model):
    """One entry of the append-only audit ledger: who, acting for whom, did what, to which object, why, when.

    ``entry_hash`` is the SM3 hash of a canonical serialisation of every other field, ``prev_hash`` included,
    so each entry seals its predecessor: changing or deleting any row breaks the chain at that row, which
    ``yiwang.core.audit.verify_chain`` finds.

    The ledger is ``YIWANG_AUDIT_SHARDS`` chains (one on SQLite, whose single writer orders everything anyway):
    an entry belongs to chain ``shard`` at position ``shard_seq``, assigned by ``record()`` under that chain's lock,
    so a gap in ``shard_seq`` always means a deleted row; concurrent transactions append to different chains
    instead of queueing for one head. ``seq`` orders all entries (with one chain it is ``shard_seq``; with several
    it comes from a database sequence, so rolled-back appends leave gaps in ``seq``, never in a chain). The heads of
    all chains are sealed together by a signed checkpoint (``yiwang.core.checkpoints``).

    ``actor`` is ``PROTECT``: accounts with a history are deactivated, never deleted. ``SET_NULL`` would make
    the database itself rewrite ledger rows (and so break the chain); ``actor_label`` still keeps the name as it
    was at the time, which is what the entry is about.
    """

    GENESIS_HASH = "0" * 64

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    shard = models.PositiveSmallIntegerField(_("链"), default=0)
    shard_seq = models.BigIntegerField(_("链内序号"), default=0)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=200, blank=True)
    on_behalf_of = models.CharField(_("代表"), max_length=200, blank=True, help_text=_("委托人或企业统一社会信用代码"))
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        constraints = [models.UniqueConstraint(fields=["shard", "shard_seq"], name="core_audit_chain_position")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class Notification(models.Model):
    """One message to one person on one channel, and the outbox row that guarantees its delivery (消息通知).

    Rows are written in the business operation's own transaction, so a rolled-back operation notifies nobody and
    a committed one cannot lose its message: a background task delivers every due ``pending`` row, retrying with
    exponential backoff, and a sweeper re-runs delivery should that task be lost. A portal message is delivered
    by the row itself (``sent`` on insert); ``read_at`` records that its recipient opened the inbox.

    ``dedupe_key`` names the business event (``application:17:approved``): the same event notified twice to the
    same person on the same channel is one row, so a retried business operation never sends twice.
    """

    class Channel(models.TextChoices):
        PORTAL = "portal", _("站内消息")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"], name="core_notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="pending") | models.Q(next_attempt_at__isnull=False),
                name="core_notification_pending_has_next_attempt",
            ),
        ]
        indexes = [
            # The outbox scan: due pending rows, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="core_notification_due_idx"),
            # The inbox and the unread count of the navigation.
            models.Index(fields=["recipient", "channel", "read_at"], name="core_notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_id}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.channel == self.Channel.PORTAL and self.read_at is None
