from django.contrib import admin

from yiwang.bundles.models import Bundle, BundleApplication, BundleChild, BundleItem


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["item"]
    filter_horizontal = ["depends_on"]


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "life_event", "status"]
    list_filter = ["status", "life_event"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline]


class BundleChildInline(admin.TabularInline):
    model = BundleChild
    extra = 0
    readonly_fields = ["bundle_item", "application", "started_at", "start_error"]
    can_delete = False


@admin.register(BundleApplication)
class BundleApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "bundle", "state", "submitted_at"]
    list_filter = ["state", "bundle"]
    search_fields = ["number"]
    readonly_fields = ["number", "bundle", "submitted_by", "on_behalf_of", "idempotency_key", "form_data", "state"]
    inlines = [BundleChildInline]
