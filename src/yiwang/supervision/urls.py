from django.urls import include, path

from yiwang.supervision.views import workbench

app_name = "supervision"
workbench_patterns = [
    path("", workbench.dashboard, name="dashboard"),
    path("items/<int:pk>/", workbench.item, name="item"),
    path("rules/", workbench.rules, name="rules"),
    path("import/", workbench.import_reports, name="import"),
    path("export.xlsx", workbench.export_xlsx, name="export_xlsx"),
    path("export.pdf", workbench.export_pdf, name="export_pdf"),
    path("reports/", workbench.reports, name="reports"),
    path("reports/<int:pk>/", workbench.report, name="report"),
]
urlpatterns = [path("workbench/supervision/", include((workbench_patterns, "workbench")))]
