from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class ApplicationsConfig(AppConfig):
    name = "yiwang.applications"
    label = "applications"
    verbose_name = _("办件")
    workbench_menu = (
        MenuEntry("applications:workbench:inbox", _("办件箱"), order=10),
        MenuEntry("applications:workbench:rectifications", _("差评整改"), order=20),
    )
