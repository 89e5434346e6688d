from django.urls import include, path

from yiwang.certificates import views

app_name = "certificates"
portal_patterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>/", views.verify_number, name="verify_number"),
    path("mine/", views.mine, name="mine"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/pdf/", views.pdf, name="pdf"),
]
urlpatterns = [
    path("certificates/", include(portal_patterns)),
]
