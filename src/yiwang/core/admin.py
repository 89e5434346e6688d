"""Admin for the kernel tables: officials maintain the working-day calendar; the audit ledger is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from yiwang.core import audit
from yiwang.core.models import AuditEntry, WorkCalendar


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    """Officials correct a date (e.g. a 调休 announced after the package was released); the edit is kept by
    later seeds, recorded as the row's ``source`` and in the audit ledger."""

    list_display = ["date", "weekday", "kind", "is_working_day", "name", "source", "updated_at"]
    list_filter = ["kind", "is_working_day", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]
    fields = ["date", "kind", "name", "is_working_day", "source", "updated_at"]
    readonly_fields = ["date", "is_working_day", "source", "updated_at"]
    list_per_page = 100

    @admin.display(description=_("星期"))
    def weekday(self, obj: WorkCalendar) -> str:
        return date_format(obj.date, "l")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # whole years come from `calendar seed`; a partial year is refused by the arithmetic

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: WorkCalendar, form: Any, change: bool) -> None:
        before = dict(WorkCalendar.objects.filter(pk=obj.pk).values("kind", "name").first() or {})
        obj.source = f"{WorkCalendar.OFFICIAL_SOURCE_PREFIX}{request.user.get_username()}"[:64]
        super().save_model(request, obj, form, change)
        audit.record(
            "core.workcalendar.update",
            actor=request.user,
            obj=obj,
            data={"before": before, "after": {"kind": obj.kind, "name": obj.name}},
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "created_at", "action", "actor_label", "on_behalf_of", "object_type", "object_repr"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["=object_id", "actor_label", "=request_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
