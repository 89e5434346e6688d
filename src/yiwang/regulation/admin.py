"""Admin pages of 互联网+监管: lists and rosters editable; draws, visits and cases read-only (services change them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.regulation import models


@admin.register(models.RegulatoryItem)
class RegulatoryItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "object_type", "kind", "active")
    list_filter = ("kind", "object_type", "active")
    search_fields = ("code", "name", "legal_basis")


@admin.register(models.InspectionObject)
class InspectionObjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "object_type", "division", "active")
    list_filter = ("object_type", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("entity",)


class RelationInline(admin.TabularInline):
    model = models.InspectorRelation
    raw_id_fields = ("person", "entity")
    extra = 0


@admin.register(models.Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ("certificate_no", "name", "department", "specialties", "available")
    list_filter = ("available",)
    search_fields = ("certificate_no", "name")
    filter_horizontal = ("qualifications",)
    raw_id_fields = ("user", "person")
    inlines = [RelationInline]


@admin.register(models.SamplingRatio)
class SamplingRatioAdmin(admin.ModelAdmin):
    list_display = ("year", "division", "item_kind", "risk_class", "ratio_bp", "max_per_year")
    list_filter = ("year", "item_kind", "risk_class")


@admin.register(models.Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("entity", "kind", "department", "received_on", "open")
    raw_id_fields = ("entity",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "year", "kind", "lead_department")


@admin.register(models.InspectionDraw)
class InspectionDrawAdmin(ReadOnlyAdmin):
    list_display = ("number", "plan", "status", "commitment", "committed_at", "drawn_at")
    exclude = ("targets_tsv", "officers_tsv")


@admin.register(models.Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "target", "year", "status", "result", "published_at")
    list_filter = ("status", "result", "year")
    search_fields = ("code", "target__name")


@admin.register(models.EnforcementCase)
class EnforcementCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "entity", "department", "step", "step_due_on", "decision_no")
    list_filter = ("step", "kind")
