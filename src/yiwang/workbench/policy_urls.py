"""Officials' pages of 免申即享, mounted at ``workbench/policies/``."""

from django.urls import path

from yiwang.workbench import policy_views

app_name = "policy_admin"
urlpatterns = [
    path("", policy_views.policy_list, name="list"),
    path("new/", policy_views.policy_create, name="create"),
    path("<str:code>/", policy_views.policy_detail, name="detail"),
    path("<str:code>/versions/", policy_views.version_create, name="version_create"),
    path("<str:code>/status/", policy_views.policy_publish, name="status"),
    path("<str:code>/test/", policy_views.policy_test, name="test"),
    path("<str:code>/sandbox/", policy_views.policy_sandbox, name="sandbox"),
    path("<str:code>/runs/", policy_views.policy_runs, name="runs"),
    path("<str:code>/runs/<int:pk>/", policy_views.run_detail, name="run"),
    path("<str:code>/runs/<int:pk>/push/", policy_views.run_push, name="run_push"),
    path("<str:code>/payouts/", policy_views.policy_payouts, name="payouts"),
    path("<str:code>/payouts/export/", policy_views.batch_export, name="export"),
    path("<str:code>/batches/<int:pk>/paid/", policy_views.batch_paid, name="batch_paid"),
    path("<str:code>/objections/<int:pk>/resolve/", policy_views.objection_resolve, name="objection_resolve"),
]
