from django.urls import include, path

from yiwang.sharing.views import ckan, portal, workbench

app_name = "sharing"

portal_patterns = [
    path("", portal.open_list, name="open_list"),
    path("<slug:name>/", portal.open_detail, name="open_detail"),
    path("<slug:name>/apply/", portal.open_apply, name="open_apply"),
    path("<slug:name>/dcat.jsonld", portal.open_dcat, name="open_dcat"),
    path("<slug:name>/download.<str:fmt>", portal.open_download, name="open_download"),
]
workbench_patterns = [
    path("", workbench.grant_list, name="grants"),
    path("grants/<int:pk>/", workbench.grant_detail, name="grant"),
    path("catalogue/", workbench.catalogue, name="catalogue"),
    path("alerts/", workbench.alerts, name="alerts"),
    path("joint/", workbench.joint_list, name="joint"),
    path("joint/<int:pk>/", workbench.joint_sum, name="joint_sum"),
]
urlpatterns = [
    path("open/", include(portal_patterns)),
    path("sharing/who-read/", portal.who_read, name="who_read"),
    path("api/3/action/<str:name>", ckan.action, name="ckan_action"),
    path("api/action/<str:name>", ckan.action, name="ckan_action_unversioned"),
    path("workbench/sharing/", include((workbench_patterns, "workbench"))),
]
