"""Pages of 免申即享: the enterprises' (``policies:<name>`` under ``policies/``) and the officials'
(``policies:workbench:<name>`` under ``workbench/policies/``). Mounted once in ``yiwang/urls.py``."""

from django.urls import include, path

from yiwang.policies.views import portal, workbench

app_name = "policies"

portal_patterns = [
    path("", portal.mine, name="mine"),
    path("offers/<int:offer_id>/", portal.respond, name="respond"),
    path("<str:code>/notice/", portal.notice, name="notice"),
]

workbench_patterns = [
    path("", workbench.policy_list, name="list"),
    path("new/", workbench.policy_create, name="create"),
    path("<str:code>/", workbench.policy_detail, name="detail"),
    path("<str:code>/versions/", workbench.version_create, name="version_create"),
    path("<str:code>/status/", workbench.policy_publish, name="status"),
    path("<str:code>/test/", workbench.policy_test, name="test"),
    path("<str:code>/sandbox/", workbench.policy_sandbox, name="sandbox"),
    path("<str:code>/runs/", workbench.policy_runs, name="runs"),
    path("<str:code>/runs/<int:pk>/", workbench.run_detail, name="run"),
    path("<str:code>/runs/<int:pk>/push/", workbench.run_push, name="run_push"),
    path("<str:code>/payouts/", workbench.policy_payouts, name="payouts"),
    path("<str:code>/payouts/export/", workbench.batch_export, name="export"),
    path("<str:code>/batches/<int:pk>/paid/", workbench.batch_paid, name="batch_paid"),
    path("<str:code>/objections/<int:pk>/resolve/", workbench.objection_resolve, name="objection_resolve"),
]

urlpatterns = [
    path("policies/", include(portal_patterns)),
    path("workbench/policies/", include((workbench_patterns, "workbench"))),
]
