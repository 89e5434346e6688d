from django.urls import path

from yiwang.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.search, name="search"),
    path("<str:item_code>/", views.guide, name="guide"),
]
