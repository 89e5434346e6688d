from django.urls import path

from yiwang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/report-error/", views.report_error, name="report_error"),
]
