from django.urls import path

from yiwang.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("offers/<int:offer_id>/", views.respond, name="respond"),
    path("<str:code>/notice/", views.notice, name="notice"),
]
