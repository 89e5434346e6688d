from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class WorkbenchConfig(AppConfig):
    name = "yiwang.workbench"
    label = "workbench"
    verbose_name = _("工作台")
    workbench_menu = (MenuEntry("workbench:home", _("概览"), order=0),)
