from django.urls import path

from yiwang.workbench import application_views, registry_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", application_views.inbox, name="inbox"),
    path("inbox/<str:application_no>/", application_views.case, name="case"),
    path("rectifications/", application_views.rectifications, name="rectifications"),
    path("entities/", views.entities, name="entities"),
    path("entities/<str:uscc>/", registry_views.entity_detail, name="entity"),
    path("persons/", views.persons, name="persons"),
    path("persons/<int:pk>/", registry_views.person_detail, name="person"),
    path("discrepancies/", registry_views.discrepancies, name="discrepancies"),
    path("export/<str:registry>.csv", registry_views.export, name="export"),
    path("discrepancies/<int:pk>/resolve/", registry_views.resolve, name="resolve"),
]
