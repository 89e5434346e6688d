from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.channels.models import Confirmation


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    """Read-only: a confirmation is evidence of consent, written only by the channels' services."""

    list_display = ["token", "kind", "item", "sent_at", "confirmed_at", "attempts"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Confirmation._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
