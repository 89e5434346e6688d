from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class CollaborationConfig(AppConfig):
    name = "yiwang.collaboration"
    label = "collaboration"
    verbose_name = _("一网协同")
    workbench_menu: tuple[MenuEntry, ...] = ()  # the pages come with views/workbench.py
