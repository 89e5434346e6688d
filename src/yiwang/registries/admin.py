"""Admin of the registries' configuration: the purposes of use an official may declare to unmask, per role."""

from __future__ import annotations

from django.contrib import admin

from yiwang.registries.models import UnmaskPurpose


@admin.register(UnmaskPurpose)
class UnmaskPurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "roles", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
