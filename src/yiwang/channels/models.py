"""The applicant's own confirmation of an application someone else entered for them (窗口办, 帮代办).

A window official or a community worker types the application; the applicant confirms it with a one-time code
sent by SMS to the phone the population registry holds for them. The confirmation row is the evidence: who
helped, for whom, which item, when the code was sent and when (and with how many tries) it was confirmed, and
the application it produced. Only the code's SM3 digest is stored.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications.models import Application
from yiwang.catalog.models import ServiceItem


class Confirmation(models.Model):
    """One confirmation by SMS code: started by the helper, confirmed by the applicant reading out the code."""

    class Kind(models.TextChoices):
        WINDOW = "window", _("窗口收件")
        ASSISTED = "assisted", _("帮代办")

    class Method(models.TextChoices):
        SMS_CODE = "sms_code", _("短信验证码")

    token = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("渠道"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("确认方式"), max_length=16, choices=Method.choices, default=Method.SMS_CODE)
    helper = models.ForeignKey(User, verbose_name=_("帮办人"), on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    code_digest = models.CharField(_("验证码摘要"), max_length=64)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("输错次数"), default=0)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    application = models.OneToOneField(
        Application,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmation",
    )

    class Meta:
        verbose_name = _("申请人确认")
        verbose_name_plural = _("申请人确认")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.token}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
