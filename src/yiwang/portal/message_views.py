"""The user's message inbox (站内消息): portal notifications, newest first; viewing a page marks it read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from yiwang.accounts.http import AuthedRequest
from yiwang.core import notify

PAGE_SIZE = 20


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    page = Paginator(notify.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    messages = list(page)  # evaluated before marking, so this page still shows which ones were new
    notify.mark_read(request.user, [m.pk for m in messages if m.read_at is None])
    return render(request, "portal/messages.html", {"page": page, "inbox_messages": messages})
