from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class ChannelsConfig(AppConfig):
    """办事渠道: window intake (大厅端) and assisted applications (帮代办) with the applicant's own confirmation."""

    name = "yiwang.channels"
    label = "channels"
    verbose_name = _("办事渠道")
    workbench_menu = (
        MenuEntry("channels:workbench:window", _("窗口收件"), order=15),
        MenuEntry("channels:workbench:assist", _("帮代办"), order=16),
    )
