from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form, which says when an account is locked and until when."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误。连续多次错误后账户将被暂时锁定。"),
        "locked": _("因连续登录失败，账户已被锁定，请于 %(until)s 之后再试。"),
        "throttled": _("从您所在网络地址登录失败的次数过多，请于 %(until)s 之后再试。"),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            throttled = getattr(self.request, "yiwang_throttled_until", None)
            if throttled is not None:
                local = timezone.localtime(throttled).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"until": local}
                ) from None
            until = getattr(self.request, "yiwang_locked_until", None)
            if until is not None:
                local = timezone.localtime(until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": local}
                ) from None
            raise
