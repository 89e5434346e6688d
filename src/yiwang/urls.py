from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from yiwang.api import api

admin.site.site_header = _("一网 Yiwang 系统管理")
admin.site.site_title = _("一网 Yiwang")

urlpatterns = [
    path("", include("yiwang.portal.urls")),
    path("accounts/", include("yiwang.accounts.urls")),
    path("messages/", include("yiwang.portal.message_urls")),
    path("certificates/", include("yiwang.certificates.urls")),
    path("services/", include("yiwang.catalog.urls")),
    path("applications/", include("yiwang.applications.urls")),
    path("bundles/", include("yiwang.bundles.urls")),
    path("policies/", include("yiwang.policies.urls")),
    path("", include("yiwang.collaboration.urls")),
    path("", include("yiwang.supervision.urls")),
    path("workbench/", include("yiwang.workbench.urls")),
    path("workbench/audit/", include("yiwang.workbench.audit_urls")),
    path("workbench/rules/", include("yiwang.workbench.rule_urls")),
    path("workbench/policies/", include("yiwang.workbench.policy_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
