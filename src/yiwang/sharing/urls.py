from django.urls import include, path

from yiwang.sharing.views import ckan, portal, returns, reviews, thematic, workbench

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
    path("thematic/", thematic.thematic_list, name="thematic_list"),
    path("thematic/<slug:code>/", thematic.thematic_detail, name="thematic"),
    path("thematic/<slug:code>/rows/<str:key>/", thematic.thematic_history, name="thematic_history"),
    path("returns/", returns.return_list, name="returns"),
    path("returns/<int:pk>/", returns.return_detail, name="return"),
    path("returns/<int:pk>/extracts/<int:extract_pk>.csv", returns.return_extract, name="return_extract"),
    path("operations/", reviews.operation_list, name="operations"),
    path("operations/<int:pk>/", reviews.operation_detail, name="operation"),
    path("applications/", reviews.application_list, name="applications"),
    path("applications/<int:pk>/", reviews.application_detail, name="application"),
]
urlpatterns = [
    path("open/", include(portal_patterns)),
    path("sharing/who-read/", portal.who_read, name="who_read"),
    path("sharing/operations/", portal.operations, name="operations"),
    path("api/3/action/<str:name>", ckan.action, name="ckan_action"),
    path("api/action/<str:name>", ckan.action, name="ckan_action_unversioned"),
    path("workbench/sharing/", include((workbench_patterns, "workbench"))),
]
