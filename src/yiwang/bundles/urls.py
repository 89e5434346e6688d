"""一件事 pages: citizens' under ``/bundles/``, the administrators' designer (``bundles:workbench:…``) under
``/workbench/bundles/``."""

from django.urls import include, path

from yiwang.bundles.views import portal, workbench

app_name = "bundles"

portal_patterns = [
    path("", portal.catalogue, name="list"),
    path("applications/<str:number>/", portal.status, name="status"),
    path("<str:code>/apply/", portal.apply, name="apply"),
]

workbench_patterns = [
    path("", workbench.design_index, name="design_index"),
    path("<str:code>/", workbench.design, name="design"),
]

urlpatterns = [
    path("bundles/", include(portal_patterns)),
    path("workbench/bundles/", include((workbench_patterns, "workbench"))),
]
