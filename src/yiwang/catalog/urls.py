from django.urls import include, path

from yiwang.catalog.views import portal, workbench

app_name = "catalog"
portal_patterns = [
    path("", portal.search, name="search"),
    path("<str:item_code>/", portal.guide, name="guide"),
]
workbench_patterns = [
    path("", workbench.rule_list, name="rule_list"),
    path("<str:item_code>/", workbench.rule_edit, name="rule_edit"),
]
urlpatterns = [
    path("services/", include(portal_patterns)),
    path("workbench/rules/", include((workbench_patterns, "workbench"))),
]
