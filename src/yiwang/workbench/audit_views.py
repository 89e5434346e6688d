"""The audit ledger for administrators: filter, page, read. Nothing here can change an entry."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import AuditEntry

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("操作（前缀）"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


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
    return render(request, "workbench/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})
