from django.urls import include, path

from yiwang.accounts import views

app_name = "accounts"
portal_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
urlpatterns = [
    path("accounts/", include(portal_patterns)),
]
