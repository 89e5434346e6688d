from django.urls import path

from yiwang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.life_event, name="life_event"),
    path("space/", views.space, name="space"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("me/", views.me, name="me"),
    path("me/report-error/", views.report_error, name="report_error"),
]
