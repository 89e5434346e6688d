from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = _("平台内核")
    workbench_menu = (MenuEntry("core:workbench:audit", _("审计日志"), order=95, admin_only=True),)

    def ready(self) -> None:
        # Signals only for cross-cutting concerns (ARCHITECTURE.md): logins and logouts go to the audit ledger.
        from django.contrib.auth import signals

        signals.user_logged_in.connect(_audit_login, dispatch_uid="yiwang.core.audit.login")
        signals.user_logged_out.connect(_audit_logout, dispatch_uid="yiwang.core.audit.logout")
        signals.user_login_failed.connect(_audit_login_failed, dispatch_uid="yiwang.core.audit.login_failed")


def _audit_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from yiwang.core.audit import record

    record("auth.login", actor=user, obj=user)


def _audit_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from yiwang.core.audit import record

    if user is not None:
        record("auth.logout", actor=user, obj=user)


def _audit_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    from yiwang.core.audit import record

    # Django has already replaced the password in ``credentials``; only the username is kept.
    username = str((credentials or {}).get("username", ""))[:150]
    record("auth.login_failed", actor_label=username, data={"username": username})
