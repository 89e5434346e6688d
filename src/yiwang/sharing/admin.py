"""Admin: the catalogue is editable; grants, reads, alerts, exports, ledgers and receipts are read-only (services
change them, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.sharing import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DataItemInline(admin.TabularInline):
    model = models.DataItem
    extra = 0


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "provider", "sharing_type", "open_type", "grade")
    list_filter = ("kind", "sharing_type", "open_type", "grade")
    search_fields = ("code", "name")
    inlines = [DataItemInline]


@admin.register(models.Grant)
class GrantAdmin(ReadOnly):
    list_display = ("resource", "consumer", "status", "due_on", "valid_until")
    list_filter = ("status",)
    exclude = ("credential_hash",)


for model in (
    models.ReadLog,
    models.Alert,
    models.Export,
    models.ReturnExtract,
    models.PrivacyQuery,
    models.JointStatistic,
    models.ThematicRowVersion,
):
    admin.site.register(model, ReadOnly)

for editable in (
    models.ThematicRegistry,
    models.ReturnSchedule,
    models.OpenDataset,
    models.DatasetApplication,
    models.OperationAgreement,
):
    admin.site.register(editable)
