"""The platform kernel's pages: the audit ledger for administrators (filter, page, read; nothing here can change
an entry) and a user's portal messages (站内消息) of the notification outbox, newest first."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yiwang.core import notify
from yiwang.core.forms import AuditFilterForm
from yiwang.core.models import AuditEntry

PAGE_SIZE = 50
MESSAGES_PAGE_SIZE = 20


def _start_of_local_day(day) -> datetime:
    """Midnight of ``day`` in the display time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(data: dict) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-seq")
    if data.get("action"):
        entries = entries.filter(action__startswith=data["action"])
    if data.get("actor"):
        entries = entries.filter(actor_label__icontains=data["actor"])
    if data.get("object_type"):
        entries = entries.filter(object_type=data["object_type"])
    if data.get("object_id"):
        entries = entries.filter(object_id=data["object_id"])
    if data.get("date_from"):
        entries = entries.filter(created_at__gte=_start_of_local_day(data["date_from"]))
    if data.get("date_to"):
        entries = entries.filter(created_at__lt=_start_of_local_day(data["date_to"] + timedelta(days=1)))
    return entries


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_administrator:  # type: ignore[union-attr]
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(filter_entries(data), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/workbench/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def messages_inbox(request: HttpRequest) -> HttpResponse:
    """``/messages/``: the user's portal messages; viewing a page marks it read."""
    page = Paginator(notify.inbox(request.user), MESSAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    messages = list(page)  # evaluated before marking, so this page still shows which ones were new
    notify.mark_read(request.user, [m.pk for m in messages if m.read_at is None])
    return render(request, "core/messages.html", {"page": page, "inbox_messages": messages})
