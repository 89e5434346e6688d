from django.urls import path

from yiwang.workbench import application_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", application_views.inbox, name="inbox"),
    path("inbox/<str:application_no>/", application_views.case, name="case"),
    path("rectifications/", application_views.rectifications, name="rectifications"),
]
