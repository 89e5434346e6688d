from django.urls import include, path

from yiwang.registries.views import workbench

app_name = "registries"
workbench_patterns = [
    path("entities/", workbench.entities, name="entities"),
    path("entities/<str:uscc>/", workbench.entity_detail, name="entity"),
    path("persons/", workbench.persons, name="persons"),
    path("persons/<int:pk>/", workbench.person_detail, name="person"),
    path("discrepancies/", workbench.discrepancies, name="discrepancies"),
    path("discrepancies/<int:pk>/resolve/", workbench.resolve, name="resolve"),
    path("export/<str:registry>.csv", workbench.export, name="export"),
]
urlpatterns = [
    path("workbench/", include((workbench_patterns, "workbench"))),
]
