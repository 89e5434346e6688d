from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class RegistriesConfig(AppConfig):
    name = "yiwang.registries"
    label = "registries"
    verbose_name = _("基础库")
    workbench_menu = (
        MenuEntry("registries:workbench:entities", _("法人库"), order=60),
        MenuEntry("registries:workbench:persons", _("人口库"), order=61),
        MenuEntry("registries:workbench:discrepancies", _("数据异议"), order=62),
    )
