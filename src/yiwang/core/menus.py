"""Menu entries that each app declares on its AppConfig, so that the shells draw navigation without knowing apps.

An app lists its officials' pages in ``workbench_menu`` on its ``AppConfig``::

    class PoliciesConfig(AppConfig):
        workbench_menu = (MenuEntry("policies:manage", _("惠企政策"), order=40),)

The workbench layout shows the entries of every installed app, in ``order``; ``admin_only`` entries only to
administrators. Adding an app never means editing the workbench.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.functional import Promise

__all__ = ["MenuEntry", "menus", "workbench_entries"]


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    order: int = 100
    admin_only: bool = False


def workbench_entries(*, administrator: bool) -> list[MenuEntry]:
    """The workbench menu of every installed app, in order, for an administrator or an official."""
    entries = [
        entry
        for config in apps.get_app_configs()
        for entry in getattr(config, "workbench_menu", ())
        if administrator or not entry.admin_only
    ]
    return sorted(entries, key=lambda e: (e.order, e.url_name))


def menus(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``workbench_menu`` for officials and administrators (empty for anyone else)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_official or user.is_administrator):
        return {"workbench_menu": []}
    return {"workbench_menu": workbench_entries(administrator=user.is_administrator)}
