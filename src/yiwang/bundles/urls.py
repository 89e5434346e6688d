from django.urls import path

from yiwang.bundles import views

app_name = "bundles"
urlpatterns = [
    path("", views.catalogue, name="list"),
    path("applications/<str:number>/", views.status, name="status"),
    path("design/", views.design_index, name="design_index"),
    path("design/<str:code>/", views.design, name="design"),
    path("<str:code>/apply/", views.apply, name="apply"),
]
