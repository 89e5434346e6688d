"""办件 pages: citizens' under ``/applications/``, officials' (``applications:workbench:…``) under ``/workbench/``.

The officials' paths (``/workbench/inbox/…``, ``/workbench/rectifications/``) are those of the first release, so
bookmarks and the intranet split by path still hold (docs/decisions/0010).
"""

from django.urls import include, path

from yiwang.applications.views import portal, workbench

app_name = "applications"

portal_patterns = [
    path("", portal.mine, name="mine"),
    path("apply/<str:item_code>/", portal.apply, name="apply"),
    path("delegations/", portal.delegations, name="delegations"),
    path("ratings/", portal.ratings, name="ratings"),
    path("<str:application_no>/", portal.detail, name="detail"),
    path("<str:application_no>/receipt.pdf", portal.receipt, name="receipt"),
]

workbench_patterns = [
    path("inbox/", workbench.inbox, name="inbox"),
    path("inbox/<str:application_no>/", workbench.case, name="case"),
    path("rectifications/", workbench.rectifications, name="rectifications"),
]

urlpatterns = [
    path("applications/", include(portal_patterns)),
    path("workbench/", include((workbench_patterns, "workbench"))),
]
