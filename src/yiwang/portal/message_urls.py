from django.urls import path

from yiwang.portal import message_views

app_name = "messages_inbox"
urlpatterns = [
    path("", message_views.inbox, name="inbox"),
]
