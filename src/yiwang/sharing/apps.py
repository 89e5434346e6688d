from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class SharingConfig(AppConfig):
    name = "yiwang.sharing"
    label = "sharing"
    verbose_name = _("数据共享开放")
    workbench_menu = (MenuEntry("sharing:workbench:grants", _("数据共享"), order=70),)

    def ready(self) -> None:
        from yiwang.registries.govstack import register_external
        from yiwang.sharing.govstack import PROVIDER

        register_external(PROVIDER)  # the thematic databases through the GovStack adapter
