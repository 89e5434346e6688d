from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class RiskConfig(AppConfig):
    name = "yiwang.risk"
    label = "risk"
    verbose_name = _("风险监测预警")
    workbench_menu = (
        MenuEntry("risk:workbench:home", _("信用风险分类"), order=62),
        MenuEntry("risk:workbench:alerts", _("风险线索"), order=63),
    )
