from django.urls import path

from yiwang.workbench import rule_views

app_name = "rules"
urlpatterns = [
    path("", rule_views.rule_list, name="list"),
    path("<str:item_code>/", rule_views.rule_edit, name="edit"),
]
