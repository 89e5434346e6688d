from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import ApiToken, Department, Division, Role, RoleAssignment, User


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division"]
    search_fields = ["code", "name"]
    raw_id_fields = ["division", "parent"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["department", "division"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "department", "is_active", "locked_until"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["department"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("政务身份"),
            {"fields": ("kind", "full_name", "id_number", "phone", "enterprise_uscc", "department", "locked_until")},
        ),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "secret_hash", "last_used_at"]
    raw_id_fields = ["user"]
