from django.urls import include, path

from yiwang.risk.views import portal, workbench

app_name = "risk"

portal_patterns = [
    path("mine/", portal.mine, name="mine"),
    path("precision/", portal.precision, name="precision"),
]

workbench_patterns = [
    path("", workbench.home, name="home"),
    path("entities/<str:uscc>/", workbench.entity, name="entity"),
    path("alerts/", workbench.alerts, name="alerts"),
    path("alerts/<str:number>/", workbench.alert, name="alert"),
    path("groups/", workbench.groups, name="groups"),
    path("addresses/", workbench.addresses, name="addresses"),
    path("objections/", workbench.objection_list, name="objections"),
    path("objections/<int:pk>/", workbench.objection, name="objection"),
]

urlpatterns = [
    path("risk/", include(portal_patterns)),
    path("workbench/risk/", include((workbench_patterns, "workbench"))),
]
