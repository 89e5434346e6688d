from django.urls import include, path

from yiwang.core import views

app_name = "core"
workbench_patterns = [
    path("audit/", views.audit_list, name="audit"),
]
urlpatterns = [
    path("messages/", views.messages_inbox, name="messages"),
    path("workbench/", include((workbench_patterns, "workbench"))),
]
