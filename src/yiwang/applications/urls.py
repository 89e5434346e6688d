from django.urls import path

from yiwang.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("apply/<str:item_code>/", views.apply, name="apply"),
    path("delegations/", views.delegations, name="delegations"),
    path("ratings/", views.ratings, name="ratings"),
    path("<str:application_no>/", views.detail, name="detail"),
    path("<str:application_no>/receipt.pdf", views.receipt, name="receipt"),
]
