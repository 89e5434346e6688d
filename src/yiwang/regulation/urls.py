from django.urls import include, path

from yiwang.regulation.views import portal, workbench

app_name = "regulation"

portal_patterns = [
    path("draws/<str:number>/", portal.draw, name="draw"),
    path("draws/<str:number>/files/<str:name>", portal.draw_file, name="draw_file"),
    path("code/<str:code>/", portal.code, name="code"),
    path("results/<str:uscc>/", portal.results, name="results"),
    path("decisions/", portal.decisions, name="decisions"),
    path("mine/", portal.mine, name="mine"),
]

workbench_patterns = [
    path("", workbench.home, name="home"),
    path("plans/<int:plan_id>/draw/", workbench.commit_draw, name="commit_draw"),
    path("draws/<str:number>/perform/", workbench.perform_draw, name="perform_draw"),
    path("inspections/<str:code>/", workbench.inspection, name="inspection"),
    path("inspections/<str:code>/checklist/", workbench.checklist, name="checklist"),
    path("cases/", workbench.case_list, name="cases"),
    path("cases/<str:number>/", workbench.case_detail, name="case"),
    path("cases/<str:number>/documents/<int:step_id>.pdf", workbench.case_document, name="case_document"),
]

urlpatterns = [
    path("regulation/", include(portal_patterns)),
    path("workbench/regulation/", include((workbench_patterns, "workbench"))),
]
