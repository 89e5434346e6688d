from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class PoliciesConfig(AppConfig):
    name = "yiwang.policies"
    label = "policies"
    verbose_name = _("惠企政策（免申即享）")
    workbench_menu = (MenuEntry("policies:workbench:list", _("惠企政策"), order=40),)
