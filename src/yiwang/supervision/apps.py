from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class SupervisionConfig(AppConfig):
    name = "yiwang.supervision"
    label = "supervision"
    verbose_name = _("督查督办")
    workbench_menu = (
        MenuEntry("supervision:workbench:dashboard", _("督查督办"), order=63),
        MenuEntry("supervision:workbench:rules", _("三色规则"), order=64),
        MenuEntry("supervision:workbench:reports", _("周报月报"), order=65),
    )
