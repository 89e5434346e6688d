from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class RegulationConfig(AppConfig):
    name = "yiwang.regulation"
    label = "regulation"
    verbose_name = _("互联网+监管")
    workbench_menu = (
        MenuEntry("regulation:workbench:home", _("双随机抽查"), order=60),
        MenuEntry("regulation:workbench:cases", _("执法案件"), order=61),
    )
