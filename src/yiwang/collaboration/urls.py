from django.urls import include, path

from yiwang.collaboration.views import workbench

app_name = "collaboration"
workbench_patterns = [
    path("instructions/", workbench.instructions, name="instructions"),
    path("instructions/<int:pk>/", workbench.instruction, name="instruction"),
    path("receipts/", workbench.receipts, name="receipts"),
    path("task-forces/", workbench.task_forces, name="task_forces"),
    path("task-forces/new/", workbench.task_force_create, name="task_force_create"),
    path("task-forces/<int:pk>/", workbench.task_force, name="task_force"),
]
urlpatterns = [path("workbench/collaboration/", include((workbench_patterns, "workbench")))]
