"""Admin for the catalogue: editing items and materials; publishing goes through the services (audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiwang.catalog import services
from yiwang.catalog.models import ItemVersion, MaterialRequirement, ServiceItem
from yiwang.core.errors import DomainError


class MaterialInline(admin.TabularInline):
    model = MaterialRequirement
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["item_code", "name", "department", "item_type", "status", "version", "published_at"]
    list_filter = ["status", "item_type", "audience", "department__kind"]
    search_fields = ["item_code", "name"]
    readonly_fields = ["status", "version", "published_at"]
    raw_id_fields = ["department", "division"]
    inlines = [MaterialInline]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("发布所选事项（冻结新版本）"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            try:
                services.publish_item(item, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{item.item_code}：{exc.message}", messages.ERROR)

    @admin.action(description=_("下线所选事项"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            try:
                services.unpublish_item(item, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{item.item_code}：{exc.message}", messages.ERROR)


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "published_at", "published_by"]
    readonly_fields = ["item", "version", "snapshot", "published_at", "published_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ItemVersion | None = None) -> bool:
        return False
