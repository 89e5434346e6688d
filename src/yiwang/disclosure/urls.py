"""Pages of 政务公开: the public's (``disclosure:<name>`` under ``disclosure/``) and the officials'
(``disclosure:workbench:<name>`` under ``workbench/disclosure/``). Mounted once in ``yiwang/urls.py``."""

from django.urls import include, path

from yiwang.disclosure.views import portal, workbench

app_name = "disclosure"

portal_patterns = [
    path("", portal.home, name="home"),
    path("documents/", portal.document_list, name="documents"),
    path("documents/<int:pk>/", portal.document, name="document"),
    path("requests/", portal.request_list, name="requests"),
    path("requests/<str:number>/", portal.request_detail, name="request"),
    path("livelihood/", portal.round_list, name="rounds"),
    path("livelihood/<int:pk>/", portal.round_detail, name="round"),
    path("livelihood/<int:pk>/ballots.txt", portal.ballots_csv, name="ballots"),
    path("ask/", portal.ask, name="ask"),
    path("ask/<int:pk>/", portal.question, name="question"),
]

workbench_patterns = [
    path("", workbench.home, name="home"),
    path("documents/<int:pk>/", workbench.document, name="document"),
    path("requests/<str:number>/", workbench.request_detail, name="request"),
    path("livelihood/", workbench.livelihood_list, name="livelihood"),
    path("livelihood/<int:pk>/", workbench.round_detail, name="round"),
    path("questions/", workbench.questions, name="questions"),
    path("questions/<int:pk>/", workbench.question, name="question"),
]

urlpatterns = [
    path("disclosure/", include(portal_patterns)),
    path("workbench/disclosure/", include((workbench_patterns, "workbench"))),
]
