from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class BundlesConfig(AppConfig):
    name = "yiwang.bundles"
    label = "bundles"
    verbose_name = _("一件事联办")
    workbench_menu = (MenuEntry("bundles:workbench:design_index", _("一件事设计"), order=90, admin_only=True),)
