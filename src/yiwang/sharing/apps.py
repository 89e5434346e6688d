from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class SharingConfig(AppConfig):
    name = "yiwang.sharing"
    label = "sharing"
    verbose_name = _("数据共享开放")
    workbench_menu = (MenuEntry("sharing:workbench:grants", _("数据共享"), order=70),)
