from django.urls import path

from yiwang.workbench import registry_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("entities/", views.entities, name="entities"),
    path("entities/<str:uscc>/", registry_views.entity_detail, name="entity"),
    path("persons/", views.persons, name="persons"),
    path("persons/<int:pk>/", registry_views.person_detail, name="person"),
    path("discrepancies/", registry_views.discrepancies, name="discrepancies"),
    path("export/<str:registry>.csv", registry_views.export, name="export"),
    path("discrepancies/<int:pk>/resolve/", registry_views.resolve, name="resolve"),
]
