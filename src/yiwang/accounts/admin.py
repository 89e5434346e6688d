from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yiwang.accounts.models import ApiToken, Department, Division, Role, RoleAssignment, User
from yiwang.core import audit


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


def _assignment_data(obj: RoleAssignment) -> dict[str, str]:
    return {
        "user": obj.user.username,
        "role": obj.role.code,
        "department": obj.department.code,
        "division": obj.division_id,
    }


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "department", "is_active", "locked_until"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["department"]
    inlines = [RoleAssignmentInline]

    def save_formset(self, request, form, formset, change):
        """Permission changes made here are audited like those made through accounts.services."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        doomed = [
            (str(f.instance.pk), str(f.instance), _assignment_data(f.instance))
            for f in formset.deleted_forms
            if f.instance.pk
        ]
        super().save_formset(request, form, formset, change)
        for obj in [*formset.new_objects, *(o for o, _fields in formset.changed_objects)]:
            audit.record("permission.grant", actor=request.user, obj=obj, data=_assignment_data(obj))
        for pk, text, data in doomed:
            audit.record(
                "permission.revoke",
                actor=request.user,
                object_type="accounts.roleassignment",
                object_id=pk,
                object_repr=text,
                data=data,
            )
        return None


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "secret_hash", "last_used_at"]
    raw_id_fields = ["user"]
