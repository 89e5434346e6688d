from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from yiwang.api import api

admin.site.site_header = _("一网 Yiwang 系统管理")
admin.site.site_title = _("一网 Yiwang")

urlpatterns = [
    path("", include("yiwang.portal.urls")),
    path("", include("yiwang.core.urls")),
    path("", include("yiwang.accounts.urls")),
    path("", include("yiwang.registries.urls")),
    path("", include("yiwang.certificates.urls")),
    path("", include("yiwang.catalog.urls")),
    path("", include("yiwang.applications.urls")),
    path("", include("yiwang.bundles.urls")),
    path("", include("yiwang.channels.urls")),
    path("", include("yiwang.policies.urls")),
    path("", include("yiwang.regulation.urls")),
    path("", include("yiwang.risk.urls")),
    path("", include("yiwang.collaboration.urls")),
    path("", include("yiwang.sharing.urls")),
    path("", include("yiwang.supervision.urls")),
    path("", include("yiwang.disclosure.urls")),
    path("workbench/", include("yiwang.workbench.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
