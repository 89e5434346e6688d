"""Officials' pages of the window and 帮代办 channels (``/workbench/window/``, ``/workbench/assist/``)."""

from django.urls import include, path

from yiwang.channels import views

app_name = "channels"
workbench_patterns = [
    path("window/", views.window, name="window"),
    path("assist/", views.assist, name="assist"),
    path("confirm/<uuid:token>/", views.confirm, name="confirm"),
]
urlpatterns = [path("workbench/", include((workbench_patterns, "workbench")))]
