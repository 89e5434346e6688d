from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class CatalogConfig(AppConfig):
    name = "yiwang.catalog"
    label = "catalog"
    verbose_name = _("政务服务事项")
    workbench_menu = (MenuEntry("catalog:workbench:rule_list", _("秒批规则"), order=50),)
