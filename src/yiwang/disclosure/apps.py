from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from yiwang.core.menus import MenuEntry


class DisclosureConfig(AppConfig):
    name = "yiwang.disclosure"
    label = "disclosure"
    verbose_name = _("政务公开")
    workbench_menu = (
        MenuEntry("disclosure:workbench:home", _("政务公开"), order=80),
        MenuEntry("disclosure:workbench:livelihood", _("民生实事"), order=81),
        MenuEntry("disclosure:workbench:questions", _("智能问答转人工"), order=82),
    )
