"""Admin pages of risk: relations and reports editable; runs, scores, leads and objections read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.risk import models


@admin.register(models.EntityRole)
class EntityRoleAdmin(admin.ModelAdmin):
    list_display = ("entity", "role", "person", "holder_entity", "share_ratio", "source", "valid_from", "valid_until")
    list_filter = ("role",)
    raw_id_fields = ("entity", "person", "holder_entity")
    search_fields = ("entity__name", "entity__uscc")


@admin.register(models.AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ("entity", "year", "filed_on")
    list_filter = ("year",)
    raw_id_fields = ("entity",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.RiskModel)
class RiskModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "kind", "config_digest", "created_at")


@admin.register(models.ClassificationRun)
class ClassificationRunAdmin(ReadOnlyAdmin):
    list_display = ("month", "department", "entities", "leads_raised", "model", "seconds")


@admin.register(models.RiskScore)
class RiskScoreAdmin(ReadOnlyAdmin):
    list_display = ("entity", "run", "score", "risk_class")
    list_filter = ("run", "risk_class")
    search_fields = ("entity__name", "entity__uscc")


class EventInline(admin.TabularInline):
    model = models.AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "note", "actor", "at")


@admin.register(models.Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("number", "entity", "indicator", "department", "status", "due_on", "outcome")
    list_filter = ("status", "indicator", "outcome")
    search_fields = ("number", "entity__name", "entity__uscc")
    inlines = [EventInline]


@admin.register(models.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("score", "submitted_by", "status", "created_at")
    list_filter = ("status",)
