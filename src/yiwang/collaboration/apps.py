from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class CollaborationConfig(AppConfig):
    name = "yiwang.collaboration"
    label = "collaboration"
    verbose_name = _("一网协同")
    workbench_menu = (
        MenuEntry("collaboration:workbench:instructions", _("一键触达"), order=60),
        MenuEntry("collaboration:workbench:receipts", _("待签收"), order=61),
        MenuEntry("collaboration:workbench:task_forces", _("工作专班"), order=62),
    )
